"""Sentences synthesised in parallel worker processes, straight into the sentence cache.

Speech engines hold the GIL for much of their work (and Festival is a process per call), so real
parallelism needs processes. Each worker loads the voice once, with one CPU thread, so N workers
use N cores without oversubscribing them; the parent only sees cache keys and durations.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from homevoice.audiobooks.cache import SentenceCache
from homevoice.audiobooks.plan import Sentence
from homevoice.engines.base import SynthesisOptions, TextToSpeech
from homevoice.engines.catalog import find_voice
from homevoice.engines.tts.loading import load_tts_engine
from homevoice.errors import HomevoiceError
from homevoice.settings import Settings
from homevoice.text import strip_stress
from homevoice.text.chunks import split_long

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
"""Called with (characters done, characters in all) after each sentence."""
ShouldStop = Callable[[], bool]


class RenderStoppedError(HomevoiceError):
    code = "render_stopped"


@dataclass(frozen=True)
class SynthesisStats:
    synthesised: int
    """Sentences that went through the engine in this run."""
    cached: int
    """Sentences already in the cache."""
    audio_s: float
    """Seconds of audio synthesised in this run."""
    elapsed_s: float


def worker_count(configured: int) -> int:
    """``configured``, or every core this process may use when 0."""
    if configured > 0:
        return configured
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class SynthesisPool:
    """Worker processes for one voice; started on first use, closed with ``close``."""

    def __init__(self, settings: Settings, cache_root: Path, workers: int) -> None:
        self._settings = settings
        self._cache_root = cache_root
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None

    def synthesise(
        self,
        voice: str,
        speed: float,
        sentences: Sequence[Sentence],
        *,
        progress: Progress | None = None,
        should_stop: ShouldStop | None = None,
    ) -> SynthesisStats:
        """Make sure every sentence is in the cache; only the missing ones are synthesised."""
        started = time.perf_counter()
        cache = SentenceCache(self._cache_root)
        total = sum(len(s.text) for s in sentences)
        missing = [s for s in sentences if not cache.has(s.key)]
        done = total - sum(len(s.text) for s in missing)
        if progress:
            progress(done, total)
        audio_s = 0.0
        if missing:
            executor = self._start()
            pending: dict[Future[float], Sentence] = {}
            queue = list(reversed(missing))
            try:
                while queue or pending:
                    # A bounded window: a stop request leaves little queued work to cancel.
                    while queue and len(pending) < self.workers * 4:
                        sentence = queue.pop()
                        future = executor.submit(
                            _synthesise_one, voice, speed, sentence.text, sentence.key, str(self._cache_root)
                        )
                        pending[future] = sentence
                    finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        sentence = pending.pop(future)
                        audio_s += future.result()
                        done += len(sentence.text)
                        if progress:
                            progress(done, total)
                    if should_stop is not None and should_stop():
                        raise RenderStoppedError("The render was stopped; it resumes from the cache.")
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
        elapsed = time.perf_counter() - started
        log.info(
            "synthesised %d sentence(s) (%.1f s of audio) in %.1f s with %d worker(s); %d from the cache",
            len(missing),
            audio_s,
            elapsed,
            self.workers,
            len(sentences) - len(missing),
        )
        return SynthesisStats(len(missing), len(sentences) - len(missing), audio_s, elapsed)

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def _start(self) -> ProcessPoolExecutor:
        if self._executor is None:
            # Spawned, not forked: the parent may run threads (a server, DBOS) that a fork would copy
            # in the middle of holding a lock.
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                # As plain values: settings read from a file are of a class local to the loader,
                # which pickle cannot name.
                initargs=(self._settings.model_dump(),),
            )
        return self._executor

    def __enter__(self) -> SynthesisPool:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


# --- in the worker processes ------------------------------------------------------------------

_worker_settings: Settings | None = None
_worker_engines: dict[str, TextToSpeech] = {}


def _init_worker(values: dict[str, Any]) -> None:
    global _worker_settings
    # model_validate, not the constructor: the values are final, the environment is not read again.
    _worker_settings = Settings.model_validate(values)


def _engine(voice: str) -> TextToSpeech:
    if voice not in _worker_engines:
        assert _worker_settings is not None, "worker not initialised"
        if find_voice(voice) is not None:
            _worker_engines[voice] = load_tts_engine(_worker_settings, voice, cpu_threads=1)
        else:
            # An enrolled voice, with what it needs (a cloning model, speech to text to check it).
            from homevoice.app import build_app

            enrolled = build_app(_worker_settings).speech.enrolled
            assert enrolled is not None
            _worker_engines[voice] = enrolled.load(voice)
    return _worker_engines[voice]


def _synthesise_one(voice: str, speed: float, text: str, key: str, cache_root: str) -> float:
    """Synthesise one sentence into the cache; returns its duration in seconds."""
    engine = _engine(voice)
    info = engine.voice
    spoken = text if info.accepts_stress else strip_stress(text)
    pieces = [
        engine.synthesize(piece, SynthesisOptions(speed=speed))
        for piece in split_long(spoken, info.max_chars)
    ]
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    SentenceCache(Path(cache_root)).put(key, samples.astype(np.float32, copy=False), info.sample_rate)
    return len(samples) / info.sample_rate
