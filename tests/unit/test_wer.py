"""Text normalisation, WER/CER and the evaluation set loaders of ``homevoice.evaluation.wer``."""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import pytest

from homevoice.errors import MissingExtraError
from homevoice.evaluation.wer import (
    char_error_rate,
    english_number,
    english_year,
    load_core_sounds,
    load_manifest,
    normalize,
    parse_core_sounds,
    russian_number,
    word_error_rate,
)

EVALSET_MANIFEST = Path(__file__).resolve().parents[3] / "shared" / "evalset" / "manifest.tsv"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "She had your dark suit, in greasy wash-water all year.",
            "she had your dark suit in greasy wash water all year",
        ),
        ("Mr. Quilter is the apostle", "mister quilter is the apostle"),
        ("MRS Smith said OK", "missus smith said okay"),
        ("what are you gonna do", "what are you going to do"),
        ("I don't know; 'quoted' students' books", "i don't know quoted students books"),
        ("I’m here", "i'm here"),
        ("Um, I uh think hmm so", "i think so"),
        ("the overwatch league 2020", "the overwatch league twenty twenty"),
        ("in 1984 and 1905 and 1900", "in nineteen eighty four and nineteen oh five and nineteen hundred"),
        ("in 2005", "in two thousand five"),
        ("10001 90210", "one zero zero zero one nine zero two one zero"),
        ("one zero zero zero one nine oh two one oh", "one zero zero zero one nine zero two one zero"),
        ("oh no, one", "oh no one"),
        ("007", "zero zero seven"),
        ("press 1, 2 or 42", "press one two or forty two"),
        ("1,250 people", "one thousand two hundred fifty people"),
        ("50% off", "fifty percent off"),
        ("pi is 3.14", "pi is three point one four"),
        ("the 21st and 2nd and 100th", "the twenty first and second and one hundredth"),
        ("  spaced\tout \n text ", "spaced out text"),
    ],
)
def test_normalize_english(text: str, expected: str) -> None:
    assert normalize(text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ёлки-палки, всё ещё!", "елки палки все еще"),
        ("Нажмите 1 или 21, эм, потом 115.", "нажмите один или двадцать один потом сто пятнадцать"),
        ("ээ 1000 и 007", "1000 и 007"),
        ("В междузвёздном пространстве", "в междузвездном пространстве"),
    ],
)
def test_normalize_russian(text: str, expected: str) -> None:
    assert normalize(text, "ru") == expected


def test_normalize_other_language_keeps_digits() -> None:
    assert normalize("Hallo, Welt 42!", "de") == "hallo welt 42"


def test_number_words() -> None:
    assert english_number(0) == "zero"
    assert english_number(15) == "fifteen"
    assert english_number(90) == "ninety"
    assert english_number(305) == "three hundred five"
    assert english_number(999_999) == "nine hundred ninety nine thousand nine hundred ninety nine"
    assert english_number(7_000) == "seven thousand"
    assert english_year(2020) == "twenty twenty"
    assert english_year(1066) == "ten sixty six"
    assert russian_number(0) == "ноль"
    assert russian_number(40) == "сорок"
    assert russian_number(212) == "двести двенадцать"
    assert russian_number(999) == "девятьсот девяносто девять"
    with pytest.raises(ValueError):
        english_number(1_000_000)
    with pytest.raises(ValueError):
        russian_number(1000)


def test_word_error_rate_is_corpus_level() -> None:
    # One deletion over six reference words.
    assert word_error_rate(["the cat sat", "on the mat"], ["the cat sat", "on mat"]) == pytest.approx(1 / 6)
    # One substitution and one insertion over four words.
    assert word_error_rate(["a b c d"], ["a x c d e"]) == pytest.approx(0.5)
    assert word_error_rate(["a b"], ["a b"]) == 0.0
    # An empty hypothesis deletes every reference word.
    assert word_error_rate(["a b c"], [""]) == pytest.approx(1.0)


def test_char_error_rate() -> None:
    assert char_error_rate(["abcd"], ["abed"]) == pytest.approx(0.25)
    # " cd" is missing: three of five characters, spaces included.
    assert char_error_rate(["ab cd"], ["ab"]) == pytest.approx(0.6)
    assert char_error_rate(["ab", "cd"], ["ab", "cd"]) == 0.0


def test_scores_check_their_input() -> None:
    with pytest.raises(ValueError, match="2 references but 1"):
        word_error_rate(["a", "b"], ["a"])
    with pytest.raises(ValueError, match="nothing"):
        char_error_rate([], [])


def test_missing_jiwer_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jiwer", None)
    with pytest.raises(MissingExtraError, match=r"homevoice\[eval\]"):
        word_error_rate(["a"], ["a"])


@pytest.mark.skipif(not EVALSET_MANIFEST.is_file(), reason="shared evaluation set not present")
def test_load_manifest() -> None:
    clips = load_manifest(EVALSET_MANIFEST)
    assert len(clips) == 31
    assert sum(c.language == "en" for c in clips) == 27
    assert sum(c.language == "ru" for c in clips) == 4
    assert all(c.path.is_absolute() and c.path.is_file() for c in clips)
    assert all(c.duration > 0 and c.transcript for c in clips)
    first = clips[0]
    assert first.id == "en_timit_ldc93s1"
    assert first.transcript == "She had your dark suit in greasy wash water all year."
    assert first.duration == pytest.approx(2.925)


def _write_wav(path: Path, seconds: float, rate: int = 8000) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x00\x00" * int(seconds * rate))


CORE_SOUNDS = """; Core Asterisk Sounds in English

agent-pass: Please enter your password followed by the pound key.
beep: [this is a simple beep tone]
silence/1: (1 second of silence)
digits/5: five
letters/at: at [@]
vm-intro: Leave your message after the tone. (simple tone sound plays)
missing-file: This prompt has no recording.
not a prompt line
"""


def test_parse_core_sounds() -> None:
    assert parse_core_sounds(CORE_SOUNDS) == [
        ("agent-pass", "Please enter your password followed by the pound key."),
        ("digits/5", "five"),
        ("letters/at", "at"),
        ("vm-intro", "Leave your message after the tone."),
        ("missing-file", "This prompt has no recording."),
    ]


def test_load_core_sounds_keeps_recorded_prompts(tmp_path: Path) -> None:
    transcripts = tmp_path / "core-sounds-en.txt"
    transcripts.write_text(CORE_SOUNDS, encoding="utf-8")
    sounds = tmp_path / "sounds" / "en"
    for name in ("agent-pass", "beep", "digits/5", "letters/at", "vm-intro"):
        _write_wav(sounds / f"{name}.wav", 0.5)
    _write_wav(sounds / "silence/1.wav", 1.0)

    clips = load_core_sounds(transcripts, sounds)

    assert [c.id for c in clips] == ["agent-pass", "digits/5", "letters/at", "vm-intro"]
    assert {c.language for c in clips} == {"en"}
    assert clips[1].path == (sounds / "digits" / "5.wav").absolute()
    assert clips[1].duration == pytest.approx(0.5)
    assert load_core_sounds(transcripts, sounds, language="ru")[0].language == "ru"
