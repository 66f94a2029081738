"""The benchmark phases, each run in a fresh spawned process so that its peak RSS is its own.

The ``phase_*`` functions are sent to the children by name (``stt_phases.phase_*``): the child
imports this module from ``bench/``, which the spawn start method puts on its ``sys.path``.
"""

from __future__ import annotations

import logging
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from multiprocessing import get_context
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from homevoice.evaluation.wer import EvalClip
from stt_common import (
    BARE,
    HOMEVOICE,
    SAMPLE_RATE,
    ClipRun,
    ClipsPhase,
    Config,
    LongRun,
    SilencePhase,
    SilenceRun,
)
from stt_sides import bare_model, bare_text, homevoice_app, transcribers

SILENCE_S = 30.0
NOISE_STD = 0.01

T = TypeVar("T")


def _timed(fn: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _quiet() -> None:
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("faster_whisper").setLevel(logging.WARNING)


def phase_clips(
    model: str, set_name: str, clips: list[EvalClip], sides: list[str], cfg: Config
) -> ClipsPhase:
    """Transcribe every clip with every side, rotating which side goes first to share warm caches."""
    _quiet()
    run, close = transcribers(model, cfg, sides)
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

    app = homevoice_app(cfg)
    request = TranscriptionRequest(model=model, language="en", batched=batched)
    app.transcription.transcribe(warmup_clip, request)
    transcript, seconds = _timed(lambda: app.transcription.transcribe(wav, request))
    app.close()
    return LongRun(model, batched, transcript.duration, seconds, transcript.text, peak_rss_mb=_peak_rss_mb())


def phase_silence(model: str, language: str, cfg: Config) -> SilencePhase:
    """Digital silence and low white noise: homevoice should print nothing, bare Whisper may not."""
    _quiet()
    from homevoice.services.transcription import TranscriptionRequest

    app = homevoice_app(cfg)
    whisper = bare_model(model, cfg)
    request = TranscriptionRequest(model=model, language=language)
    runs = []
    for name, samples in _silence_inputs().items():
        transcript, hv_s = _timed(partial(app.transcription.transcribe_samples, samples, request))
        bare_said, bare_s = _timed(partial(bare_text, whisper, samples, language))
        hv_said = str(transcript.text)
        runs.append(
            SilenceRun(name, language, {HOMEVOICE: hv_said, BARE: bare_said}, {HOMEVOICE: hv_s, BARE: bare_s})
        )
    app.close()
    return SilencePhase(model, runs, _peak_rss_mb())


def phase_memory(model: str, side: str, clip: EvalClip, cfg: Config) -> float:
    """Peak RSS of one side alone: import, load the model, transcribe one clip."""
    _quiet()
    run, close = transcribers(model, cfg, [side])
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
