"""The measurements: sides interleaved round by round, the front end alone, and time to first audio."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

import numpy as np

from homevoice.app import App
from homevoice.audio.encode import AudioFormat, StreamEncoder
from homevoice.services.speech import SpeechRequest
from homevoice.text import prepare
from tts_common import STREAM_FORMATS, FirstAudio, Sides, Stream, console
from tts_sides import Call

Hook = Callable[[], None]


def balanced_order(names: list[str], index: int) -> list[str]:
    """Round ``index``'s order: a Williams design, so over a full cycle (n rounds, 2n for odd n) every
    name goes first equally often and follows every other name equally often. A plain rotation keeps
    each side behind the same neighbour in every round, so whatever a side leaves behind (the
    server's worker threads still spinning after an HTTP call) would always fall on the same one."""
    n = len(names)
    first = [0]
    low, high = 1, n - 1
    while len(first) < n:
        first.append(low if len(first) % 2 else high)
        if len(first) % 2:
            high -= 1
        else:
            low += 1
    rows = [[(i + shift) % n for i in first] for shift in range(n)]
    if n % 2:
        rows += [row[::-1] for row in rows]
    return [names[i] for i in rows[index % len(rows)]]


def measure_sides(
    title: str,
    text_chars: int,
    calls: Mapping[str, Call],
    repeats: int,
    gap_s: float,
    *,
    http_side: str | None = None,
    keep_warm: Hook | None = None,
    server_clock: Callable[[], float] | None = None,
) -> Sides:
    """One untimed warm-up call per side, then ``repeats`` rounds of every side in a balanced order.

    ``gap_s`` of idle before each call lets the last call's worker threads settle. Around the HTTP
    side, untimed: ``keep_warm`` before (the connection would otherwise idle out between its calls)
    and the server's own clock after (its cumulative seconds on speech requests).
    """
    run = Sides(title, text_chars, {side: [] for side in calls})
    for side, call in calls.items():
        run.audio_s[side] = call()
    server_total = server_clock() if server_clock else 0.0
    for index in range(repeats):
        for side in balanced_order(list(calls), index):
            if side == http_side and keep_warm:
                keep_warm()
            time.sleep(gap_s)
            started = time.perf_counter()
            run.audio_s[side] = calls[side]()
            run.seconds[side].append(time.perf_counter() - started)
            if side == http_side and server_clock:
                now = server_clock()
                run.server_s.append(now - server_total)
                server_total = now
        if (index + 1) % 5 == 0 or index + 1 == repeats:
            console.print(f"  round {index + 1}/{repeats}")
    return run


def time_front_end(app: App, texts: Mapping[str, str], rounds: int = 30) -> dict[str, list[float]]:
    """``prepare`` alone and ``SpeechService.plan`` (language detection, voice choice, ``prepare``) per
    text, each as a request without a language or voice; the first call of each is a warm-up."""
    times: dict[str, list[float]] = {}
    for name, text in texts.items():
        request = SpeechRequest(text=text)
        times[f"prepare {name}"], times[f"plan {name}"] = [], []
        prepare(text)
        app.speech.plan(request)
        for _ in range(rounds):
            started = time.perf_counter()
            prepare(text)
            times[f"prepare {name}"].append(time.perf_counter() - started)
            started = time.perf_counter()
            app.speech.plan(request)
            times[f"plan {name}"].append(time.perf_counter() - started)
    return times


def time_first_encode(app: App, sentence: str, voice: str, rounds: int = 5) -> dict[str, list[float]]:
    """Encoding the first sentence's audio in one write, per streamed format (``StreamEncoder``, the
    server's encoder): what a stream waits for between the first sentence's samples and its first byte."""
    plan = app.speech.plan(SpeechRequest(text=sentence, voice=voice))
    audio = np.concatenate(list(app.speech.samples(plan)))
    rate = app.speech.sample_rate(voice)
    times: dict[str, list[float]] = {fmt: [] for fmt in STREAM_FORMATS}
    for _ in range(rounds + 1):  # the first round warms the codec up
        for fmt in STREAM_FORMATS:
            encoder = StreamEncoder(AudioFormat(fmt), rate)
            started = time.perf_counter()
            encoder.write(audio)
            times[fmt].append(time.perf_counter() - started)
            encoder.close()
    return {fmt: values[1:] for fmt, values in times.items()}


def measure_first_audio(
    text: str,
    first_sentence: str,
    sentence_call: Call,
    sentence_http: Call,
    client_stream: Callable[[str, str], tuple[float, float, int, int, int]],
    client_whole: Callable[[str, str], int],
    repeats: int,
    gap_s: float,
    keep_warm: Hook,
) -> FirstAudio:
    """Rounds of: each format streamed (first chunk, last byte) and whole, and the first sentence alone
    (in-process and over HTTP), in a balanced order (``balanced_order``)."""
    result = FirstAudio(len(text), first_sentence)
    streams = {fmt: Stream(fmt) for fmt in STREAM_FORMATS}
    result.streams = list(streams.values())
    steps: dict[str, Hook] = {}

    def streamed(fmt: str) -> Hook:
        def step() -> None:
            first, last, first_bytes, size, chunks = client_stream(text, fmt)
            stream = streams[fmt]
            stream.first_s.append(first)
            stream.last_s.append(last)
            stream.first_bytes, stream.body_bytes, stream.chunks = first_bytes, size, chunks

        return step

    def whole(fmt: str) -> Hook:
        def step() -> None:
            started = time.perf_counter()
            client_whole(text, fmt)
            streams[fmt].whole_s.append(time.perf_counter() - started)

        return step

    def timed(call: Call, into: list[float]) -> Hook:
        def step() -> None:
            started = time.perf_counter()
            result.sentence_audio_s = call()
            into.append(time.perf_counter() - started)

        return step

    for fmt in STREAM_FORMATS:
        steps[f"stream {fmt}"] = streamed(fmt)
        steps[f"whole {fmt}"] = whole(fmt)
    steps["sentence in-process"] = timed(sentence_call, result.sentence_s)
    steps["sentence http"] = timed(sentence_http, result.sentence_http_s)
    for fmt in STREAM_FORMATS:  # warm-up, not timed: the opus encoder's first use, the sentence path
        client_stream(text[:80], fmt)
    sentence_call()
    for index in range(repeats):
        for name in balanced_order(list(steps), index):
            keep_warm()
            time.sleep(gap_s)
            steps[name]()
        console.print(f"  round {index + 1}/{repeats}")
    return result
