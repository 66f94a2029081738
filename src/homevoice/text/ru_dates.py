"""Russian dates, years, centuries and clock times.

"03.12.2026" -> "третье декабря две тысячи двадцать шестого года"; "в 2024 году" -> "в две тысячи
двадцать четвёртом году"; "в XXI веке" -> "в двадцать первом веке"; "в 14:30" -> "в четырнадцать
тридцать". The day is a neuter ordinal in the case its preposition asks for (nominative alone);
the year after a day and month is always genitive ("...года").
"""

from __future__ import annotations

from typing import Final

from homevoice.text.ru_context import MONTHS, Context, agrees, looks_verbal
from homevoice.text.ru_grammar import Case, counted
from homevoice.text.ru_nouns import NOUNS, lookup
from homevoice.text.ru_numbers import cardinal
from homevoice.text.ru_ordinals import ordinal
from homevoice.text.ru_reading import cardinal_case, say_ordinal

_YEAR: Final = NOUNS["год"]
_CENTURY: Final = NOUNS["век"]
_LOCATIVE: Final = frozenset({"в", "во", "о", "об", "при"})


def valid_date(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def say_date(day: int, month: int, year: int | None, context: Context, suffix: str = "") -> str:
    """Read a day of a month, with its year if any: (3, 12, 2026) -> "третье декабря две тысячи...".

    Alone the day is nominative ("третье декабря"); after a verb it says when, in the genitive
    ("родился третьего декабря").
    """
    case: Case = context.options[0] if context.options else "gen" if looks_verbal(context.before) else "nom"
    words = [say_ordinal(day, Context(context.preposition), suffix=suffix, forms=("n",), case=case)]
    words.append(MONTHS[month - 1])
    if year is not None:
        words.append(f"{ordinal(year, 'gen')} года")
    return " ".join(words)


def abbreviated_year_case(context: Context) -> Case:
    """The case of a year written with "г.": "в 2024 г." is "в ... году"."""
    if context.preposition in _LOCATIVE:
        return "prep"
    return context.options[0] if context.options else "nom"


def is_year_noun(word: str | None) -> bool:
    noun = lookup(word) if word else None
    return noun is _YEAR


def counts_years(n: int, context: Context) -> bool:
    """True when "год" after ``n`` counts years ("2 года", "5 лет"), not names one ("2024 год")."""
    if (context.noun or "").lower() == "лет":
        return True
    if n >= 1000:
        return False
    return not context.direct or agrees(context, *counted(n, cardinal_case(n, context)))


def say_year(n: int, context: Context, abbreviation: str = "") -> str:
    """Read a year: with its noun written ("в 2024 году") or abbreviated ("2024 г.", "1941–1945 гг.")."""
    if not abbreviation:
        # A range's years stay singular before a plural noun: "в 1941–1945 годах" -> "...пятом годах".
        return say_ordinal(n, Context(context.preposition, context.noun, direct=False), forms=("m",))
    case = abbreviated_year_case(context)
    plural = abbreviation.startswith("гг")
    noun = ("годов" if case == "gen" else _YEAR.form(case, True)) if plural else _YEAR.form(case)
    return f"{ordinal(n, case)} {noun}"


def say_year_after_month(n: int, noun_follows: bool) -> str:
    """The year after a day and month, always genitive: "3 декабря 2026" -> "...шестого года"."""
    words = ordinal(n, "gen")
    return words if noun_follows else f"{words} года"


def say_century(n: int, context: Context, abbreviation: str = "") -> str:
    """Read a century: "XX век" -> "двадцатый век", "в XXI в." -> "в двадцать первом веке"."""
    if not abbreviation:
        return say_ordinal(n, context, forms=("m",))
    case = abbreviated_year_case(context)
    noun = _CENTURY.form(case, abbreviation.startswith("вв"))
    return f"{ordinal(n, case)} {noun}"


def say_time(hours: int, minutes: int, seconds: int | None, context: Context) -> str:
    """Read a time: "14:30" -> "четырнадцать тридцать", "7:05" -> "семь ноль пять",
    "к 10:15" -> "к десяти пятнадцати"."""
    case: Case = context.options[0] if context.options else "nom"
    words = ["ноль ноль" if hours == 0 else cardinal(hours, case)]
    for value in (minutes, seconds):
        if value is None:
            continue
        if value == 0:
            words.append("ноль ноль")
        elif value < 10:
            words.append(f"ноль {cardinal(value, case, 'f')}")
        else:
            words.append(cardinal(value, case, "f"))
    return " ".join(words)
