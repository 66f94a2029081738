"""prepare: markup, sentences, normalisation and chunking together."""

from __future__ import annotations

import re

import pytest

from homevoice.errors import HomevoiceError
from homevoice.text import Pause, Script, Utterance, prepare
from homevoice.text.chunks import split_long


def test_pauses_split_the_text() -> None:
    script = prepare("Привет [pause:1s] мир. [pause:500ms]Пока!")
    assert script == Script(
        "ru", (Utterance("Привет"), Pause(1.0), Utterance("мир."), Pause(0.5), Utterance("Пока!"))
    )


def test_sentences_are_normalised() -> None:
    script = prepare("В 2024 году было 5 книг. А сейчас 21!")
    assert script.parts == (
        Utterance("В две тысячи двадцать четвёртом году было пять книг."),
        Utterance("А сейчас двадцать один!"),
    )


def test_the_language_is_detected_or_taken() -> None:
    assert prepare("Hello there, 5 cats.").language == "en"
    assert prepare("Привет").language == "ru"
    assert prepare("5", language="ru-RU").text == "пять"
    assert prepare("5", language="EN").text == "five"


def test_an_unsupported_language_is_an_error() -> None:
    with pytest.raises(HomevoiceError) as info:
        prepare("Hallo", language="de")
    assert info.value.code == "unsupported_language"


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "...", "[pause:0s]", " — "])
def test_nothing_to_say_is_empty_text(text: str) -> None:
    with pytest.raises(HomevoiceError) as info:
        prepare(text)
    assert info.value.code == "empty_text"


def test_markup_alone_is_a_pause() -> None:
    assert prepare("[pause:2s]").parts == (Pause(2.0),)


def test_malformed_markup_is_read_as_text() -> None:
    assert prepare("[pause:soon] Hello", language="en").text == "[pause:soon] Hello"


def test_a_long_sentence_is_cut_at_commas_first() -> None:
    sentence = "Первая часть фразы, вторая часть фразы; третья часть фразы, четвёртая часть."
    script = prepare(sentence, max_chars=40)
    texts = [part.text for part in script.parts if isinstance(part, Utterance)]
    assert texts == ["Первая часть фразы, вторая часть фразы;", "третья часть фразы, четвёртая часть."]


def test_a_long_sentence_without_commas_is_cut_at_spaces_never_inside_a_word() -> None:
    sentence = " ".join(["слово"] * 50) + "."
    script = prepare(sentence, max_chars=33)
    texts = [part.text for part in script.parts if isinstance(part, Utterance)]
    assert all(len(text) <= 33 for text in texts)
    assert " ".join(texts) == sentence
    assert all(re.fullmatch(r"(слово )*слово\.?", text) for text in texts)


def test_chunks_are_measured_after_normalisation() -> None:
    script = prepare("Было 1 234 567 рублей и 7 654 321 рубль.", max_chars=60)
    texts = [part.text for part in script.parts if isinstance(part, Utterance)]
    assert all(len(text) <= 60 for text in texts)
    assert " ".join(texts).startswith("Было миллион двести тридцать четыре тысячи")


def test_a_word_longer_than_the_limit_stays_whole() -> None:
    assert split_long("а " + "б" * 20 + " в", 5) == ["а", "б" * 20, "в"]


def test_split_long_keeps_short_sentences() -> None:
    assert split_long("  коротко  ", 400) == ["коротко"]
    assert split_long("", 400) == []


def test_split_long_refuses_a_silly_limit() -> None:
    with pytest.raises(ValueError):
        split_long("text", 0)


def test_stress_marks_survive() -> None:
    assert prepare("Старый з+амок.").text == "Старый з+амок."


def test_no_digits_reach_the_engine() -> None:
    text = "Встреча 03.12.2026 в 14:30, бюджет $5 млн (+15%), т.е. 1,5 млн руб. на 3-й этаж."
    assert not re.search(r"\d", prepare(text).text)


def test_control_characters_are_dropped_before_the_engine_sees_them() -> None:
    script = prepare("0\x00 apples\x07 and\x1b pears", language="en")
    spoken = " ".join(p.text for p in script.parts if isinstance(p, Utterance))
    assert not any(ord(ch) < 32 for ch in spoken)
    assert "apples" in spoken and "pears" in spoken
    with pytest.raises(HomevoiceError):
        prepare("\x00\x01", language="en")
