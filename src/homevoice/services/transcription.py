"""Speech to text as the adapters see it: a file or samples in, a ``Transcript`` out.

Decoding, model choice, language checks and the choice of the batched pipeline live here, so the
CLI, HTTP, Telegram and Wyoming adapters all behave the same.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, AudioSource, decode_audio
from homevoice.engines.base import (
    ProgressCallback,
    SegmentCallback,
    SpeechToText,
    Task,
    TranscribeOptions,
    Transcript,
)
from homevoice.engines.catalog import find_model
from homevoice.engines.manager import ModelManager
from homevoice.errors import HomevoiceError
from homevoice.settings import SttSettings

log = logging.getLogger(__name__)

OPENAI_DEFAULT_ALIASES = frozenset({"whisper-1", "default"})
AUTO_LANGUAGE = frozenset({"", "auto"})


@dataclass(frozen=True)
class TranscriptionRequest:
    model: str | None = None
    """Catalog name, model folder, or an alias of the default (``whisper-1``); None is the default."""
    language: str | None = None
    """Language code; None or ``auto`` detects it."""
    task: Task = "transcribe"
    initial_prompt: str | None = None
    hotwords: str | None = None
    word_timestamps: bool = False
    temperature: float | None = None
    vad: bool | None = None
    """None follows the settings."""
    batched: bool | None = None
    """None picks the batched pipeline for audio at least ``batched_min_duration_s`` long."""


class TranscriptionService:
    def __init__(self, settings: SttSettings, models: ModelManager[SpeechToText]) -> None:
        self._settings = settings
        self._models = models

    def model_name(self, requested: str | None) -> str:
        """The canonical model name for a request (aliases resolved)."""
        if requested is None or requested in OPENAI_DEFAULT_ALIASES:
            return self._settings.model
        spec = find_model(requested)
        return spec.name if spec is not None else requested

    def transcribe(
        self,
        source: AudioSource,
        request: TranscriptionRequest,
        *,
        name: str = "",
        progress: ProgressCallback | None = None,
        on_segment: SegmentCallback | None = None,
    ) -> Transcript:
        audio = decode_audio(source, max_duration_s=self._settings.max_duration_s, name=name)
        return self.transcribe_samples(audio.samples, request, progress=progress, on_segment=on_segment)

    def transcribe_samples(
        self,
        samples: NDArray[np.float32],
        request: TranscriptionRequest,
        *,
        progress: ProgressCallback | None = None,
        on_segment: SegmentCallback | None = None,
    ) -> Transcript:
        model = self.model_name(request.model)
        duration = len(samples) / SAMPLE_RATE
        options = self._options(request, duration)
        started = time.perf_counter()
        with self._models.use(model) as engine:
            options = _fit_language(options, engine, model)
            transcript = engine.transcribe(samples, options, progress, on_segment)
        elapsed = time.perf_counter() - started
        log.info(
            "transcribed %.1f s with %s in %.2f s (RTF %.3f, batched=%s, %d segments)",
            duration,
            model,
            elapsed,
            elapsed / duration if duration else 0.0,
            options.batched,
            len(transcript.segments),
        )
        return transcript

    def _options(self, request: TranscriptionRequest, duration: float) -> TranscribeOptions:
        language = request.language or self._settings.language
        if language is not None and language.strip().lower() in AUTO_LANGUAGE:
            language = None
        batched = request.batched
        if batched is None:
            batched = duration >= self._settings.batched_min_duration_s
        return TranscribeOptions(
            language=language.strip().lower() if language else None,
            task=request.task,
            initial_prompt=request.initial_prompt,
            hotwords=request.hotwords,
            word_timestamps=request.word_timestamps,
            temperature=request.temperature,
            beam_size=self._settings.beam_size,
            vad=self._settings.vad if request.vad is None else request.vad,
            batched=batched,
            batch_size=self._settings.batch_size,
        )


def _fit_language(options: TranscribeOptions, engine: SpeechToText, model: str) -> TranscribeOptions:
    """English-only models take English; other languages get an error that names a better model."""
    if options.task == "translate" and not engine.capabilities.translate:
        raise HomevoiceError(
            f"Model {model} cannot translate; use a multilingual model such as base.", code="unsupported_task"
        )
    languages = engine.capabilities.languages
    if languages is None:
        return options
    if options.language is None:
        return replace(options, language=languages[0])
    if options.language not in languages:
        raise HomevoiceError(
            f"Model {model} only knows {', '.join(languages)}; use a multilingual model "
            f"(for example --model base) for {options.language!r}.",
            code="unsupported_language",
        )
    return options
