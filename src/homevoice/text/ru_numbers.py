"""Russian cardinal numerals in every case, agreeing in gender: "двадцати одной тысячи"."""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from homevoice.text.ru_grammar import Case, Gender, case_index, counted

# Forms in the order nom, gen, dat, acc, ins, prep (acc as for an inanimate noun).
_ZERO: Final = ("ноль", "нуля", "нулю", "ноль", "нулём", "нуле")
_ONE: Final[dict[Gender, tuple[str, ...]]] = {
    "m": ("один", "одного", "одному", "один", "одним", "одном"),
    "n": ("одно", "одного", "одному", "одно", "одним", "одном"),
    "f": ("одна", "одной", "одной", "одну", "одной", "одной"),
}
_SMALL: Final[dict[int, tuple[str, ...]]] = {
    2: ("два", "двух", "двум", "два", "двумя", "двух"),
    3: ("три", "трёх", "трём", "три", "тремя", "трёх"),
    4: ("четыре", "четырёх", "четырём", "четыре", "четырьмя", "четырёх"),
    8: ("восемь", "восьми", "восьми", "восемь", "восемью", "восьми"),
    40: ("сорок", "сорока", "сорока", "сорок", "сорока", "сорока"),
    90: ("девяносто", "девяноста", "девяноста", "девяносто", "девяноста", "девяноста"),
    100: ("сто", "ста", "ста", "сто", "ста", "ста"),
}
# Numerals ending in -ь decline like "пять, пяти, пятью".
_SOFT: Final = {
    5: "пять", 6: "шесть", 7: "семь", 9: "девять", 10: "десять", 11: "одиннадцать",
    12: "двенадцать", 13: "тринадцать", 14: "четырнадцать", 15: "пятнадцать",
    16: "шестнадцать", 17: "семнадцать", 18: "восемнадцать", 19: "девятнадцать",
    20: "двадцать", 30: "тридцать",
}  # fmt: skip
_TENS_NOM: Final = {50: "пятьдесят", 60: "шестьдесят", 70: "семьдесят", 80: "восемьдесят"}
_HUNDREDS_NOM: Final = {
    200: "двести", 300: "триста", 400: "четыреста", 500: "пятьсот",
    600: "шестьсот", 700: "семьсот", 800: "восемьсот", 900: "девятьсот",
}  # fmt: skip

SCALES: Final[tuple[tuple[int, str], ...]] = (
    (10**12, "триллион"),
    (10**9, "миллиард"),
    (10**6, "миллион"),
    (10**3, "тысяча"),
)
MAX_CARDINAL: Final = 10**15 - 1

_SCALE_FORMS: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "тысяча": (
        ("тысяча", "тысячи", "тысяче", "тысячу", "тысячей", "тысяче"),
        ("тысячи", "тысяч", "тысячам", "тысячи", "тысячами", "тысячах"),
    ),
    **{
        word: (
            (word, word + "а", word + "у", word, word + "ом", word + "е"),
            (word + "ы", word + "ов", word + "ам", word + "ы", word + "ами", word + "ах"),
        )
        for word in ("миллион", "миллиард", "триллион")
    },
}


def _soft_forms(word: str) -> tuple[str, ...]:
    stem = word[:-1]
    return (word, stem + "и", stem + "и", word, stem + "ью", stem + "и")


def simple_forms(n: int, gender: Gender) -> tuple[str, ...]:
    """The six case forms of one simple numeral: 1..20, a round ten or a round hundred."""
    if n == 1:
        return _ONE[gender]
    if n == 2 and gender == "f":
        return ("две", *_SMALL[2][1:3], "две", *_SMALL[2][4:])
    if n in _SMALL:
        return _SMALL[n]
    if n in _SOFT:
        return _soft_forms(_SOFT[n])
    if n in _TENS_NOM:
        unit = simple_forms(n // 10, "m")
        nom = _TENS_NOM[n]
        return (nom, unit[1] + "десяти", unit[1] + "десяти", nom, unit[4] + "десятью", unit[5] + "десяти")
    unit = simple_forms(n // 100, "m")
    nom = _HUNDREDS_NOM[n]
    return (nom, unit[1] + "сот", unit[2] + "стам", nom, unit[4] + "стами", unit[5] + "стах")


def simple_parts(n: int) -> list[int]:
    """Split 1..999 into the simple numerals it is read as: 345 -> [300, 40, 5]."""
    parts = []
    if n >= 100:
        parts.append(n // 100 * 100)
        n %= 100
    if n >= 20:
        parts.append(n // 10 * 10)
        n %= 10
    if n:
        parts.append(n)
    return parts


def _group(n: int, case: Case, gender: Gender, animate: bool) -> list[str]:
    if case == "acc" and animate and n in (1, 2, 3, 4):
        case = "gen" if n > 1 or gender != "f" else "acc"
    index = case_index(case)
    return [simple_forms(part, gender)[index] for part in simple_parts(n)]


def scale_word(lemma: str, n: int, case: Case) -> str:
    """A scale word ("тысяча", "миллион") as counted by ``n`` in ``case``: "двух тысяч", "пяти миллионов"."""
    noun_case, plural = counted(n, case)
    return _SCALE_FORMS[lemma][plural][case_index(noun_case)]


@lru_cache(maxsize=4096)
def cardinal(n: int, case: Case = "nom", gender: Gender = "m", *, animate: bool = False) -> str:
    """Read 0..999 999 999 999 999 as words: cardinal(21, "gen", "f") == "двадцати одной".

    ``gender`` is the counted noun's (it matters for 1 and 2); ``animate`` makes a bare 1..4 in
    the accusative take the genitive ("вижу двух друзей"). A leading 1 before a scale word is not
    read ("тысяча двести", "миллион"), as people say it.
    """
    if not 0 <= n <= MAX_CARDINAL:
        raise ValueError(f"cannot read {n} as a Russian cardinal")
    if n == 0:
        return _ZERO[case_index(case)]
    words: list[str] = []
    rest = n
    for value, lemma in SCALES:
        group, rest = divmod(rest, value)
        if not group:
            continue
        scale_gender: Gender = "f" if lemma == "тысяча" else "m"
        if not (group == 1 and not words):
            words += _group(group, case, scale_gender, animate=False)
        words.append(scale_word(lemma, group, case))
    if rest:
        words += _group(rest, case, gender, animate and n == rest)
    return " ".join(words)


def digits(text: str) -> str:
    """Read a string of digits one by one: "007" -> "ноль ноль семь"."""
    return " ".join(cardinal(int(d)) for d in text if d.isdigit())
