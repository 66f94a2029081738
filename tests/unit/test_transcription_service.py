"""TranscriptionService with a real ModelManager and a fake engine: model choice, options, language rules."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.engines.base import (
    ProgressCallback,
    Segment,
    SegmentCallback,
    SpeechToText,
    SttCapabilities,
    TranscribeOptions,
    Transcript,
)
from homevoice.engines.manager import ModelManager
from homevoice.errors import AudioTooLongError, HomevoiceError
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.settings import SttSettings
from tests.fakes.media import encode, tone

CANNED = Transcript(
    text="hello world",
    language="en",
    duration=1.0,
    segments=(Segment(0, 0.0, 1.0, "hello world"),),
)
MULTILINGUAL = SttCapabilities(languages=None)
ENGLISH_ONLY = SttCapabilities(languages=("en",), translate=False)


@dataclass
class FakeEngine:
    name: str
    capabilities: SttCapabilities
    calls: list[tuple[NDArray[np.float32], TranscribeOptions]] = field(default_factory=list)

    def transcribe(
        self,
        audio: NDArray[np.float32],
        options: TranscribeOptions,
        progress: ProgressCallback | None = None,
        on_segment: SegmentCallback | None = None,
    ) -> Transcript:
        self.calls.append((audio, options))
        if on_segment is not None:
            for segment in CANNED.segments:
                on_segment(segment)
        if progress is not None:
            progress(1.0)
        return CANNED

    def close(self) -> None:
        pass


class Loader:
    def __init__(self, english_only: frozenset[str] = frozenset({"tiny.en", "base.en"})) -> None:
        self.english_only = english_only
        self.loaded: list[str] = []
        self.engines: dict[str, FakeEngine] = {}

    def __call__(self, name: str) -> SpeechToText:
        self.loaded.append(name)
        caps = ENGLISH_ONLY if name in self.english_only else MULTILINGUAL
        engine = FakeEngine(name, caps)
        self.engines[name] = engine
        return engine

    def options(self, name: str) -> TranscribeOptions:
        return self.engines[name].calls[-1][1]


def make_service(**settings: object) -> tuple[TranscriptionService, Loader]:
    loader = Loader()
    service = TranscriptionService(SttSettings(**settings), ModelManager(loader, keep_alive_s=-1))  # type: ignore[arg-type]
    return service, loader


def seconds(duration: float) -> NDArray[np.float32]:
    return np.zeros(int(duration * 16_000), dtype=np.float32)


# --- model names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("requested", [None, "whisper-1", "default"])
def test_default_aliases_use_the_configured_model(requested: str | None) -> None:
    service, loader = make_service(model="small")
    assert service.model_name(requested) == "small"
    result = service.transcribe_samples(seconds(1), TranscriptionRequest(model=requested))
    assert result is CANNED
    assert loader.loaded == ["small"]


def test_named_models_are_canonicalised() -> None:
    service, _ = make_service()
    assert service.model_name("turbo") == "large-v3-turbo"
    assert service.model_name("tiny.en") == "tiny.en"
    assert service.model_name("/models/custom") == "/models/custom"


def test_alias_and_canonical_name_share_one_loaded_model() -> None:
    service, loader = make_service()
    service.transcribe_samples(seconds(1), TranscriptionRequest(model="turbo"))
    service.transcribe_samples(seconds(1), TranscriptionRequest(model="large-v3-turbo"))
    assert loader.loaded == ["large-v3-turbo"]


# --- language -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [None, "", "auto", "AUTO", " auto "])
def test_auto_language_means_detect(language: str | None) -> None:
    service, loader = make_service()
    service.transcribe_samples(seconds(1), TranscriptionRequest(language=language))
    assert loader.options("base").language is None


def test_request_language_is_normalised() -> None:
    service, loader = make_service()
    service.transcribe_samples(seconds(1), TranscriptionRequest(language=" RU "))
    assert loader.options("base").language == "ru"


def test_settings_language_is_used_when_the_request_has_none() -> None:
    service, loader = make_service(language="ru")
    service.transcribe_samples(seconds(1), TranscriptionRequest())
    assert loader.options("base").language == "ru"
    service.transcribe_samples(seconds(1), TranscriptionRequest(language="de"))
    assert loader.options("base").language == "de"
    # An explicit "auto" asks for detection even when the settings name a language.
    service.transcribe_samples(seconds(1), TranscriptionRequest(language="auto"))
    assert loader.options("base").language is None


def test_settings_language_auto_means_detect() -> None:
    service, loader = make_service(language="auto")
    service.transcribe_samples(seconds(1), TranscriptionRequest())
    assert loader.options("base").language is None


# --- batched and vad ------------------------------------------------------------------------------


def test_batched_is_chosen_by_duration() -> None:
    service, loader = make_service(batched_min_duration_s=2.0, batch_size=4)
    service.transcribe_samples(seconds(2.0), TranscriptionRequest())
    long_options = loader.options("base")
    assert long_options.batched is True
    assert long_options.batch_size == 4
    service.transcribe_samples(seconds(1.99), TranscriptionRequest())
    assert loader.options("base").batched is False


@pytest.mark.parametrize(("duration", "requested"), [(1.0, True), (3.0, False)])
def test_explicit_batched_request_wins(duration: float, requested: bool) -> None:
    service, loader = make_service(batched_min_duration_s=2.0)
    service.transcribe_samples(seconds(duration), TranscriptionRequest(batched=requested))
    assert loader.options("base").batched is requested


@pytest.mark.parametrize("vad_setting", [True, False])
def test_vad_follows_settings_unless_requested(vad_setting: bool) -> None:
    service, loader = make_service(vad=vad_setting)
    service.transcribe_samples(seconds(1), TranscriptionRequest())
    assert loader.options("base").vad is vad_setting
    service.transcribe_samples(seconds(1), TranscriptionRequest(vad=not vad_setting))
    assert loader.options("base").vad is (not vad_setting)


def test_request_fields_and_settings_reach_the_engine() -> None:
    service, loader = make_service(beam_size=3)
    request = TranscriptionRequest(
        task="translate",
        initial_prompt="Glossary: homevoice.",
        hotwords="homevoice",
        word_timestamps=True,
        temperature=0.2,
    )
    progress: list[float] = []
    service.transcribe_samples(seconds(1), request, progress=progress.append)
    options = loader.options("base")
    assert options.task == "translate"
    assert options.initial_prompt == "Glossary: homevoice."
    assert options.hotwords == "homevoice"
    assert options.word_timestamps is True
    assert options.temperature == 0.2
    assert options.beam_size == 3
    assert progress == [1.0]


# --- English-only models --------------------------------------------------------------------------


def test_english_only_model_gets_english_when_detecting() -> None:
    service, loader = make_service(model="tiny.en")
    service.transcribe_samples(seconds(1), TranscriptionRequest())
    assert loader.options("tiny.en").language == "en"
    service.transcribe_samples(seconds(1), TranscriptionRequest(language="EN"))
    assert loader.options("tiny.en").language == "en"


def test_english_only_model_refuses_other_languages() -> None:
    service, loader = make_service(model="tiny.en")
    with pytest.raises(HomevoiceError) as info:
        service.transcribe_samples(seconds(1), TranscriptionRequest(language="ru"))
    assert info.value.code == "unsupported_language"
    message = str(info.value)
    assert "tiny.en" in message
    assert "'ru'" in message
    assert "base" in message  # names a multilingual model to use instead
    assert loader.engines["tiny.en"].calls == []


def test_english_only_model_refuses_to_translate() -> None:
    service, loader = make_service(model="tiny.en")
    with pytest.raises(HomevoiceError) as info:
        service.transcribe_samples(seconds(1), TranscriptionRequest(task="translate"))
    assert info.value.code == "unsupported_task"
    assert "tiny.en" in str(info.value)
    assert loader.engines["tiny.en"].calls == []


def test_settings_language_does_not_break_an_english_only_request_model() -> None:
    service, _ = make_service(language="ru")
    with pytest.raises(HomevoiceError) as info:
        service.transcribe_samples(seconds(1), TranscriptionRequest(model="tiny.en"))
    assert info.value.code == "unsupported_language"


def test_multilingual_engine_that_cannot_translate_refuses_translate() -> None:
    engine = FakeEngine("no-translate", SttCapabilities(languages=None, translate=False))
    service = TranscriptionService(SttSettings(), ModelManager(lambda name: engine, keep_alive_s=-1))
    with pytest.raises(HomevoiceError) as info:
        service.transcribe_samples(seconds(1), TranscriptionRequest(task="translate"))
    assert info.value.code == "unsupported_task"


# --- from encoded files ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["oga", "mp3", "wav"])
def test_transcribe_decodes_a_real_file_to_16k_samples(fmt: str) -> None:
    service, loader = make_service()
    data = encode(tone(1.5, 44_100), 44_100, fmt)
    result = service.transcribe(data, TranscriptionRequest(), name="voice.ogg")
    assert result is CANNED
    audio, _ = loader.engines["base"].calls[-1]
    assert audio.dtype == np.float32
    assert audio.ndim == 1
    assert abs(len(audio) - 24_000) <= 32
    assert 0.25 < float(np.max(np.abs(audio))) <= 0.35


def test_too_long_audio_is_refused_before_any_model_loads() -> None:
    service, loader = make_service(max_duration_s=1.0)
    data = encode(tone(2.0, 16_000), 16_000, "wav")
    with pytest.raises(AudioTooLongError) as info:
        service.transcribe(data, TranscriptionRequest(), name="long.wav")
    assert "long.wav" in str(info.value)
    assert loader.loaded == []


def test_audio_within_the_limit_is_transcribed() -> None:
    service, loader = make_service(max_duration_s=3.0)
    service.transcribe(encode(tone(2.0, 16_000), 16_000, "wav"), TranscriptionRequest())
    assert len(loader.engines["base"].calls[-1][0]) == 32_000
