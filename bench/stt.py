"""Speech-to-text benchmark: homevoice against bare faster-whisper on the same model folders.

Accuracy (WER/CER per model, set and language), speed (real-time factor, homevoice/bare time
ratio), long audio (batched against sequential pipeline), peak memory per phase and a silence
check, in one run. Every phase runs in its own spawned process, so its peak RSS is its own.

    .venv/bin/python bench/stt.py [--models tiny.en,base] [--sets dev,asterisk-en,asterisk-ru]
        [--limit N] [--threads 2] [--long-minutes 5] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import wave
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray
from rich.console import Console
from rich.table import Table

from homevoice.evaluation.wer import (
    EvalClip,
    char_error_rate,
    load_core_sounds,
    load_manifest,
    normalize,
    word_error_rate,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
DEFAULT_SOUNDS = Path("/usr/share/asterisk/sounds")
SETS = ("dev", "asterisk-en", "asterisk-ru")
ASTERISK_DEFAULT_LIMIT = 100
SAMPLE_RATE = 16_000
LONG_GAP_S = 0.5
SILENCE_S = 30.0
NOISE_STD = 0.01
BEAM_SIZE = 5
TARGET_TIME_RATIO = 1.10
TARGET_SPEEDUP = 1.5
HOMEVOICE = "homevoice"
BARE = "bare"
HOMEVOICE_NO_VAD = "homevoice-novad"
SHORT = {HOMEVOICE: "hv", BARE: "bare", HOMEVOICE_NO_VAD: "hv-novad"}

console = Console(width=200)
T = TypeVar("T")


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    data_dir: Path
    threads: int


@dataclass(frozen=True)
class EvalSet:
    name: str
    clips: list[EvalClip]


# --- results -------------------------------------------------------------------------------------


@dataclass
class ClipRun:
    id: str
    language: str
    duration: float
    reference: str
    texts: dict[str, str]
    seconds: dict[str, float]


@dataclass
class ClipsPhase:
    model: str
    set: str
    sides: list[str]
    clips: list[ClipRun]
    warmup_s: dict[str, float]
    peak_rss_mb: float = 0.0


@dataclass
class ScoreRow:
    model: str
    set: str
    language: str
    clips: int
    audio_s: float
    wer: dict[str, float]
    cer: dict[str, float]
    rtf: dict[str, float]
    time_ratio_total: float
    time_ratio_median: float


@dataclass
class LongRun:
    model: str
    batched: bool
    audio_s: float
    seconds: float
    text: str
    wer: float = 0.0
    peak_rss_mb: float = 0.0


@dataclass
class SilenceRun:
    input: str
    language: str
    texts: dict[str, str]
    seconds: dict[str, float]


@dataclass
class SilencePhase:
    model: str
    runs: list[SilenceRun]
    peak_rss_mb: float = 0.0


@dataclass
class MemoryRun:
    phase: str
    peak_rss_mb: float
    wall_s: float


@dataclass
class Report:
    config: dict[str, Any]
    scores: list[ScoreRow] = field(default_factory=list)
    clips: list[ClipsPhase] = field(default_factory=list)
    long: list[LongRun] = field(default_factory=list)
    silence: SilencePhase | None = None
    memory: list[MemoryRun] = field(default_factory=list)
    load_average: dict[str, float] = field(default_factory=dict)
    """1-minute load average at the start and end: above the threads used, other work shared the CPU."""


# --- engines (used inside the child processes) ---------------------------------------------------


def _homevoice_app(cfg: Config) -> Any:
    from homevoice.app import build_app
    from homevoice.settings import load_settings

    settings = load_settings(
        data_dir=cfg.data_dir,
        log_level="WARNING",
        stt={"device": "cpu", "compute_type": "int8", "cpu_threads": cfg.threads},
        models={"keep_alive_s": -1},
    )
    return build_app(settings)


def _bare_model(model: str, cfg: Config) -> Any:
    from faster_whisper import WhisperModel

    from homevoice.engines.assets import resolve_model

    path = resolve_model(model, cfg.data_dir / "models").path
    return WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=cfg.threads)


def _bare_text(whisper: Any, audio: Any, language: str) -> str:
    segments, _info = whisper.transcribe(audio, language=language, beam_size=BEAM_SIZE)
    return " ".join(s.text.strip() for s in segments).strip()


Transcriber = Callable[[Path, str], str]


def _transcribers(
    model: str, cfg: Config, sides: Sequence[str]
) -> tuple[dict[str, Transcriber], Callable[[], None]]:
    """One ``(path, language) -> text`` function per side, and a close function.

    Each side decodes the file itself and loads its model on first use (so a warm-up call times
    the load, and a side run alone carries nothing of the other).
    """
    import faster_whisper

    app = cache(partial(_homevoice_app, cfg))
    whisper = cache(partial(_bare_model, model, cfg))

    def homevoice(path: Path, language: str, vad: bool | None = None) -> str:
        from homevoice.services.transcription import TranscriptionRequest

        request = TranscriptionRequest(model=model, language=language, vad=vad)
        return str(app().transcription.transcribe(path, request).text)

    def bare(path: Path, language: str) -> str:
        return _bare_text(whisper(), faster_whisper.decode_audio(str(path)), language)

    def close() -> None:
        if app.cache_info().currsize:
            app().close()

    every: dict[str, Transcriber] = {
        HOMEVOICE: homevoice,
        HOMEVOICE_NO_VAD: partial(homevoice, vad=False),
        BARE: bare,
    }
    return {side: every[side] for side in sides}, close


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _quiet() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)


# --- phases (each runs in a spawned child) -------------------------------------------------------


def phase_clips(
    model: str, set_name: str, clips: list[EvalClip], sides: list[str], cfg: Config
) -> ClipsPhase:
    """Transcribe every clip with every side, rotating which side goes first to share warm caches."""
    _quiet()
    run, close = _transcribers(model, cfg, sides)
    warmup = {side: _timed(partial(run[side], clips[0].path, clips[0].language))[1] for side in sides}
    results = []
    for index, clip in enumerate(clips):
        order = sides[index % len(sides) :] + sides[: index % len(sides)]
        texts: dict[str, str] = {}
        seconds: dict[str, float] = {}
        for side in order:
            texts[side], seconds[side] = _timed(partial(run[side], clip.path, clip.language))
        results.append(ClipRun(clip.id, clip.language, clip.duration, clip.transcript, texts, seconds))
    close()
    return ClipsPhase(model, set_name, sides, results, warmup, _peak_rss_mb())


def phase_long(model: str, wav: Path, warmup_clip: Path, batched: bool, cfg: Config) -> LongRun:
    """homevoice on the long recording, batched or sequential, after a warm-up on a short clip."""
    _quiet()
    from homevoice.services.transcription import TranscriptionRequest

    app = _homevoice_app(cfg)
    request = TranscriptionRequest(model=model, language="en", batched=batched)
    app.transcription.transcribe(warmup_clip, request)
    transcript, seconds = _timed(lambda: app.transcription.transcribe(wav, request))
    app.close()
    return LongRun(model, batched, transcript.duration, seconds, transcript.text, peak_rss_mb=_peak_rss_mb())


def phase_silence(model: str, language: str, cfg: Config) -> SilencePhase:
    """Digital silence and low white noise: homevoice should print nothing, bare Whisper may not."""
    _quiet()
    from homevoice.services.transcription import TranscriptionRequest

    app = _homevoice_app(cfg)
    whisper = _bare_model(model, cfg)
    request = TranscriptionRequest(model=model, language=language)
    runs = []
    for name, samples in _silence_inputs().items():
        transcript, hv_s = _timed(partial(app.transcription.transcribe_samples, samples, request))
        bare_text, bare_s = _timed(partial(_bare_text, whisper, samples, language))
        hv_text = str(transcript.text)
        runs.append(
            SilenceRun(name, language, {HOMEVOICE: hv_text, BARE: bare_text}, {HOMEVOICE: hv_s, BARE: bare_s})
        )
    app.close()
    return SilencePhase(model, runs, _peak_rss_mb())


def phase_memory(model: str, side: str, clip: EvalClip, cfg: Config) -> float:
    """Peak RSS of one side alone: import, load the model, transcribe one clip."""
    _quiet()
    run, close = _transcribers(model, cfg, [side])
    run[side](clip.path, clip.language)
    close()
    return _peak_rss_mb()


def _silence_inputs() -> dict[str, NDArray[np.float32]]:
    n = int(SILENCE_S * SAMPLE_RATE)
    noise = np.random.default_rng(0).normal(0.0, NOISE_STD, n).astype(np.float32)
    return {
        f"{SILENCE_S:.0f} s digital silence": np.zeros(n, dtype=np.float32),
        f"{SILENCE_S:.0f} s noise std {NOISE_STD}": noise,
    }


def in_child(fn: Callable[..., T], *args: Any) -> tuple[T, float]:
    """Run ``fn(*args)`` in a fresh spawned process; returns its result and the wall time."""
    started = time.perf_counter()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        result = pool.submit(fn, *args).result()
    return result, time.perf_counter() - started


# --- evaluation sets -----------------------------------------------------------------------------


def load_sets(
    names: Sequence[str], evalset: Path, sounds: Path, limit: int | None, seed: int
) -> list[EvalSet]:
    loaded = []
    for name in names:
        if name == "dev":
            clips = load_manifest(evalset / "manifest.tsv")
            wanted = limit
        else:
            lang = name.removeprefix("asterisk-")
            clips = load_core_sounds(evalset / f"core-sounds-{lang}.txt", sounds / lang, language=lang)
            wanted = limit if limit is not None else ASTERISK_DEFAULT_LIMIT
            if not clips:
                sys.exit(
                    f"No {name} prompts under {sounds / lang}: apt-get install asterisk-core-sounds-{lang}-wav"
                )
        loaded.append(EvalSet(name, sample(clips, wanted, seed)))
    return loaded


def sample(clips: list[EvalClip], limit: int | None, seed: int) -> list[EvalClip]:
    """A reproducible spread over the whole set (not just its first prompts), in the set's order."""
    if limit is None or len(clips) <= limit:
        return clips
    keep = sorted(random.Random(seed).sample(range(len(clips)), limit))
    return [clips[i] for i in keep]


