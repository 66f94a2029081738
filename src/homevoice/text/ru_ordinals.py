"""Russian ordinals ("две тысячи двадцать четвёртом") and decimal fractions ("три целых
четырнадцать сотых"). Ordinals are adjectives: they agree with their noun in case and gender.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from homevoice.text.ru_grammar import Case, Form, case_index, fraction_agreement
from homevoice.text.ru_numbers import SCALES, cardinal, simple_forms, simple_parts

_STEMS: Final = {
    1: "перв", 2: "втор", 3: "трет", 4: "четвёрт", 5: "пят", 6: "шест", 7: "седьм", 8: "восьм",
    9: "девят", 10: "десят", 11: "одиннадцат", 12: "двенадцат", 13: "тринадцат",
    14: "четырнадцат", 15: "пятнадцат", 16: "шестнадцат", 17: "семнадцат", 18: "восемнадцат",
    19: "девятнадцат", 20: "двадцат", 30: "тридцат", 40: "сороков", 50: "пятидесят",
    60: "шестидесят", 70: "семидесят", 80: "восьмидесят", 90: "девяност", 100: "сот",
    200: "двухсот", 300: "трёхсот", 400: "четырёхсот", 500: "пятисот", 600: "шестисот",
    700: "семисот", 800: "восьмисот", 900: "девятисот",
}  # fmt: skip
_STRESSED: Final = frozenset({"втор", "шест", "седьм", "восьм", "сороков", "нулев"})
_SCALE_STEMS: Final = {10**3: "тысячн", 10**6: "миллионн", 10**9: "миллиардн", 10**12: "триллионн"}

_HARD: Final[dict[Form, tuple[str, ...]]] = {
    "m": ("ый", "ого", "ому", "ый", "ым", "ом"),
    "n": ("ое", "ого", "ому", "ое", "ым", "ом"),
    "f": ("ая", "ой", "ой", "ую", "ой", "ой"),
    "pl": ("ые", "ых", "ым", "ые", "ыми", "ых"),
}
_THIRD: Final[dict[Form, tuple[str, ...]]] = {
    "m": ("ий", "ьего", "ьему", "ий", "ьим", "ьем"),
    "n": ("ье", "ьего", "ьему", "ье", "ьим", "ьем"),
    "f": ("ья", "ьей", "ьей", "ью", "ьей", "ьей"),
    "pl": ("ьи", "ьих", "ьим", "ьи", "ьими", "ьих"),
}


def adjective(stem: str, case: Case, form: Form) -> str:
    """Decline an ordinal stem: adjective("пят", "prep", "m") == "пятом"."""
    if stem.endswith("трет"):
        return stem + _THIRD[form][case_index(case)]
    ending = _HARD[form][case_index(case)]
    if stem in _STRESSED and ending == "ый":
        ending = "ой"
    return stem + ending


def _combining(group: int) -> str:
    """The first half of "двухтысячный", "стотысячный", "двадцатиоднотысячный"."""
    if group == 1:
        return ""
    if group == 100:
        return "сто"
    words = []
    for part in simple_parts(group):
        if part == 1:
            words.append("одно")
        elif part == 90:
            words.append("девяносто")
        else:
            words.append(simple_forms(part, "m")[1])
    return "".join(words)


def combining_form(n: int) -> str:
    """The number as the first half of a compound word: 5 -> "пяти" ("пятилетний"), 1 -> "одно",
    1000 -> "тысяче"; "" when there is none (above 999 other than 1000)."""
    if n == 1:
        return "одно"
    if n == 1000:
        return "тысяче"
    return _combining(n) if 1 < n < 1000 else ""


def _stem_and_head(n: int) -> tuple[str, int]:
    """The stem of the last (declined) word and the number read as cardinal words before it."""
    if n % 1000:
        last = simple_parts(n % 1000)[-1]
        return _STEMS[last], n - last
    for value, _lemma in SCALES:
        if n % value == 0:
            group = n // value % 1000
            return _combining(group) + _SCALE_STEMS[value], n - group * value
    raise AssertionError(n)


@lru_cache(maxsize=4096)
def ordinal(n: int, case: Case = "nom", form: Form = "m") -> str:
    """Read ``n`` as an ordinal: ordinal(2024, "prep") == "две тысячи двадцать четвёртом"."""
    if n == 0:
        return adjective("нулев", case, form)
    stem, head = _stem_and_head(n)
    word = adjective(stem, case, form)
    return f"{cardinal(head)} {word}" if head else word


def fraction(whole: int, decimals: str, case: Case = "nom") -> str:
    """Read a decimal fraction: fraction(3, "14") == "три целых четырнадцать сотых"."""
    numerator, denominator = int(decimals), 10 ** len(decimals)
    whole_case, whole_plural = fraction_agreement(whole, case)
    part_case, part_plural = fraction_agreement(numerator, case)
    return " ".join(
        (
            cardinal(whole, case, "f"),
            adjective("цел", whole_case, "pl" if whole_plural else "f"),
            cardinal(numerator, case, "f"),
            ordinal(denominator, part_case, "pl" if part_plural else "f"),
        )
    )
