"""Audiobook benchmark: characters per second for a 30-page PDF, with one and with every core.

1. A 30-page English PDF is generated (fpdf2, ``tests/fakes/documents.py``) and planned once.
2. Bare engine: piper-tts alone (``PiperVoice.load`` + ``synthesize``, onnxruntime's default threads,
   so it uses every core itself) on the same sentences, one after another, in this process.
3. homevoice: ``AudiobookService.render`` from the PDF to a finished M4B (extraction, planning,
   synthesis in worker processes with one thread each, loudness, AAC, chapters), each run with an
   empty sentence cache: with 1 worker process, then with one per core.
4. Characters per second for each, the speed-up of all workers over one, and each render's time as
   a ratio of the bare engine's time on the same sentences.

    .venv/bin/python bench/audiobook.py [--pages 30] [--workers N] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's ``http`` (fpdf2 imports it): this folder goes
# last on sys.path, and the repository root (for the document fixtures) after it.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1]))

import argparse
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass

from piper import PiperVoice
from pypdf import PdfReader
from tests.fakes.documents import english_paragraphs, write_pdf

from bench_dirs import data_dir
from homevoice.app import build_app
from homevoice.audiobooks.pool import worker_count
from homevoice.engines.assets import install_embedded
from homevoice.engines.catalog import find_voice
from homevoice.services.audiobooks import AudiobookRequest
from homevoice.settings import load_settings
from homevoice.text import strip_stress

VOICE = "en_US-joe-medium"
PARAGRAPHS_PER_CHAPTER = 12


@dataclass(frozen=True)
class Run:
    name: str
    workers: int
    seconds: float
    characters: int
    synthesised: int
    audio_s: float

    @property
    def chars_per_s(self) -> float:
        return self.characters / self.seconds


def make_pdf(path: Path, pages: int) -> int:
    """A PDF of at least ``pages`` pages; returns its page count."""
    chapters: list[tuple[str, list[str]]] = []
    seed = 0
    while True:
        seed += 1
        chapters.append(
            (f"Chapter {len(chapters) + 1}", english_paragraphs(PARAGRAPHS_PER_CHAPTER, seed=seed))
        )
        write_pdf(path, "A Long Walk", "Bench Writer", chapters, running_header="A Long Walk")
        count = len(PdfReader(path).pages)
        if count >= pages:
            return count


def render(data: Path, source: Path, workers: int) -> Run:
    cache = data / "audiobooks"
    shutil.rmtree(cache, ignore_errors=True)  # every run starts with an empty sentence cache
    settings = load_settings(data_dir=data, log_level="WARNING", audiobooks={"workers": workers})
    app = build_app(settings)
    try:
        service = app.audiobooks()
        started = time.perf_counter()
        document = service.load(source)
        result = service.render(document, AudiobookRequest(voice=VOICE), f"bench-{workers}")
        seconds = time.perf_counter() - started
        plan = service.plan(document, AudiobookRequest(voice=VOICE))
    finally:
        app.close()
    return Run(
        f"homevoice, {workers} worker(s)",
        workers,
        seconds,
        plan.characters,
        result.stats.synthesised,
        result.record.duration,
    )


def bare(data: Path, source: Path) -> Run:
    settings = load_settings(data_dir=data, log_level="WARNING")
    app = build_app(settings)
    try:
        service = app.audiobooks()
        plan = service.plan(service.load(source), AudiobookRequest(voice=VOICE))
    finally:
        app.close()
    sentences = [strip_stress(s.text) for s in plan.unique_sentences()]
    voice = PiperVoice.load(data / "models" / VOICE / f"{VOICE}.onnx")
    started = time.perf_counter()
    samples = 0
    for text in sentences:
        samples += sum(len(chunk.audio_int16_array) for chunk in voice.synthesize(text))
    seconds = time.perf_counter() - started
    return Run(
        "bare piper-tts",
        1,
        seconds,
        sum(len(t) for t in sentences),
        len(sentences),
        samples / voice.config.sample_rate,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--workers", type=int, default=0, help="Workers for the parallel run; 0: every core.")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--data-dir", type=Path, default=None)
    args = parser.parse_args()
    every = worker_count(args.workers)
    with data_dir(args.data_dir) as data, tempfile.TemporaryDirectory() as work:
        spec = find_voice(VOICE)
        assert spec is not None
        install_embedded(spec, data / "models")
        source = Path(work) / "long.pdf"
        pages = make_pdf(source, args.pages)
        print(f"{source.name}: {pages} pages, {os.cpu_count()} CPU(s); voice {VOICE}", flush=True)
        runs = [bare(data, source)]
        print(f"  {runs[-1].name}: {runs[-1].seconds:.1f} s", flush=True)
        for workers in dict.fromkeys([1, every]):
            runs.append(render(data, source, workers))
            print(f"  {runs[-1].name}: {runs[-1].seconds:.1f} s", flush=True)
    base, one, many = runs[0], runs[1], runs[-1]
    print()
    print(f"{'run':<26}{'seconds':>9}{'chars/s':>10}{'sentences':>11}{'audio min':>11}{'x bare time':>13}")
    for run in runs:
        print(
            f"{run.name:<26}{run.seconds:>9.1f}{run.chars_per_s:>10.0f}{run.synthesised:>11}"
            f"{run.audio_s / 60:>11.1f}{run.seconds / base.seconds:>13.2f}"
        )
    speedup = one.seconds / many.seconds
    print(f"\nspeed-up, {many.workers} workers over 1: {speedup:.2f}x")
    print(f"real-time factor with {many.workers} workers: {many.seconds / many.audio_s:.3f}")
    if args.json:
        report = {
            "pages": pages,
            "runs": [asdict(r) | {"chars_per_s": r.chars_per_s} for r in runs],
            "speedup": speedup,
        }
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
