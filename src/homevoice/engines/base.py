"""Engine contracts: one small protocol per capability, with declared capabilities.

Engines are plain blocking classes. They know nothing of HTTP, Telegram or Wyoming, and return
these neutral results; formatting (SRT, OpenAI JSON) happens at the edges.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
from numpy.typing import NDArray

Task = Literal["transcribe", "translate"]
ProgressCallback = Callable[[float], None]
"""Called with the share of the audio processed so far, 0..1."""


@dataclass(frozen=True)
class Word:
    start: float
    end: float
    text: str
    probability: float


@dataclass(frozen=True)
class Segment:
    id: int
    start: float
    end: float
    text: str
    words: tuple[Word, ...] = ()
    avg_logprob: float = 0.0
    no_speech_prob: float = 0.0
    compression_ratio: float = 0.0
    temperature: float = 0.0


SegmentCallback = Callable[[Segment], None]


@dataclass(frozen=True)
class Transcript:
    text: str
    language: str
    duration: float
    segments: tuple[Segment, ...]
    language_probability: float = 1.0

    @property
    def words(self) -> tuple[Word, ...]:
        return tuple(w for s in self.segments for w in s.words)


@dataclass(frozen=True)
class TranscribeOptions:
    language: str | None = None
    """None detects the language."""
    task: Task = "transcribe"
    initial_prompt: str | None = None
    hotwords: str | None = None
    word_timestamps: bool = False
    temperature: float | None = None
    """None uses the engine's fallback schedule (retry hotter when decoding fails)."""
    beam_size: int = 5
    vad: bool = True
    batched: bool = False
    batch_size: int = 8


@dataclass(frozen=True)
class SttCapabilities:
    languages: tuple[str, ...] | None
    """None means multilingual."""
    translate: bool = True
    word_timestamps: bool = True
    batched: bool = True
    sample_rate: int = 16_000
    extra: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SttLoadOptions:
    """What every speech-to-text backend is constructed with, besides its model folder."""

    device: str = "auto"
    compute_type: str = "auto"
    cpu_threads: int = 0
    languages: tuple[str, ...] | None = None
    """Declared by the catalog: ``("en",)`` for English-only models, None for multilingual."""


class SpeechToText(Protocol):
    @property
    def capabilities(self) -> SttCapabilities: ...

    def transcribe(
        self,
        audio: NDArray[np.float32],
        options: TranscribeOptions,
        progress: ProgressCallback | None = None,
        on_segment: SegmentCallback | None = None,
    ) -> Transcript:
        """Blocking; ``on_segment`` sees each segment as soon as it is decoded (for streaming)."""
        ...

    def close(self) -> None: ...


# --- Text to speech -------------------------------------------------------------------------


@dataclass(frozen=True)
class VoiceInfo:
    """What a loaded voice declares about itself."""

    name: str
    engine: str
    languages: tuple[str, ...]
    """ISO-639-1 codes the voice reads well."""
    sample_rate: int
    max_chars: int
    """Longest text one ``synthesize`` call accepts; the speech service splits longer sentences."""
    accepts_stress: bool = False
    """Whether ``+`` before a vowel marks stress for this engine; otherwise the service strips it."""
    call_overhead_s: float = 0.0
    """Fixed cost of one ``synthesize`` call (a voice loaded per call); the service then sends the
    first sentence alone, for quick first audio, and the rest in calls as long as ``max_chars``."""


@dataclass(frozen=True)
class SynthesisOptions:
    speed: float = 1.0
    """1.0 is the voice's natural pace; 2.0 speaks twice as fast."""


@dataclass(frozen=True)
class TtsLoadOptions:
    """What every text-to-speech backend is constructed with, besides its voice folder."""

    languages: tuple[str, ...] = ()
    """Declared by the catalog."""
    device: str = "auto"
    cpu_threads: int = 0


class TextToSpeech(Protocol):
    @property
    def voice(self) -> VoiceInfo: ...

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        """Blocking: mono float32 samples in [-1, 1] at ``voice.sample_rate`` for one normalised
        sentence (words, not digits; at most ``voice.max_chars``). Raises EngineError on failure."""
        ...

    def close(self) -> None: ...


# --- Voice cloning ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ClonerInfo:
    """What a cloning engine declares about itself."""

    engine: str
    languages: tuple[str, ...]
    """ISO-639-1 codes it speaks."""
    max_chars: int
    """Longest text one ``synthesize`` call accepts in any language; callers split longer text first."""
    sample_rate: int
    needs_gpu: bool
    """Whether it is practical only on a GPU (it still runs on a CPU, slowly)."""
    max_chars_by_language: dict[str, int] = field(default_factory=dict)
    """Longer limits for some languages (XTTS reads 250 characters of English but 71 of Japanese)."""

    def max_chars_for(self, language: str) -> int:
        return self.max_chars_by_language.get(language, self.max_chars)


@dataclass(frozen=True)
class VoiceReference:
    """An enrolled voice as a cloning engine sees it."""

    name: str
    audio: NDArray[np.float32]
    """The checked reference: mono float32 at ``sample_rate``, speech only, at most about 15 s."""
    sample_rate: int
    transcript: str
    language: str
    seed: int
    """Fixed per voice, so the same text always sounds the same."""
    cache_dir: Path
    """A folder of this voice's own where an engine may keep what it computed from the reference."""


class VoiceCloner(Protocol):
    @property
    def info(self) -> ClonerInfo: ...

    def synthesize(
        self, text: str, reference: VoiceReference, options: SynthesisOptions
    ) -> NDArray[np.float32]:
        """Blocking: mono float32 at ``info.sample_rate`` speaking ``text`` (at most ``info.max_chars``,
        in ``reference.language``) in the reference's voice. Raises EngineError on failure."""
        ...

    def close(self) -> None: ...
