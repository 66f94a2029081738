"""The Russian grammar every numeral module shares: cases, genders and government by a number.

A cardinal governs its noun: "один рубль", "два рубля", "пять рублей" in the nominative, but in
the oblique cases the noun simply takes the same case ("о двух рублях"). Ordinals are adjectives
and agree with their noun instead.
"""

from __future__ import annotations

from typing import Final, Literal

Case = Literal["nom", "gen", "dat", "acc", "ins", "prep"]
Gender = Literal["m", "f", "n"]
Form = Literal["m", "f", "n", "pl"]
"""The form an adjective (an ordinal) takes: a gender in the singular, or the plural."""

CASES: Final[tuple[Case, ...]] = ("nom", "gen", "dat", "acc", "ins", "prep")
FORMS: Final[tuple[Form, ...]] = ("m", "n", "f", "pl")


def case_index(case: Case) -> int:
    return CASES.index(case)


def counted(n: int, case: Case, *, animate: bool = False) -> tuple[Case, bool]:
    """The case of the noun counted by the cardinal ``n`` in ``case``, and whether it is plural.

    "1 рубль", "2 рубля", "5 рублей", "21 рубль", "о 2 рублях", "5 000 рублей" (a number that ends
    in тысяча or миллион always takes the genitive plural), "вижу двух друзей" (an animate noun
    after a bare 2, 3 or 4 in the accusative).
    """
    if n == 0 or (n >= 1000 and n % 1000 == 0):
        return "gen", True
    last, last2 = n % 10, n % 100
    one = last == 1 and last2 != 11
    if case == "acc" and animate and n in (2, 3, 4):
        return "gen", True
    if case in ("nom", "acc"):
        if one:
            return case, False
        if 2 <= last <= 4 and not 12 <= last2 <= 14:
            return "gen", False
        return "gen", True
    return case, not one


def fraction_agreement(n: int, case: Case) -> tuple[Case, bool]:
    """How a substantivised adjective ("целая", "десятая") agrees with the numeral ``n``.

    Unlike a noun it takes the genitive plural after 2, 3 and 4: "две целых", "три десятых".
    """
    one = n % 10 == 1 and n % 100 != 11
    if one:
        return case, False
    if case in ("nom", "acc"):
        return "gen", True
    return case, True
