"""The speech service with a fake voice: voice choice, calls per sentence, pauses, stress marks."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.engines.base import SynthesisOptions, VoiceInfo
from homevoice.engines.manager import ModelManager
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechRequest, SpeechService, UnknownVoiceError
from homevoice.settings import TtsSettings

RATE = 1000


@dataclass
class FakeVoice:
    voice: VoiceInfo
    calls: list[str] = field(default_factory=list)

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        self.calls.append(text)
        return np.full(len(text), 0.1, dtype=np.float32)

    def close(self) -> None:
        pass


def service(**voice: object) -> tuple[SpeechService, dict[str, FakeVoice]]:
    made: dict[str, FakeVoice] = {}

    def load(name: str) -> FakeVoice:
        info = VoiceInfo(name=name, engine="fake", languages=("ru",), sample_rate=RATE, max_chars=60)
        made[name] = FakeVoice(VoiceInfo(**(info.__dict__ | voice)))  # type: ignore[arg-type]
        return made[name]

    settings = TtsSettings(openai_voices={"nova": {"ru": "ru_RU-irina-medium"}})  # type: ignore[call-arg]
    return SpeechService(settings, ModelManager(load, keep_alive_s=-1)), made


TEXT = "Первое предложение. Второе. Третье. Четвёртое предложение здесь. [pause:1s] Пятое."


def test_a_cheap_voice_gets_one_call_per_sentence() -> None:
    speech, made = service()
    plan = speech.plan(SpeechRequest(TEXT))
    assert plan.voice == "festival-ru" and plan.language == "ru"
    audio = list(speech.samples(plan))
    assert made["festival-ru"].calls == [
        "Первое предложение.",
        "Второе.",
        "Третье.",
        "Четвёртое предложение здесь.",
        "Пятое.",
    ]
    assert any(len(a) == RATE and not a.any() for a in audio)  # the one-second pause


def test_a_voice_with_a_per_call_cost_gets_the_first_sentence_alone_then_groups() -> None:
    speech, made = service(call_overhead_s=1.0)
    list(speech.samples(speech.plan(SpeechRequest(TEXT))))
    assert made["festival-ru"].calls == [
        "Первое предложение.",
        "Второе. Третье. Четвёртое предложение здесь.",
        "Пятое.",
    ]
    assert all(len(call) <= 60 for call in made["festival-ru"].calls)


def test_stress_marks_reach_only_voices_that_take_them() -> None:
    plain, plain_made = service()
    list(plain.samples(plain.plan(SpeechRequest("Старый з+амок."))))
    assert plain_made["festival-ru"].calls == ["Старый замок."]
    stressed, stressed_made = service(accepts_stress=True)
    list(stressed.samples(stressed.plan(SpeechRequest("Старый з+амок."))))
    assert stressed_made["festival-ru"].calls == ["Старый з+амок."]


def test_voice_choice() -> None:
    speech, _ = service()
    assert speech.voice_for(None, "en") == "en_US-joe-medium"
    assert speech.voice_for("nova", "ru") == "ru_RU-irina-medium"
    assert speech.voice_for("nova", "en") == "en_US-joe-medium"  # unmapped: the language's default
    assert speech.voice_for("alloy", "ru") == "festival-ru"
    assert speech.voice_for("ru_RU-denis-medium", "en") == "ru_RU-denis-medium"
    with pytest.raises(UnknownVoiceError, match="Unknown voice"):
        speech.voice_for("nobody", "en")


def test_limits_are_clear_errors() -> None:
    speech, _ = service()
    with pytest.raises(HomevoiceError) as slow:
        speech.plan(SpeechRequest("Hi.", speed=10))
    assert slow.value.code == "invalid_speed"
    with pytest.raises(HomevoiceError) as long:
        speech.plan(SpeechRequest("a" * 100_001))
    assert long.value.code == "text_too_long"
