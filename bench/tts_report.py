"""Benchmark output: real-time factors, the Piper sides, time to first audio, memory, ``--json``."""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict
from pathlib import Path

from rich.table import Table

from http_common import Stats
from tts_common import (
    BARE,
    FESTIVAL_BARE,
    FESTIVAL_HOMEVOICE,
    FESTIVAL_VOICE,
    HTTP,
    IN_PROCESS_SAMPLES,
    IN_PROCESS_WAV,
    PIPER_VOICE,
    REFERENCES,
    TARGET_FIRST_AUDIO,
    TARGET_OVER_BARE,
    FirstAudio,
    Report,
    Sides,
    console,
)


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f}"


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def print_report(report: Report) -> None:
    console.print()
    print_rtf(report)
    if report.piper:
        print_piper(report.piper)
        print_breakdown(report)
    if report.first_audio:
        print_first_audio(report.first_audio)
    if report.rss_mb:
        shown = ", ".join(f"{moment} {mb:.0f} MB" for moment, mb in report.rss_mb.items())
        console.print(f"server RSS (process and children, psutil every 50 ms): {shown}")
    for note in report.notes:
        console.print(f"note: {note}")


def print_rtf(report: Report) -> None:
    table = Table(title="Real-time factor per engine (synthesis seconds / audio seconds, medians)")
    for name in ("engine", "voice", "text", "side", "calls", "audio s", "median s", "p95 s", "RTF"):
        table.add_column(name, justify="right")
    rows: list[tuple[str, str, Sides, str, int]] = []
    if report.piper:
        rows += [
            ("piper", PIPER_VOICE, report.piper, BARE, report.calls.get("bare en_600", 0)),
            ("piper", PIPER_VOICE, report.piper, IN_PROCESS_SAMPLES, report.calls.get("homevoice en_600", 0)),
        ]
    if report.festival:
        rows += [
            ("festival", FESTIVAL_VOICE, report.festival, FESTIVAL_BARE, 1),
            (
                "festival",
                FESTIVAL_VOICE,
                report.festival,
                FESTIVAL_HOMEVOICE,
                report.calls.get("homevoice ru_600", 0),
            ),
        ]
    sentences = ", ".join(f"{name} {count}" for name, count in report.sentences.items()) or "not measured"
    for engine, voice, run, side, calls in rows:
        stats = run.stats(side)
        table.add_row(
            engine,
            voice,
            f"{run.text_chars} chars",
            side,
            str(calls),
            f"{run.audio_s[side]:.1f}",
            f"{stats.median:.3f}",
            f"{stats.p95:.3f}",
            f"{run.rtf(side):.3f}",
        )
    console.print(table)
    console.print(
        "calls = engine calls per text (bare piper: espeak-ng's sentences; homevoice: counted on its engine; "
        f"Festival: text2wave processes); sentences after homevoice's prepare: {sentences}. homevoice's audio "
        "includes its 0.2 s gaps between calls. Festival bare: one text2wave on the whole text, normalised by "
        "homevoice beforehand (untimed), the voice and options homevoice runs."
    )


def print_piper(run: Sides) -> None:
    table = Table(title=f"Piper {PIPER_VOICE}, {run.text_chars}-character English text (seconds)")
    for name in ("side", "n", "median", "p95", "min", "RTF", "x bare", "paired x bare", "min x bare"):
        table.add_column(name, justify="right")
    for side in run.seconds:
        stats = run.stats(side)
        table.add_row(
            side,
            str(stats.n),
            f"{stats.median:.3f}",
            f"{stats.p95:.3f}",
            f"{stats.min:.3f}",
            f"{run.rtf(side):.3f}",
            f"{run.ratio(side, BARE):.3f}",
            f"{run.paired_ratio(side, BARE):.3f}",
            f"{run.min_ratio(side, BARE):.3f}",
        )
    console.print(table)
    console.print(
        "bare = PiperVoice.load(onnx) + synthesize(text) -> int16 (piper-tts's own sentence split, espeak-ng "
        "reads the digits); in-process = SpeechService.plan + samples (float) or + encoded(WAV) (bytes); "
        "http wav = openai SDK audio.speech.create -> homevoice serve (own process), whole body. x bare: "
        "ratio of medians (held to the target); paired: median of per-round ratios; min: fastest calls."
    )
    for side in (HTTP, IN_PROCESS_WAV, IN_PROCESS_SAMPLES):
        ratio = run.ratio(side, BARE)
        console.print(
            f"{side}/bare {ratio:.3f}x (paired {run.paired_ratio(side, BARE):.3f}x, fastest calls "
            f"{run.min_ratio(side, BARE):.3f}x); target <= {TARGET_OVER_BARE:.2f}x: {_verdict(ratio <= TARGET_OVER_BARE)}"
        )
    console.print(f"reference, quoted, not measured here: {REFERENCES}")