def model_languages(model: str) -> tuple[str, ...] | None:
    from homevoice.engines.catalog import find_model

    spec = find_model(model)
    return spec.languages if spec is not None else None


def supported(clips: list[EvalClip], model: str) -> list[EvalClip]:
    languages = model_languages(model)
    return [c for c in clips if languages is None or c.language in languages]


# --- long audio ----------------------------------------------------------------------------------


def build_long_audio(clips: list[EvalClip], minutes: float, out: Path) -> tuple[float, str]:
    """Concatenate the English clips (16 kHz, 0.5 s gaps), repeated until ``minutes`` long.

    Writes a 16-bit WAV to ``out``; returns its duration and the matching normalised reference.
    """
    from homevoice.audio.codec import decode_audio

    english = [c for c in clips if c.language == "en"]
    decoded = [(c, decode_audio(c.path).samples) for c in english]
    gap = np.zeros(int(LONG_GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts: list[NDArray[np.float32]] = []
    references: list[str] = []
    total = 0
    target = int(minutes * 60 * SAMPLE_RATE)
    while total < target:
        for clip, samples in decoded:
            parts += [samples, gap]
            references.append(normalize(clip.transcript, "en"))
            total += len(samples) + len(gap)
            if total >= target:
                break
    _write_wav(out, np.concatenate(parts))
    return total / SAMPLE_RATE, " ".join(references)


def _write_wav(path: Path, samples: NDArray[np.float32]) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())


# --- scoring -------------------------------------------------------------------------------------


def score(phase: ClipsPhase) -> list[ScoreRow]:
    """One row per language, plus an ``all`` row when the set mixes languages."""
    languages = sorted({c.language for c in phase.clips})
    groups = [(lang, [c for c in phase.clips if c.language == lang]) for lang in languages]
    if len(groups) > 1:
        groups.append(("all", phase.clips))
    return [_score_group(phase, lang, clips) for lang, clips in groups]


def _score_group(phase: ClipsPhase, language: str, clips: list[ClipRun]) -> ScoreRow:
    refs = [normalize(c.reference, c.language) for c in clips]
    audio_s = sum(c.duration for c in clips)
    wer, cer, rtf = {}, {}, {}
    for side in phase.sides:
        hyps = [normalize(c.texts[side], c.language) for c in clips]
        wer[side] = word_error_rate(refs, hyps)
        cer[side] = char_error_rate(refs, hyps)
        rtf[side] = sum(c.seconds[side] for c in clips) / audio_s
    total = sum(c.seconds[HOMEVOICE] for c in clips) / sum(c.seconds[BARE] for c in clips)
    median = statistics.median(c.seconds[HOMEVOICE] / c.seconds[BARE] for c in clips)
    return ScoreRow(phase.model, phase.set, language, len(clips), audio_s, wer, cer, rtf, total, median)


def differing_clips(phase: ClipsPhase) -> Iterator[tuple[ClipRun, str, str, str]]:
    """Clips whose normalised homevoice and bare transcripts differ: (clip, ref, homevoice, bare)."""
    for clip in phase.clips:
        ref = normalize(clip.reference, clip.language)
        hv = normalize(clip.texts[HOMEVOICE], clip.language)
        bare = normalize(clip.texts[BARE], clip.language)
        if hv != bare:
            yield clip, ref, hv, bare


# --- printing ------------------------------------------------------------------------------------


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def print_scores(rows: list[ScoreRow], sides: list[str]) -> None:
    table = Table(title="Accuracy and speed on short clips (corpus WER/CER on normalised text)")
    for name in ("model", "set", "lang", "clips", "audio s"):
        table.add_column(name)
    for side in sides:
        table.add_column(f"WER {SHORT[side]} %", justify="right")
    table.add_column("ΔWER pt", justify="right")
    for side in sides:
        table.add_column(f"CER {SHORT[side]} %", justify="right")
    for side in sides:
        table.add_column(f"RTF {SHORT[side]}", justify="right")
    table.add_column("hv/bare time", justify="right")
    table.add_column("median clip", justify="right")
    for r in rows:
        table.add_row(
            r.model,
            r.set,
            r.language,
            str(r.clips),
            f"{r.audio_s:.1f}",
            *(_pct(r.wer[s]) for s in sides),
            f"{100 * (r.wer[HOMEVOICE] - r.wer[BARE]):+.1f}",
            *(_pct(r.cer[s]) for s in sides),
            *(f"{r.rtf[s]:.3f}" for s in sides),
            f"{r.time_ratio_total:.3f}",
            f"{r.time_ratio_median:.3f}",
        )
    console.print(table)
    console.print(
        "hv = homevoice (TranscriptionService, its default VAD on), bare = faster-whisper WhisperModel without VAD"
        + (", hv-novad = homevoice with vad=False" if HOMEVOICE_NO_VAD in sides else "")
        + ". ΔWER pt = WER hv - WER bare in absolute points. hv/bare time = sum of homevoice seconds / sum of "
        f"bare seconds over the clips (the figure held to the target <= {TARGET_TIME_RATIO:.2f}); median clip = "
        "median of the per-clip ratios. Both sides time the whole call per file: decoding, VAD (hv), Whisper."
    )


def print_speed_summary(phases: list[ClipsPhase]) -> None:
    for phase in phases:
        hv = sum(c.seconds[HOMEVOICE] for c in phase.clips)
        bare = sum(c.seconds[BARE] for c in phase.clips)
        verdict = "PASS" if hv / bare <= TARGET_TIME_RATIO else "FAIL"
        console.print(
            f"{phase.model} on {phase.set}: homevoice {hv:.2f} s, bare {bare:.2f} s, ratio {hv / bare:.3f} "
            f"(target <= {TARGET_TIME_RATIO:.2f}: {verdict}); warm-up incl. model load: "
            + ", ".join(f"{side} {s:.2f} s" for side, s in phase.warmup_s.items())
        )


def print_differences(phases: list[ClipsPhase], limit: int) -> None:
    for phase in phases:
        diffs = list(differing_clips(phase))
        if not diffs:
            continue
        console.print(
            f"[bold]{phase.model} / {phase.set}: {len(diffs)} clip(s) where homevoice and bare differ[/bold]"
        )
        for clip, ref, hv, bare in diffs[:limit]:
            console.print(
                f"  {clip.id} ({clip.duration:.1f} s)\n    ref:  {ref}\n    hv:   {hv}\n    bare: {bare}",
                markup=False,
            )
        if len(diffs) > limit:
            console.print(f"  ... {len(diffs) - limit} more (see --json)")


def print_long(runs: list[LongRun]) -> None:
    if not runs:
        return
    table = Table(title="Long audio through homevoice (VAD on)")
    for name in (
        "model",
        "pipeline",
        "audio s",
        "wall s",
        "throughput (audio s / s)",
        "RTF",
        "WER %",
        "peak RSS MB",
    ):
        table.add_column(name, justify="right")
    for r in runs:
        table.add_row(
            r.model,
            "batched" if r.batched else "sequential",
            f"{r.audio_s:.1f}",
            f"{r.seconds:.2f}",
            f"{r.audio_s / r.seconds:.1f}",
            f"{r.seconds / r.audio_s:.3f}",
            _pct(r.wer),
            f"{r.peak_rss_mb:.0f}",
        )
    console.print(table)
    by_mode = {r.batched: r for r in runs}
    if True in by_mode and False in by_mode:
        speedup = by_mode[False].seconds / by_mode[True].seconds
        verdict = "PASS" if speedup >= TARGET_SPEEDUP else "FAIL"
        console.print(
            f"batched speed-up over sequential: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x: {verdict})"
        )


def print_silence(phase: SilencePhase | None) -> None:
    if phase is None:
        return
    table = Table(
        title=f"Silence check with {phase.model} (homevoice with its default VAD, bare without VAD)"
    )
    for name in ("input", "lang", "homevoice text", "hv s", "bare faster-whisper text", "bare s"):
        table.add_column(name)
    for r in phase.runs:
        table.add_row(
            r.input,
            r.language,
            repr(r.texts[HOMEVOICE]),
            f"{r.seconds[HOMEVOICE]:.2f}",
            repr(r.texts[BARE]),
            f"{r.seconds[BARE]:.2f}",
        )
    console.print(table)
    empty = all(not r.texts[HOMEVOICE] for r in phase.runs)
    console.print(f"homevoice prints nothing on silence and noise: {'PASS' if empty else 'FAIL'}")


def print_memory(runs: list[MemoryRun]) -> None:
    table = Table(title="Peak RSS per phase (each phase is a fresh spawned process)")
    for name in ("phase", "peak RSS MB", "wall s"):
        table.add_column(name, justify="right")
    for r in runs:
        table.add_row(r.phase, f"{r.peak_rss_mb:.0f}", f"{r.wall_s:.1f}")
    console.print(table)


# --- driver --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--models", default="tiny.en,base", help="comma-separated catalog names or model folders"
    )
    parser.add_argument("--sets", default="dev", help=f"comma-separated, from {', '.join(SETS)}")
    parser.add_argument(
        "--limit",
        type=int,
        help=f"clips per set (default: all of dev, {ASTERISK_DEFAULT_LIMIT} per asterisk set)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the --limit sample")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads per model, both sides")
    parser.add_argument("--long-minutes", type=float, default=5.0, help="long-audio length; 0 skips it")
    parser.add_argument("--no-silence", action="store_true", help="skip the silence check")
    parser.add_argument(
        "--no-vad-side", action="store_true", help="also run homevoice with VAD off (diagnosis)"
    )
    parser.add_argument(
        "--show-diffs", type=int, default=5, help="clips per phase to show where the sides differ"
    )
    parser.add_argument("--json", type=Path, help="write every figure and transcript here")
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    parser.add_argument("--sounds-dir", type=Path, default=DEFAULT_SOUNDS)
    args = parser.parse_args(argv)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = set(args.sets) - set(SETS)
    if unknown:
        parser.error(f"unknown set(s) {', '.join(sorted(unknown))}; choose from {', '.join(SETS)}")
    return args


