"""English normalisation: numbers, years, dates, times, money and abbreviations as words.

American conventions: no "and" inside numbers ("one hundred one"), month-first dates ("12/03/2026"
is December 3), years read in pairs ("nineteen ninety-nine", "twenty twenty-four").
"""

from __future__ import annotations

import pytest

from homevoice.text import normalize


def case(text: str, expected: str, id: str) -> object:
    return pytest.param(text, expected, id=id)


CARDINALS = [
    case("0", "zero", "zero"),
    case("42", "forty-two", "tens-hyphen"),
    case("100", "one hundred", "hundred"),
    case("101", "one hundred one", "no-and"),
    case("1,234", "one thousand two hundred thirty-four", "comma-thousands"),
    case("1,000,000", "one million", "million"),
    case(
        "12,345,678", "twelve million three hundred forty-five thousand six hundred seventy-eight", "millions"
    ),
    case("3.14", "three point one four", "decimal"),
    case("-5", "minus five", "negative"),
    case("\u22125", "minus five", "unicode-minus"),
    case("2+2", "two plus two", "plus"),
    case("007", "zero zero seven", "leading-zeros"),
    case("1/2 cup", "one half cup", "fraction"),
    case("2024 people came", "two thousand twenty-four people came", "count-not-year"),
]

ORDINALS = [
    case("1st", "first", "1st"),
    case("2nd", "second", "2nd"),
    case("3rd", "third", "3rd"),
    case("11th", "eleventh", "11th"),
    case("12th", "twelfth", "12th"),
    case("22nd", "twenty-second", "22nd"),
    case("101st", "one hundred first", "101st"),
    case("the 40th", "the fortieth", "40th"),
]

YEARS = [
    case("in 1999", "in nineteen ninety-nine", "year-1999"),
    case("2024", "twenty twenty-four", "year-2024"),
    case("2005", "two thousand five", "year-2005"),
    case("2000", "two thousand", "year-2000"),
    case("in 1900", "in nineteen hundred", "year-1900"),
    case("in 1905", "in nineteen oh five", "year-1905"),
    case("in 2010", "in twenty ten", "year-2010"),
    case("the 1990s", "the nineteen nineties", "decade"),
    case("the '80s", "the eighties", "decade-short"),
]

DATES = [
    case("December 3, 2026", "December third, twenty twenty-six", "date-month-first"),
    case("Dec. 3", "December third", "date-abbreviated-month"),
    case("12/03/2026", "December third, twenty twenty-six", "date-us-slashes"),
    case("2026-12-03", "December third, twenty twenty-six", "date-iso"),
    case("3 December 2026", "the third of December twenty twenty-six", "date-day-first"),
    case("on the 3rd of May", "on the third of May", "date-the-of"),
]

TIMES = [
    case("7:30 pm", "seven thirty P M", "time-pm"),
    case("at 11:45 a.m. today", "at eleven forty-five A M today", "time-am-dots"),
    case("7:05", "seven oh five", "time-oh"),
    case("7:00", "seven o'clock", "time-oclock"),
    case("7 am", "seven A M", "time-hour-am"),
    case("17:00", "seventeen hundred", "time-24h"),
    case("score 3:0", "score three zero", "score-not-a-time"),
]

MONEY = [
    case("$5.50", "five dollars and fifty cents", "usd-cents"),
    case("$1", "one dollar", "usd-1"),
    case("$0.99", "ninety-nine cents", "cents-only"),
    case("$1.01", "one dollar and one cent", "one-cent"),
    case("€3", "three euros", "eur"),
    case("£1", "one pound", "gbp"),
    case("£2.50", "two pounds and fifty pence", "gbp-pence"),
    case("$5 million", "five million dollars", "usd-million"),
    case("$1.5 million", "one point five million dollars", "usd-decimal-million"),
    case("$2M", "two million dollars", "usd-m-suffix"),
]

PERCENT_AND_UNITS = [
    case("50%", "fifty percent", "pct"),
    case("2.5%", "two point five percent", "pct-decimal"),
    case("5 km", "five kilometers", "km"),
    case("1 km", "one kilometer", "km-1"),
    case("72 °F", "seventy-two degrees Fahrenheit", "fahrenheit"),
    case("60 mph", "sixty miles per hour", "mph"),
    case("10 kg", "ten kilograms", "kg"),
]

ABBREVIATIONS = [
    case("Dr. Smith", "Doctor Smith", "doctor"),
    case("Mr. and Mrs. Jones", "Mister and Missus Jones", "mister-missus"),
    case("St. Louis", "Saint Louis", "saint"),
    case("on Main St.", "on Main Street.", "street"),
    case("e.g. apples", "for example apples", "eg"),
    case("i.e. pears", "that is pears", "ie"),
    case("cats vs. dogs", "cats versus dogs", "vs"),
    case("apples, pears, etc.", "apples, pears, et cetera.", "etc"),
    case("No. 5", "number five", "number"),
    case("Prof. Lee", "Professor Lee", "professor"),
]

ALL_CASES = CARDINALS + ORDINALS + YEARS + DATES + TIMES + MONEY + PERCENT_AND_UNITS + ABBREVIATIONS


@pytest.mark.parametrize(("text", "expected"), ALL_CASES)
def test_normalize_en(text: str, expected: str) -> None:
    assert normalize(text, "en") == expected


def test_the_table_is_large_enough() -> None:
    assert len(ALL_CASES) >= 40
