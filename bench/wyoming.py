"""Wyoming benchmark: what the protocol adds on top of the services, in one process, one run.

1. Speech to text: the time from the end of speech (``audio-stop`` sent) to the ``transcript``
   event, for five dev-set clips, against bare ``TranscriptionService.transcribe_samples`` on the
   same samples. The audio goes out as 16 kHz 16-bit chunks of 1024 samples before the clock starts,
   as Home Assistant streams it while the user speaks.
2. Text to speech: the time from ``synthesize`` sent to the first ``audio-chunk``, against bare
   first-sentence synthesis: ``SpeechService.plan`` and the first item of ``samples(plan)``.

The server is a ``WyomingServer`` on 127.0.0.1 in a background event loop over the same ``App``
(same loaded models); the client is wyoming's ``AsyncTcpClient``. Sides alternate which goes first.

    .venv/bin/python bench/wyoming.py [--repeats 5] [--model tiny.en] [--threads 2] [--data-dir DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's ``http`` (which huggingface_hub's httpx needs):
# move this folder to the end of the path, as the other benchmarks do.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import asyncio
import os
import statistics
import threading
import time
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from wyoming.asr import Transcribe
from wyoming.audio import AudioChunk, AudioStart, AudioStop
from wyoming.client import AsyncTcpClient
from wyoming.tts import Synthesize, SynthesizeVoice

from bench_dirs import data_dir
from homevoice.adapters.wyoming import WyomingServer
from homevoice.app import App, build_app
from homevoice.audio.codec import decode_audio
from homevoice.engines.assets import install_embedded
from homevoice.engines.catalog import ALL_EMBEDDED
from homevoice.evaluation.wer import EvalClip, load_manifest
from homevoice.services.speech import SpeechRequest
from homevoice.services.transcription import TranscriptionRequest
from homevoice.settings import load_settings
from homevoice.settings_integrations import WyomingSettings

T = TypeVar("T")
ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
CLIPS = (
    "en_arctic_a0024",
    "en_sb_spk1_snt1",
    "en_librivox_sense_0870",
    "en_librispeech_61-70968-0000",
    "en_ljspeech_LJ050-0131",
)
VOICE = "en_US-joe-medium"
TEXTS = (
    "The kitchen lights are off now. Anything else?",
    "It is twenty one degrees inside and eighteen outside. The heating stays off today.",
    "Your next meeting starts at ten. Traffic is light, so leave at half past nine.",
)
CHUNK_SAMPLES = 1024


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5, help="rounds over the clips and texts")
    parser.add_argument("--model", default="tiny.en", help="speech-to-text model (default tiny.en)")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads of the model")
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    return parser.parse_args(argv)


class ServerLoop:
    """The Wyoming server in its own event loop thread, as it runs beside uvicorn in ``serve``."""

    def __init__(self, app: App, port: int) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._thread.start()
        self.server = WyomingServer(
            WyomingSettings(uri=f"tcp://127.0.0.1:{port}", zeroconf=False, name="homevoice"), app
        )
        self.run(self.server.start())

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(300)

    def close(self) -> None:
        self.run(self.server.stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(30)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def read_pcm(clip: EvalClip) -> bytes:
    """The clip as 16 kHz 16-bit mono PCM, what Home Assistant sends (some clips are FLAC or 22 kHz)."""
    samples = decode_audio(clip.path).samples
    return (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


async def wyoming_stt(port: int, pcm: bytes) -> float:
    """Seconds from audio-stop sent to the transcript event."""
    client = AsyncTcpClient("127.0.0.1", port)
    await client.connect()
    try:
        await client.write_event(Transcribe().event())
        await client.write_event(AudioStart(rate=16_000, width=2, channels=1).event())
        step = CHUNK_SAMPLES * 2
        for start in range(0, len(pcm), step):
            chunk = AudioChunk(rate=16_000, width=2, channels=1, audio=pcm[start : start + step])
            await client.write_event(chunk.event())
        started = time.perf_counter()
        await client.write_event(AudioStop().event())
        while (event := await client.read_event()) is not None:
            if event.type == "transcript":
                return time.perf_counter() - started
            if event.type == "error":
                raise RuntimeError(event.data)
        raise RuntimeError("the server closed the connection")
    finally:
        await client.disconnect()


async def wyoming_tts(port: int, text: str) -> float:
    """Seconds from synthesize sent to the first audio-chunk (the rest is read, untimed)."""
    client = AsyncTcpClient("127.0.0.1", port)
    await client.connect()
    try:
        started = time.perf_counter()
        await client.write_event(Synthesize(text=text, voice=SynthesizeVoice(name=VOICE)).event())
        first: float | None = None
        while (event := await client.read_event()) is not None:
            if event.type == "audio-chunk" and first is None:
                first = time.perf_counter() - started
            if event.type == "audio-stop" and first is not None:
                return first
            if event.type == "error":
                raise RuntimeError(event.data)
        raise RuntimeError("the server closed the connection")
    finally:
        await client.disconnect()


def bare_stt(app: App, samples: NDArray[np.float32]) -> float:
    started = time.perf_counter()
    app.transcription.transcribe_samples(samples, TranscriptionRequest())
    return time.perf_counter() - started


def bare_tts(app: App, text: str) -> float:
    started = time.perf_counter()
    plan = app.speech.plan(SpeechRequest(text, VOICE))
    audio = app.speech.samples(plan)
    next(audio)
    elapsed = time.perf_counter() - started
    getattr(audio, "close", lambda: None)()  # a generator: let go of the voice now
    return elapsed


def interleave(round_: int, wyoming: Any, bare: Any) -> tuple[float, float]:
    """Both sides once; which goes first alternates, so warm caches favour neither."""
    if round_ % 2:
        return asyncio.run(wyoming()), bare()
    bare_s = bare()
    return asyncio.run(wyoming()), bare_s


def report(title: str, rows: dict[str, tuple[list[float], list[float]]], what: str) -> None:
    print(f"\n{title}")
    print(f"{'':40} {'wyoming ms':>11} {'bare ms':>9} {'extra ms':>9} {'ratio':>6}")
    total_w = total_b = 0.0
    for name, (wy, bare) in rows.items():
        w, b = statistics.median(wy), statistics.median(bare)
        total_w, total_b = total_w + w, total_b + b
        print(f"{name[:40]:40} {w * 1000:11.1f} {b * 1000:9.1f} {(w - b) * 1000:9.1f} {w / b:6.3f}")
    print(
        f"{'all (sum of medians)':40} {total_w * 1000:11.1f} {total_b * 1000:9.1f} "
        f"{(total_w - total_b) * 1000:9.1f} {total_w / total_b:6.3f}"
    )
    print(f"  ({what}; medians of {len(next(iter(rows.values()))[0])} rounds)")


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    by_id = {clip.id: clip for clip in load_manifest(args.evalset / "manifest.tsv")}
    clips = [by_id[name] for name in CLIPS]
    with data_dir(args.data_dir) as directory:
        for spec in ALL_EMBEDDED:
            install_embedded(spec, directory / "models")
        settings = load_settings(
            data_dir=directory,
            log_level="WARNING",
            stt={"model": args.model, "cpu_threads": args.threads},
            models={"keep_alive_s": -1},
        )
        app = build_app(settings)
        port = free_port()
        server = ServerLoop(app, port)
        try:
            print(f"model {args.model} ({args.threads} threads), voice {VOICE}, {args.repeats} rounds")
            print(f"load average at the start: {load()}")
            pcm = {clip.id: read_pcm(clip) for clip in clips}
            samples = {k: np.frombuffer(v, dtype="<i2").astype(np.float32) / 32768.0 for k, v in pcm.items()}
            # Warm-up: load the model and the voice, and let the first calls pay their one-off costs.
            asyncio.run(wyoming_stt(port, pcm[CLIPS[0]]))
            bare_stt(app, samples[CLIPS[0]])
            asyncio.run(wyoming_tts(port, TEXTS[0]))
            bare_tts(app, TEXTS[0])

            stt: dict[str, tuple[list[float], list[float]]] = {
                f"{c.id} ({c.duration:.1f} s)": ([], []) for c in clips
            }
            tts: dict[str, tuple[list[float], list[float]]] = {text[:30] + "...": ([], []) for text in TEXTS}
            for round_ in range(args.repeats):
                for index, clip in enumerate(clips):
                    w, b = interleave(
                        round_ + index,
                        lambda c=clip: wyoming_stt(port, pcm[c.id]),
                        lambda c=clip: bare_stt(app, samples[c.id]),
                    )
                    row = stt[f"{clip.id} ({clip.duration:.1f} s)"]
                    row[0].append(w)
                    row[1].append(b)
                for index, text in enumerate(TEXTS):
                    w, b = interleave(
                        round_ + index,
                        lambda t=text: wyoming_tts(port, t),
                        lambda t=text: bare_tts(app, t),
                    )
                    row = tts[text[:30] + "..."]
                    row[0].append(w)
                    row[1].append(b)
            report(
                "Speech to text: end of speech (audio-stop sent) -> transcript",
                stt,
                "bare = TranscriptionService.transcribe_samples on the same samples",
            )
            report(
                "Text to speech: synthesize sent -> first audio-chunk",
                tts,
                "bare = SpeechService.plan + first item of samples(plan)",
            )
            print(f"\nload average at the end: {load()} (timings share the CPU with anything else running)")
        finally:
            server.close()
            app.close()


if __name__ == "__main__":
    main()