@contextmanager
def data_dir(given: Path | None) -> Iterator[Path]:
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="homevoice-bench-") as tmp:
        yield Path(tmp)


def install_models(models: Sequence[str], directory: Path) -> None:
    """Join the embedded models once, before the phases start (not timed)."""
    from homevoice.engines.assets import resolve_model

    for model in models:
        started = time.perf_counter()
        path = resolve_model(model, directory / "models").path
        console.print(f"model {model}: {path} ({time.perf_counter() - started:.1f} s to resolve)")


def run_clip_phases(args: argparse.Namespace, cfg: Config, sets: list[EvalSet], report: Report) -> None:
    sides = [HOMEVOICE, BARE] + ([HOMEVOICE_NO_VAD] if args.no_vad_side else [])
    for model in args.models:
        for evalset in sets:
            clips = supported(evalset.clips, model)
            if not clips:
                console.print(f"skip {model} on {evalset.name}: no clips in its languages")
                continue
            audio = sum(c.duration for c in clips)
            console.print(f"{model} on {evalset.name}: {len(clips)} clips, {audio:.0f} s of audio ...")
            phase, wall = in_child(phase_clips, model, evalset.name, clips, sides, cfg)
            report.clips.append(phase)
            report.scores.extend(score(phase))
            report.memory.append(
                MemoryRun(f"clips {model}/{evalset.name} (both sides)", phase.peak_rss_mb, wall)
            )


