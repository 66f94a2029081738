"""Text to speech as the adapters see it: text in, a voice chosen, audio out sentence by sentence.

The text front end (``homevoice.text``) turns digits, dates and abbreviations into words and
splits sentences; each sentence is synthesised and handed on at once, so a stream can start
playing before the whole text is spoken.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.encode import AudioFormat, StreamEncoder
from homevoice.engines.base import SynthesisOptions, TextToSpeech
from homevoice.engines.catalog import VOICES, find_voice
from homevoice.engines.manager import ModelManager
from homevoice.errors import HomevoiceError
from homevoice.settings import TtsSettings
from homevoice.text import (
    Lexicon,
    Pause,
    Script,
    Utterance,
    detect_language,
    load_lexicon,
    prepare,
    strip_stress,
)
from homevoice.text.chunks import split_long
from homevoice.voices.speaking import EnrolledVoices

log = logging.getLogger(__name__)

OPENAI_VOICES = frozenset(
    {"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}
)
SENTENCE_GAP_S = 0.2
"""Silence between sentences, so they do not run into each other."""
PLANNING_MAX_CHARS = 400
GROUP_ABOVE_S = 0.2
"""Voices whose every call costs more than this get several sentences per call."""
ENCODE_SLICE_S = 0.5
"""Streamed audio is encoded in slices of at most this long, so its first bytes leave early."""


@dataclass(frozen=True)
class SpeechRequest:
    text: str
    voice: str | None = None
    """A local voice name, an OpenAI voice name (mapped per language), or None for the language's default."""
    language: str | None = None
    """None detects it from the text."""
    speed: float = 1.0


@dataclass(frozen=True)
class SpeechPlan:
    voice: str
    language: str
    script: Script


class UnknownVoiceError(HomevoiceError):
    code = "unknown_voice"