def print_breakdown(report: Report) -> None:
    run = report.piper
    assert run is not None
    table = Table(title="Where the time goes (median milliseconds per 600-character request)")
    for name in (
        "prepare alone",
        "plan",
        "samples - bare",
        "wav - samples",
        "in server - wav",
        "http - in server",
        "http - bare",
    ):
        table.add_column(name, justify="right")
    bare, samples, wav, http = (run.stats(s).median for s in (BARE, IN_PROCESS_SAMPLES, IN_PROCESS_WAV, HTTP))
    server = statistics.median(run.server_s) if run.server_s else float("nan")
    client = (
        statistics.median(h - s for h, s in zip(run.seconds[HTTP], run.server_s, strict=True))
        if run.server_s
        else float("nan")
    )
    table.add_row(
        f"{1000 * Stats.of(report.prepare_s.get('prepare en_600', [])).median:.1f}",
        f"{1000 * Stats.of(report.prepare_s.get('plan en_600', [])).median:.1f}",
        _ms(samples - bare),
        _ms(wav - samples),
        _ms(server - wav),
        _ms(client),
        _ms(http - bare),
    )
    console.print(table)
    shown = ", ".join(
        f"{name} {1000 * Stats.of(times).median:.1f} ms" for name, times in report.prepare_s.items()
    )
    console.print(
        "prepare = homevoice.text.prepare (language detected, numbers and abbreviations as words, sentence "
        "split) alone; plan = SpeechService.plan (detection, voice, prepare); in server = the server's own "
        "latency histogram to the end of the streamed body; http - in server = median per request of client "
        f"time minus server time (SDK, socket, reading the body). Front end per text: {shown}."
    )


def print_first_audio(result: FirstAudio) -> None:
    title = f"Time to first audio over HTTP, {result.text_chars}-character English text (seconds)"
    table = Table(title=title)
    for name in ("format", "measure", "n", "median", "p95", "min", "x first sentence"):
        table.add_column(name, justify="right")
    sentence = Stats.of(result.sentence_s).median
    for stream in result.streams:
        for label, values in (
            ("streamed, first non-empty chunk", stream.first_s),
            ("streamed, last byte", stream.last_s),
            ("whole body (create)", stream.whole_s),
        ):
            stats = Stats.of(values)
            table.add_row(
                stream.format,
                label,
                str(stats.n),
                f"{stats.median:.3f}",
                f"{stats.p95:.3f}",
                f"{stats.min:.3f}",
                f"{stats.median / sentence:.2f}",
            )
    for label, values in (
        ("first sentence alone, in-process", result.sentence_s),
        ("first sentence alone, http whole", result.sentence_http_s),
    ):
        stats = Stats.of(values)
        table.add_row(
            "wav" if "http" in label else "samples",
            label,
            str(stats.n),
            f"{stats.median:.3f}",
            f"{stats.p95:.3f}",
            f"{stats.min:.3f}",
            f"{stats.median / sentence:.2f}",
        )
    console.print(table)
    console.print(
        f"first sentence ({len(result.first_sentence)} chars, {result.sentence_audio_s:.1f} s of audio): "
        f"{result.first_sentence!r}; in-process = SpeechService.plan + samples, the target line. "
        + "; ".join(
            f"{s.format}: first chunk {s.first_bytes} bytes, body {s.body_bytes / 1000:.0f} KB in {s.chunks} chunks"
            for s in result.streams
        )
    )
    if result.encode_s:
        console.print(
            "encoding the first sentence's audio in one write (StreamEncoder, in-process): "
            + ", ".join(f"{fmt} {1000 * Stats.of(v).median:.0f} ms" for fmt, v in result.encode_s.items())
            + "; a stream's first byte waits for it."
        )
    for stream in result.streams:
        first = Stats.of(stream.first_s).median
        ratio = first / sentence
        console.print(
            f"{stream.format}: first audio after {first:.3f} s, {ratio:.2f}x the first sentence alone "
            f"({1000 * (first - sentence):+.0f} ms), {Stats.of(stream.whole_s).median / first:.1f}x sooner than "
            f"the whole body; target first audio within the time of the first sentence (<= "
            f"{TARGET_FIRST_AUDIO:.2f}x): {_verdict(ratio <= TARGET_FIRST_AUDIO)}"
        )


def print_conditions(report: Report, total_s: float) -> None:
    load = report.load_average
    threads = ", ".join(f"{side} {n}" for side, n in report.threads.items())
    console.print(
        f"total bench time {total_s:.0f} s; 1-min load average at start {load['start']:.2f}, at end "
        f"{load['end']:.2f} on {os.cpu_count()} CPUs; onnxruntime intra-op threads (0 = its default, one per "
        f"physical core): {threads}"
    )


def write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