def run_memory_phases(args: argparse.Namespace, cfg: Config, sets: list[EvalSet], report: Report) -> None:
    for model in args.models:
        clips = [c for s in sets for c in supported(s.clips, model)]
        if not clips:
            continue
        clip = max(clips, key=lambda c: c.duration)
        for side in (HOMEVOICE, BARE):
            peak, wall = in_child(phase_memory, model, side, clip, cfg)
            report.memory.append(
                MemoryRun(f"{side} alone, {model}, one {clip.duration:.0f} s clip", peak, wall)
            )


def run_long_phase(args: argparse.Namespace, cfg: Config, workdir: Path, report: Report) -> None:
    if args.long_minutes <= 0:
        return
    model = args.models[0]
    dev = load_manifest(args.evalset / "manifest.tsv")
    wav = workdir / "long.wav"
    audio_s, reference = build_long_audio(dev, args.long_minutes, wav)
    warmup = next(c.path for c in dev if c.language == "en")
    console.print(f"long audio: {audio_s:.0f} s of dev English clips with {model} ...")
    for batched in (False, True):
        run, wall = in_child(phase_long, model, wav, warmup, batched, cfg)
        run.wer = word_error_rate([reference], [normalize(run.text, "en")])
        report.long.append(run)
        mode = "batched" if batched else "sequential"
        report.memory.append(MemoryRun(f"long {model} {mode}", run.peak_rss_mb, wall))