class SpeechService:
    def __init__(
        self,
        settings: TtsSettings,
        voices: ModelManager[TextToSpeech],
        enrolled: EnrolledVoices | None = None,
    ) -> None:
        self._settings = settings
        self._voices = voices
        self.enrolled = enrolled
        self._lexicon: Lexicon | None = None
        if settings.lexicon_file is not None:
            self._lexicon = load_lexicon(Path(settings.lexicon_file))

    def plan(self, request: SpeechRequest) -> SpeechPlan:
        """Choose the voice and normalise the text; cheap, and every input error surfaces here."""
        if len(request.text) > self._settings.max_input_chars:
            raise HomevoiceError(
                f"The text has {len(request.text)} characters; the limit is {self._settings.max_input_chars} "
                "(HOMEVOICE_TTS__MAX_INPUT_CHARS). Split it, or make an audiobook job of it.",
                code="text_too_long",
            )
        if not 0.25 <= request.speed <= 4.0:
            raise HomevoiceError("Speed must be between 0.25 and 4.0.", code="invalid_speed")
        language = (request.language or "").strip().lower() or detect_language(request.text)
        voice = self.voice_for(request.voice, language)
        script = prepare(request.text, language=language, lexicon=self._lexicon, max_chars=PLANNING_MAX_CHARS)
        return SpeechPlan(voice, script.language, script)

    def prepare_text(self, text: str, language: str, max_chars: int = PLANNING_MAX_CHARS) -> Script:
        """The text front end with this server's lexicon: sentences normalised for ``language``."""
        return prepare(text, language=language, lexicon=self._lexicon, max_chars=max_chars)

    def voice_for(self, requested: str | None, language: str) -> str:
        defaults = {"en": self._settings.voice_en, "ru": self._settings.voice_ru}
        fallback = defaults.get(language, self._settings.voice_en)
        if requested is None or not requested.strip():
            return fallback
        name = requested.strip()
        if name.lower() in OPENAI_VOICES:
            return self._settings.openai_voices.get(name.lower(), {}).get(language, fallback)
        spec = find_voice(name)
        if spec is not None:
            return spec.name
        enrolled = self.enrolled.library.get(name) if self.enrolled is not None else None
        if enrolled is not None:
            return enrolled.name
        known = ", ".join(v.name for v in VOICES)
        if self.enrolled is not None:
            known += "".join(f", {v.name}" for v in self.enrolled.library.list())
        raise UnknownVoiceError(
            f"Unknown voice {name!r}; voices: {known}, or an OpenAI name ({', '.join(sorted(OPENAI_VOICES))})."
        )

    def voice_language(self, voice: str) -> str | None:
        """The first language a built-in or enrolled voice speaks, or None for an unknown name."""
        spec = find_voice(voice)
        if spec is not None:
            return spec.languages[0] if spec.languages else None
        enrolled = self.enrolled.library.get(voice) if self.enrolled is not None else None
        return enrolled.language if enrolled is not None else None

    def identity(self, voice: str) -> str:
        """What a voice's audio depends on besides the text: its engine, and for an enrolled voice
        the enrolment, so cached audio is never reused for a voice enrolled again."""
        spec = find_voice(voice)
        if spec is not None:
            return str(spec.engine)
        identity = self.enrolled.identity(voice) if self.enrolled is not None else None
        if identity is None:
            raise UnknownVoiceError(f"Unknown voice {voice!r}.")
        return identity

    def _key(self, voice: str) -> str:
        """The voice manager's name for a voice: enrolled voices carry their enrolment id."""
        if find_voice(voice) is not None or self.enrolled is None:
            return voice
        return self.enrolled.key_for(voice) or voice

    def load(self, voice: str) -> None:
        """Load a voice now, so loading errors come before any audio is sent."""
        self._voices.load(self._key(voice))

    def sample_rate(self, voice: str) -> int:
        with self._voices.use(self._key(voice)) as engine:
            return engine.voice.sample_rate

    def samples(self, plan: SpeechPlan, speed: float = 1.0) -> Iterator[NDArray[np.float32]]:
        """The audio of each sentence (or group of sentences) and pause, in order, as soon as it exists."""
        options = SynthesisOptions(speed=speed)
        with self._voices.use(self._key(plan.voice)) as engine:
            info = engine.voice
            rate = info.sample_rate
            started = time.perf_counter()
            spoken = 0.0
            first = True
            for part in _calls(
                plan.script.parts, info.max_chars, grouped=info.call_overhead_s > GROUP_ABOVE_S
            ):
                if isinstance(part, Pause):
                    yield np.zeros(int(part.seconds * rate), dtype=np.float32)
                    continue
                if not first:
                    yield np.zeros(int(SENTENCE_GAP_S * rate / speed), dtype=np.float32)
                first = False
                text = part if info.accepts_stress else strip_stress(part)
                # The front end cut sentences to PLANNING_MAX_CHARS; a voice with a smaller limit cuts again.
                for piece in split_long(text, info.max_chars):
                    audio = engine.synthesize(piece, options)
                    spoken += len(audio) / rate
                    yield audio
            elapsed = time.perf_counter() - started
            log.info(
                "synthesised %.1f s with %s in %.2f s (RTF %.3f)",
                spoken,
                plan.voice,
                elapsed,
                elapsed / spoken if spoken else 0.0,
            )

    def encoded(
        self,
        plan: SpeechPlan,
        fmt: AudioFormat,
        speed: float = 1.0,
        *,
        container: str | None = None,
        streaming: bool = True,
    ) -> Iterator[bytes]:
        """Encoded audio, a piece per sentence; the concatenation is one valid file or stream."""
        rate = self.sample_rate(plan.voice)
        stream = StreamEncoder(fmt, rate, container=container, streaming=streaming)
        # Encoded in short slices, so the first bytes (the header, the first pages) leave as soon as
        # they exist instead of after the whole first sentence is encoded.
        step = int(ENCODE_SLICE_S * rate)
        for audio in self.samples(plan, speed):
            for start in range(0, max(len(audio), 1), step):
                data = stream.write(audio[start : start + step])
                if data:
                    yield data
        tail = stream.close()
        if tail:
            yield tail


def _calls(parts: Iterable[Utterance | Pause], max_chars: int, *, grouped: bool) -> Iterator[str | Pause]:
    """The text of each synthesis call. Grouped: the first sentence alone (first audio soon), then
    neighbouring sentences together up to ``max_chars``, so a per-call cost is paid rarely."""
    group: list[str] = []
    size = 0
    sent = 0
    for part in parts:
        if isinstance(part, Pause):
            if group:
                yield " ".join(group)
                group, size = [], 0
            yield part
            continue
        if not grouped or sent == 0:
            sent += 1
            yield part.text
            continue
        if group and size + 1 + len(part.text) > max_chars:
            yield " ".join(group)
            group, size = [], 0
        group.append(part.text)
        size += len(part.text) + (1 if size else 0)
        sent += 1
    if group:
        yield " ".join(group)
