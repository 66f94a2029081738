"""A fast fake SpeechToText (one segment per call that says how long its audio was), and job inputs."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from homevoice.engines.base import (
    ProgressCallback,
    Segment,
    SegmentCallback,
    SpeechToText,
    SttCapabilities,
    TranscribeOptions,
    Transcript,
    Word,
)
from homevoice.errors import UnknownModelError
from homevoice.jobs.service import TranscriptionJobRequest
from tests.fakes.media import encode

SAMPLE_RATE = 16_000


@dataclass
class EchoEngine:
    """Transcribes any audio as ``"<seconds> s"`` with one word spanning it; can be held at a gate."""

    capabilities: SttCapabilities = field(default_factory=lambda: SttCapabilities(languages=None))
    gate: threading.Event | None = None
    entered: threading.Event = field(default_factory=threading.Event)
    exited: threading.Event = field(default_factory=threading.Event)
    calls: list[tuple[int, TranscribeOptions]] = field(default_factory=list)

    def transcribe(
        self,
        audio: NDArray[np.float32],
        options: TranscribeOptions,
        progress: ProgressCallback | None = None,
        on_segment: SegmentCallback | None = None,
    ) -> Transcript:
        self.calls.append((len(audio), options))
        self.exited.clear()
        try:
            self._wait(progress)
        finally:
            self.exited.set()
        duration = len(audio) / SAMPLE_RATE
        text = f"{duration:.2f} s"
        word = Word(0.0, duration, text, 0.9)
        segment = Segment(0, 0.0, duration, text, words=(word,) if options.word_timestamps else ())
        if on_segment is not None:
            on_segment(segment)
        return Transcript(
            text=text, language=options.language or "en", duration=duration, segments=(segment,)
        )

    def _wait(self, progress: ProgressCallback | None) -> None:
        if progress is not None:
            progress(0.5)
        self.entered.set()
        if self.gate is not None:
            while not self.gate.wait(0.05):
                if progress is not None:
                    progress(0.5)  # where a stopping worker or a cancelled job gets out
        if progress is not None:
            progress(1.0)

    def close(self) -> None:
        pass


class EchoLoader:
    """Loads the same EchoEngine for catalog names; anything else is an unknown model."""

    def __init__(self, engine: EchoEngine, known: frozenset[str] = frozenset({"tiny.en", "base"})) -> None:
        self.engine = engine
        self.known = known

    def __call__(self, name: str) -> SpeechToText:
        if name not in self.known:
            raise UnknownModelError(f"Unknown model {name!r}; choose one of {', '.join(sorted(self.known))}.")
        return self.engine


def request(model: str | None = "tiny.en", **changes: object) -> TranscriptionJobRequest:
    """A transcription job request: defaults, with ``changes``."""
    fields: dict[str, object] = {
        "model": model,
        "language": None,
        "task": "transcribe",
        "prompt": None,
        "temperature": None,
        "word_timestamps": False,
    }
    return TranscriptionJobRequest(**(fields | changes))  # type: ignore[arg-type]


def wav(seconds: float, pauses: tuple[float, ...] = ()) -> bytes:
    """A WAV file of noise standing in for speech, silent for half a second at each of ``pauses``."""
    samples = np.random.default_rng(1).uniform(-0.3, 0.3, int(seconds * SAMPLE_RATE)).astype(np.float32)
    for start in pauses:
        samples[int(start * SAMPLE_RATE) : int((start + 0.5) * SAMPLE_RATE)] = 0.0
    return encode(samples, SAMPLE_RATE, "wav")