def run_silence_phase(args: argparse.Namespace, cfg: Config, report: Report) -> None:
    if args.no_silence:
        return
    multilingual = [m for m in args.models if model_languages(m) is None]
    if not multilingual:
        console.print(
            "silence check skipped: it needs a multilingual model (language ru), e.g. --models base"
        )
        return
    model = multilingual[0]
    console.print(f"silence check with {model} ...")
    phase, wall = in_child(phase_silence, model, "ru", cfg)
    report.silence = phase
    report.memory.append(MemoryRun(f"silence {model}", phase.peak_rss_mb, wall))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    sets = load_sets(args.sets, args.evalset, args.sounds_dir, args.limit, args.seed)
    report = Report(config={k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()})
    report.load_average["start"] = os.getloadavg()[0]
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="stt-bench-") as work:
        cfg = Config(directory, args.threads)
        install_models(args.models, directory)
        run_clip_phases(args, cfg, sets, report)
        run_memory_phases(args, cfg, sets, report)
        run_long_phase(args, cfg, Path(work), report)
        run_silence_phase(args, cfg, report)
    report.load_average["end"] = os.getloadavg()[0]
    sides = report.clips[0].sides if report.clips else [HOMEVOICE, BARE]
    console.print()
    print_differences(report.clips, args.show_diffs)
    print_speed_summary(report.clips)
    print_scores(report.scores, sides)
    print_long(report.long)
    print_silence(report.silence)
    print_memory(report.memory)
    console.print(
        f"total bench time {time.perf_counter() - started:.0f} s; 1-min load average at start "
        f"{report.load_average['start']:.2f}, at end {report.load_average['end']:.2f} on {os.cpu_count()} CPUs "
        f"({args.threads} threads per model)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8"
        )
        console.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
