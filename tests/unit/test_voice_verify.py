"""Checking that cloned speech says its text, and regenerating a piece once when it does not."""

from __future__ import annotations

import io
import wave
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.engines.base import ClonerInfo, SynthesisOptions, VoiceReference
from homevoice.voices.cloned import ClonedVoice
from homevoice.voices.verify import character_error_rate, speech_verifier


def test_character_error_rate_counts_edits_per_reference_character() -> None:
    assert character_error_rate("hello", "hello") == 0.0
    assert character_error_rate("hello", "hallo") == pytest.approx(1 / 5)
    assert character_error_rate("abc", "") == 1.0
    assert character_error_rate("", "") == 0.0
    assert character_error_rate("", "x") == 1.0
    assert character_error_rate("kitten", "sitting") == pytest.approx(3 / 6)


def test_the_verifier_compares_normalised_words_of_what_it_hears() -> None:
    heard: list[tuple[int, str]] = []

    def transcribe(wav: bytes, language: str) -> str:
        with wave.open(io.BytesIO(wav)) as f:
            heard.append((f.getframerate(), language))
        return "Twenty-five apples, please!" if language == "en" else "совсем другое"

    says = speech_verifier(transcribe)
    audio = np.zeros(2400, dtype=np.float32)
    assert says(audio, 24_000, "twenty five apples please", "en")
    assert not says(audio, 24_000, "двадцать пять яблок", "ru")
    assert heard == [(24_000, "en"), (24_000, "ru")]


class ScriptedCloner:
    """Returns audio whose value is the seed, so a test can see which take came back."""

    def __init__(self) -> None:
        self.seeds: list[int] = []

    @property
    def info(self) -> ClonerInfo:
        return ClonerInfo("scripted", ("en", "ru"), 200, 24_000, needs_gpu=False)

    def synthesize(
        self, text: str, reference: VoiceReference, options: SynthesisOptions
    ) -> NDArray[np.float32]:
        self.seeds.append(reference.seed)
        return np.full(100, reference.seed / 1000, dtype=np.float32)

    def close(self) -> None:
        pass


def reference(tmp_path: Path) -> VoiceReference:
    audio = np.zeros(16_000, dtype=np.float32)
    return VoiceReference("mom", audio, 16_000, "hello", "en", seed=7, cache_dir=tmp_path)


def use(cloner: ScriptedCloner):  # type: ignore[no-untyped-def]
    from contextlib import nullcontext

    return lambda: nullcontext(cloner)


def test_a_piece_that_says_its_text_is_kept(tmp_path: Path) -> None:
    cloner = ScriptedCloner()
    voice = ClonedVoice(use(cloner), reference(tmp_path), lambda *_: True)
    assert voice.voice.sample_rate == 24_000 and voice.voice.engine == "scripted"
    audio = voice.synthesize("hello", SynthesisOptions())
    assert cloner.seeds == [7] and audio[0] == pytest.approx(0.007)


def test_a_piece_that_does_not_is_regenerated_once_with_another_seed(tmp_path: Path) -> None:
    cloner = ScriptedCloner()
    checked: list[str] = []

    def never(audio: NDArray[np.float32], rate: int, text: str, language: str) -> bool:
        checked.append(text)
        return False

    voice = ClonedVoice(use(cloner), reference(tmp_path), never)
    audio = voice.synthesize("hello there", SynthesisOptions())
    assert cloner.seeds == [7, 8]  # one retry, and the second take is kept
    assert checked == ["hello there"]
    assert audio[0] == pytest.approx(0.008)


def test_without_a_verifier_nothing_is_checked(tmp_path: Path) -> None:
    cloner = ScriptedCloner()
    ClonedVoice(use(cloner), reference(tmp_path), None).synthesize("hi", SynthesisOptions())
    assert cloner.seeds == [7]
