"""Properties: whatever the number, normalisation says it in words and never fails."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from homevoice.text import normalize, prepare

ASCII_DIGIT = re.compile(r"[0-9]")
NUMBERS = st.integers(min_value=0, max_value=10**12)


@settings(max_examples=300)
@given(NUMBERS)
def test_no_digits_survive_in_russian(n: int) -> None:
    for text in (str(n), f"{n:,}".replace(",", " "), f"в {n} году", f"{n} рублей", f"с {n}-го", f"-{n}%"):
        assert not ASCII_DIGIT.search(normalize(text, "ru")), text


@settings(max_examples=300)
@given(NUMBERS)
def test_no_digits_survive_in_english(n: int) -> None:
    for text in (str(n), f"{n:,}", f"${n}", f"{n}th", f"in {n}", f"-{n}%"):
        assert not ASCII_DIGIT.search(normalize(text, "en")), text


# Text made of what numbers are written with: digits, separators, signs, units, a few words.
PIECES = st.sampled_from(
    [*"0123456789", " ", ".", ",", ":", "-", "–", "+", "%", "$", "€", "/", "°", "\n", "XIV", "I",
     "г.", "гг.", "в", "с", "по", "до", "к", "о", "мая", "году", "веке", "руб.", "млн", "тыс.",
     "км", "кв. м", "-й", "-х", "-летний", "книги", "Пётр", "т.е.", "am", "pm", "Dec", "st", "s"]
)  # fmt: skip
FRAGMENTS = st.lists(PIECES, max_size=25).map("".join)


@settings(max_examples=500)
@given(FRAGMENTS, st.sampled_from(["ru", "en"]))
def test_normalize_never_raises_and_leaves_no_digits(text: str, language: str) -> None:
    assert not ASCII_DIGIT.search(normalize(text, language))


@settings(max_examples=200)
@given(st.text(max_size=200), st.integers(min_value=1, max_value=80))
def test_prepare_either_speaks_or_says_empty_text(text: str, max_chars: int) -> None:
    try:
        script = prepare(text, max_chars=max_chars)
    except Exception as err:
        assert getattr(err, "code", None) == "empty_text", err
        return
    assert script.parts
    assert script.language in ("ru", "en")
