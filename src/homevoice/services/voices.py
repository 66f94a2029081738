"""Enrolling a voice from a sample, listing the voices and removing them.

Enrolment checks the sample (enough clear speech from one person), transcribes it unless a
transcript is given, and fits the offline voice match: the built-in voice of that language whose
pitch is closest speaks the same transcript, and the match is fitted on the two. A cloning engine
(XTTS-v2), when installed, speaks from the checked sample itself.
"""

from __future__ import annotations

import contextlib
import logging
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, AudioSource, decode_audio
from homevoice.engines.assets import installed_dir
from homevoice.engines.base import TextToSpeech
from homevoice.engines.catalog import VOICES, ModelSpec
from homevoice.engines.manager import ModelManager
from homevoice.errors import HomevoiceError, ModelInUseError
from homevoice.services.speech import OPENAI_VOICES, SpeechRequest, SpeechService
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.settings import Settings
from homevoice.text import detect_language
from homevoice.voices.checks import CheckedSample, check_sample
from homevoice.voices.library import EnrolledVoice, VoiceLibrary, check_name, new_id
from homevoice.voices.match import MatchParams, fit_match
from homevoice.voices.model import VoiceExistsError, VoiceSampleError
from homevoice.voices.speaking import EnrolledVoices, engine_key
from homevoice.voices.world import built_in_median_f0

log = logging.getLogger(__name__)

MAX_BASE_CANDIDATES = 4
"""Built-in voices tried as the base of a voice match (each speaks the transcript once)."""


@dataclass(frozen=True)
class EnrolRequest:
    name: str
    source: AudioSource
    origin: str
    """Where the sample came from, in words, kept with the voice ("upload mom.ogg")."""
    transcript: str | None = None
    language: str | None = None
    filename: str = ""


class VoiceService:
    def __init__(
        self,
        settings: Settings,
        enrolled: EnrolledVoices,
        transcription: TranscriptionService,
        speech: SpeechService,
        voices: ModelManager[TextToSpeech],
    ) -> None:
        self._settings = settings
        self._enrolled = enrolled
        self._transcription = transcription
        self._speech = speech
        self._voices = voices

    @property
    def library(self) -> VoiceLibrary:
        return self._enrolled.library

    def speaking_engine(self) -> str:
        return self._enrolled.speaking_engine()

    def enrol(self, request: EnrolRequest) -> EnrolledVoice:
        """Check, transcribe, fit and store; every refusal is a HomevoiceError saying what to do."""
        name = check_name(request.name, frozenset(v.name for v in VOICES) | OPENAI_VOICES)
        if self._enrolled.library.get(name) is not None:
            raise VoiceExistsError(f"A voice named {name!r} exists; remove it first or choose another name.")
        decoded = decode_audio(
            request.source, max_duration_s=self._settings.voices.max_sample_s, name=request.filename
        )
        voices = self._settings.voices
        sample = check_sample(
            decoded.samples, min_speech_s=voices.min_speech_s, max_speech_s=voices.max_speech_s
        )
        transcript, transcript_source, language = self._transcript(sample, request)
        params = self._fit(sample, transcript, language)
        voice_id = new_id()
        voice = EnrolledVoice(
            name=name,
            id=voice_id,
            language=language,
            transcript=transcript,
            transcript_source=transcript_source,
            enrolled_at=datetime.now(UTC).isoformat(timespec="seconds"),
            source=request.origin,
            speech_s=round(sample.speech_s, 2),
            original_speech_s=round(sample.original_speech_s, 2),
            trimmed=sample.trimmed,
            median_f0=None if sample.median_f0 is None else round(sample.median_f0, 1),
            snr_db=round(sample.snr_db, 1),
            seed=int(voice_id, 16) % 2**31,
            match=params.to_json(),
        )
        stored = self._enrolled.library.add(voice, sample.audio)
        log.info("enrolled voice %s (%.1f s of speech, base %s)", name, sample.speech_s, params.base_voice)
        return stored

    def list_voices(self) -> list[EnrolledVoice]:
        return self._enrolled.library.list()

    def remove(self, name: str) -> EnrolledVoice:
        voice = self._enrolled.library.remove(name)
        # A voice speaking now is unloaded by the idle timer; no new request can reach it.
        with contextlib.suppress(ModelInUseError):
            self._voices.unload(engine_key(voice))
        return voice

    def _transcript(self, sample: CheckedSample, request: EnrolRequest) -> tuple[str, str, str]:
        """(transcript, ``given`` or ``transcribed``, language) of the kept speech."""
        language = (request.language or "").strip().lower() or None
        given = (request.transcript or "").strip()
        if given and not sample.trimmed:
            if language is None:
                language = detect_language(given)
            return given, "given", self._supported(language)
        heard = self._transcription.transcribe_samples(sample.audio, TranscriptionRequest(language=language))
        text = heard.text.strip()
        if not text:
            raise VoiceSampleError(
                "No words could be made out in the sample; record yourself reading a few sentences aloud.",
                code="sample_no_words",
            )
        return text, "transcribed", self._supported(language or heard.language)

    def _supported(self, language: str) -> str:
        code = language.lower()[:2]
        if not self._base_voices(code):
            spoken = sorted({lang for spec in self._installed() for lang in spec.languages or ()})
            raise HomevoiceError(
                f"No installed voice speaks {language!r}, so a voice in it cannot be made; "
                f"voices can be enrolled in: {', '.join(spoken)}.",
                code="unsupported_language",
            )
        return code

    def _installed(self) -> list[ModelSpec]:
        return [spec for spec in VOICES if installed_dir(spec, self._settings.models_dir) is not None]

    def _base_voices(self, language: str) -> list[ModelSpec]:
        return [spec for spec in self._installed() if language in (spec.languages or ())][
            :MAX_BASE_CANDIDATES
        ]

    def _fit(self, sample: CheckedSample, transcript: str, language: str) -> MatchParams:
        """Fit the voice match on the built-in voice whose pitch is closest to the sample's."""
        best: tuple[float, str, NDArray[np.float32], int] | None = None
        for spec in self._base_voices(language):
            audio, rate = self._speak(transcript, spec.name, language)
            base_f0 = built_in_median_f0(audio, rate)
            distance = (
                abs(math.log(sample.median_f0 / base_f0)) if sample.median_f0 and base_f0 else float("inf")
            )
            if best is None or distance < best[0]:
                best = (distance, spec.name, audio, rate)
        assert best is not None  # _supported checked there is a base voice
        _, base_voice, audio, rate = best
        return fit_match(sample.audio, SAMPLE_RATE, audio, rate, base_voice=base_voice)

    def _speak(self, text: str, voice: str, language: str) -> tuple[NDArray[np.float32], int]:
        plan = self._speech.plan(SpeechRequest(text=text, voice=voice, language=language))
        parts = list(self._speech.samples(plan))
        audio = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return audio.astype(np.float32, copy=False), self._speech.sample_rate(plan.voice)


def describe(voice: EnrolledVoice, engine: str) -> dict[str, Any]:
    """An enrolled voice as the API and the CLI list it."""
    base = voice.match.get("base_voice") if voice.match else None
    return {
        "id": voice.name,
        "object": "voice",
        "enrolled": True,
        "engine": engine,
        "approximate": engine == "voice-match",
        "base_voice": base,
        "languages": [voice.language],
        "enrolled_at": voice.enrolled_at,
        "source": voice.source,
        "speech_s": voice.speech_s,
        "trimmed": voice.trimmed,
        "transcript": voice.transcript,
        "transcript_source": voice.transcript_source,
    }
