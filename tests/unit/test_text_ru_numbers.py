"""Russian numeral morphology, form by form, as the paradigms in the grammar books list them."""

from __future__ import annotations

import pytest

from homevoice.text.ru_grammar import Case, Form, Gender, counted
from homevoice.text.ru_numbers import cardinal
from homevoice.text.ru_ordinals import fraction, ordinal


@pytest.mark.parametrize(
    ("n", "case", "gender", "expected"),
    [
        (0, "gen", "m", "нуля"),
        (0, "ins", "m", "нулём"),
        (1, "gen", "m", "одного"),
        (1, "acc", "f", "одну"),
        (1, "ins", "n", "одним"),
        (2, "nom", "f", "две"),
        (2, "ins", "f", "двумя"),
        (3, "prep", "m", "трёх"),
        (4, "ins", "m", "четырьмя"),
        (5, "ins", "m", "пятью"),
        (8, "gen", "m", "восьми"),
        (8, "ins", "m", "восемью"),  # "восьмью" is the rarer variant
        (11, "ins", "m", "одиннадцатью"),
        (30, "dat", "m", "тридцати"),
        (40, "gen", "m", "сорока"),
        (50, "ins", "m", "пятьюдесятью"),
        (90, "dat", "m", "девяноста"),
        (100, "gen", "m", "ста"),
        (200, "gen", "m", "двухсот"),
        (200, "dat", "m", "двумстам"),
        (300, "ins", "m", "тремястами"),
        (400, "prep", "m", "четырёхстах"),
        (500, "ins", "m", "пятьюстами"),
        (800, "gen", "m", "восьмисот"),
        (1000, "ins", "m", "тысячей"),
        (2000, "gen", "m", "двух тысяч"),
        (5000, "prep", "m", "пяти тысячах"),
        (1_000_000, "gen", "m", "миллиона"),
        (3_000_000, "ins", "m", "тремя миллионами"),
        (21, "prep", "f", "двадцати одной"),
        (1990, "gen", "m", "тысячи девятисот девяноста"),
        (10**12, "nom", "m", "триллион"),
    ],
)
def test_cardinal(n: int, case: Case, gender: Gender, expected: str) -> None:
    assert cardinal(n, case, gender) == expected


@pytest.mark.parametrize(
    ("n", "case", "animate", "expected"),
    [
        (1, "nom", False, ("nom", False)),
        (2, "nom", False, ("gen", False)),
        (5, "nom", False, ("gen", True)),
        (11, "nom", False, ("gen", True)),
        (14, "acc", False, ("gen", True)),
        (21, "acc", False, ("acc", False)),
        (2, "acc", True, ("gen", True)),
        (22, "acc", True, ("gen", False)),
        (2, "dat", False, ("dat", True)),
        (21, "ins", False, ("ins", False)),
        (5000, "prep", False, ("gen", True)),
        (0, "nom", False, ("gen", True)),
    ],
)
def test_counted_noun(n: int, case: Case, animate: bool, expected: tuple[Case, bool]) -> None:
    assert counted(n, case, animate=animate) == expected


@pytest.mark.parametrize(
    ("n", "case", "form", "expected"),
    [
        (2, "nom", "m", "второй"),
        (3, "gen", "m", "третьего"),
        (3, "nom", "f", "третья"),
        (6, "nom", "m", "шестой"),
        (7, "ins", "pl", "седьмыми"),
        (21, "nom", "n", "двадцать первое"),
        (40, "prep", "m", "сороковом"),
        (90, "gen", "pl", "девяностых"),
        (100, "nom", "n", "сотое"),
        (300, "nom", "m", "трёхсотый"),
        (1000, "nom", "m", "тысячный"),
        (2000, "gen", "m", "двухтысячного"),
        (1_000_000, "nom", "m", "миллионный"),
        (2024, "prep", "m", "две тысячи двадцать четвёртом"),
    ],
)
def test_ordinal(n: int, case: Case, form: Form, expected: str) -> None:
    assert ordinal(n, case, form) == expected


@pytest.mark.parametrize(
    ("whole", "decimals", "case", "expected"),
    [
        (3, "14", "nom", "три целых четырнадцать сотых"),
        (1, "5", "nom", "одна целая пять десятых"),
        (0, "001", "nom", "ноль целых одна тысячная"),
        (2, "5", "gen", "двух целых пяти десятых"),
        (1, "5", "ins", "одной целой пятью десятыми"),
    ],
)
def test_fraction(whole: int, decimals: str, case: Case, expected: str) -> None:
    assert fraction(whole, decimals, case) == expected


def test_cardinal_refuses_numbers_it_cannot_read() -> None:
    with pytest.raises(ValueError, match="cannot read"):
        cardinal(10**15)
