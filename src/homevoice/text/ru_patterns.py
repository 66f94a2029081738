"""Readers for the Russian forms matched as a whole: dates, times, centuries, monarchs, phone
numbers and compound adjectives ("5-летний"). Each takes the regex match and its context.
"""

from __future__ import annotations

import re

from homevoice.text.roman import parse_roman
from homevoice.text.ru_context import Context
from homevoice.text.ru_dates import say_century, say_date, say_time, valid_date
from homevoice.text.ru_numbers import cardinal, digits
from homevoice.text.ru_ordinals import combining_form
from homevoice.text.ru_reading import say_cardinal, say_ordinal


def _each_number(text: str, context: Context) -> str:
    """Read every number in ``text`` on its own (for things that only look like dates or times)."""
    parts = re.findall(r"\d+", text)
    return " ".join(say_cardinal(int(p), context if i == 0 else Context()) for i, p in enumerate(parts))


def read_date(match: re.Match[str], context: Context) -> str:
    """Read a numeric date: "03.12.2026", "2026-12-03"."""
    keys = ("d", "mo", "y") if match.group("date") else ("id", "im", "iy")
    day, month, year = (int(match.group(k)) for k in keys)
    if not valid_date(day, month):
        return _each_number(match.group(), context)
    return say_date(day, month, year, context)


def read_time(match: re.Match[str], context: Context) -> str:
    """Read a clock time: "14:30", "7:05", "12:30:15"; "25:99" is read as two numbers."""
    hours, minutes = int(match.group("h")), int(match.group("mi"))
    seconds = int(match.group("s")) if match.group("s") else None
    if hours > 24 or minutes > 59 or (seconds or 0) > 59:
        return _each_number(match.group(), context)
    return say_time(hours, minutes, seconds, context)


def read_ratio(match: re.Match[str], context: Context) -> str:
    """Read a score or ratio that is not a time: "3:0" -> "три ноль"."""
    return _each_number(match.group(), context)


def read_century(match: re.Match[str], context: Context) -> str:
    """Read a century in Roman numerals: "XX век", "в XXI в.", "XVIII–XIX вв."."""
    first, second = parse_roman(match.group("r1")), parse_roman(match.group("r2") or "")
    if first is None or (match.group("r2") and second is None):
        return match.group()
    abbreviation = match.group("rabbr") or ""
    if second is None:
        return say_century(first, context, abbreviation)
    if abbreviation:  # the range's first century has no noun of its own: "в XVIII–XIX вв."
        head = say_century(first, context, "в.").rsplit(" ", 1)[0]
    else:
        head = say_century(first, Context(context.preposition, context.noun, direct=False))
    return f"{head} {match.group('rdash')} {say_century(second, context, abbreviation)}"


def read_ruler(match: re.Match[str], context: Context) -> str:
    """Read a monarch's numeral: "Пётр I" -> "Пётр первый", "при Николае II" -> "при Николае втором"."""
    value = parse_roman(match.group("rn"))
    name = match.group("name")
    if value is None:
        return match.group()
    return f"{name} {say_ordinal(value, Context(context.preposition, name))}"


def read_phone(match: re.Match[str]) -> str:
    """Read a phone number group by group: "8 800 555-35-35" -> "восемь восемьсот пятьсот пятьдесят пять тридцать пять тридцать пять"."""
    words = ["плюс"] if match.group().startswith("+") else []
    for group in re.findall(r"\d+", match.group()):
        words.append(digits(group) if group.startswith("0") else cardinal(int(group)))
    return " ".join(words)


def read_compound(match: re.Match[str]) -> str:
    """Join a number to its compound: "5-летний" -> "пятилетний", "3-комнатная" -> "трёхкомнатная", "100-летие" -> "столетие"."""
    number, tail = int(match.group("cnum")), match.group("ctail")
    head = combining_form(number)
    return head + tail if head else f"{cardinal(number)}-{tail}"
