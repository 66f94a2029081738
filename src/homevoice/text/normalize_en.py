"""English text normalisation: numbers, dates, times, money, units and abbreviations in words."""

from __future__ import annotations

import re
from typing import Final

from homevoice.text.en_abbrev import expand_abbreviations
from homevoice.text.en_numbers import MAX_CARDINAL, cardinal, decimal, digits, ordinal, plural_word, year
from homevoice.text.spans import after, before, keeps_final_dot

_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip
_MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)"
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"
_CURRENCIES: Final = {
    "$": ("dollar", "cent", "cents"),
    "€": ("euro", "cent", "cents"),
    "£": ("pound", "penny", "pence"),
}
_SCALES: Final = {"k": "thousand", "m": "million", "mn": "million", "b": "billion", "bn": "billion"}
_UNITS: Final = {
    "%": ("percent", "percent"), "°f": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°c": ("degree Celsius", "degrees Celsius"), "°": ("degree", "degrees"),
    "km/h": ("kilometer per hour", "kilometers per hour"), "mph": ("mile per hour", "miles per hour"),
    "km": ("kilometer", "kilometers"), "kg": ("kilogram", "kilograms"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"),
    "ft": ("foot", "feet"), "oz": ("ounce", "ounces"), "gb": ("gigabyte", "gigabytes"),
    "mb": ("megabyte", "megabytes"), "tb": ("terabyte", "terabytes"), "hr": ("hour", "hours"),
    "hrs": ("hour", "hours"), "min": ("minute", "minutes"), "sec": ("second", "seconds"),
}  # fmt: skip
_FRACTIONS: Final = {
    "1/2": "one half",
    "1/3": "one third",
    "2/3": "two thirds",
    "1/4": "one quarter",
    "3/4": "three quarters",
}
_YEAR_CUES: Final = frozenset(
    {"in", "since", "by", "from", "until", "till", "of", "year", "circa", "around", "before", "after",
     "during", "early", "late", "mid", "spring", "summer", "autumn", "fall", "winter", "to", "and", "through"}
    | {month.lower() for month in _MONTHS}
)  # fmt: skip
_YEAR_VERBS: Final = frozenset(
    {"was", "is", "will", "had", "has", "saw", "brought", "began", "ended", "and", "or"}
)
_PATTERN: Final = re.compile(
    rf"(?P<md>\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?)"
    rf"|(?P<dm>\b(?P<dday>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmonth>{_MONTH})\b\.?(?:,?\s+(?P<dyear>\d{{4}})\b)?)"
    r"|(?P<slash>\b(?P<sm>\d{1,2})/(?P<sd>\d{1,2})/(?P<sy>\d{4})\b)"
    r"|(?P<iso>\b(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})\b)"
    r"|(?P<time>\b(?P<h>\d{1,2}):(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?:\s*(?P<ampm>[ap])\.?m\b\.?)?)"
    r"|(?P<ratio>(?<![\d:])\d{1,3}:\d{1,3}(?![\d:]))"
    r"|(?P<hour>\b(?P<hh>\d{1,2})\s*(?P<hampm>[ap])\.?m\b\.?)"
    rf"|(?P<money>(?P<cur>[$€£])\s?(?P<mnum>{_NUM})(?:\s*(?P<mscale>thousand|million|billion|trillion)\b|(?P<mabbr>k|m|mn|b|bn)\b)?)"
    r"|(?P<fraction>\b[1-3]/[2-4]\b)"
    r"|(?P<ord>\b(?P<onum>\d+)(?:st|nd|rd|th)\b)"
    r"|(?P<decade>(?:['’]|\b)(?P<dnum>\d{2}|\d{4})s\b)"
    r"|(?P<plus>(?<=\d)\s*\+\s*(?=\d))"
    rf"|(?P<number>(?P<sign>(?<![\w.,])[-−+](?=\d))?(?P<num>{_NUM})"
    r"(?:\s*(?P<unit>%|°\s?[FC]|°|km/h|mph|km|kg|cm|mm|lbs|lb|ft|oz|GB|MB|TB|hrs|hr|min|sec)(?![A-Za-z]))?)",
    re.IGNORECASE,
)


def _month(name: str) -> str:
    return next(m for m in _MONTHS if m.lower().startswith(name.lower()[:3]))


def _date(month: int, day: int, year_: int | None, british: bool = False) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    name = _MONTHS[month - 1]
    said = f"the {ordinal(day)} of {name}" if british else f"{name} {ordinal(day)}"
    if year_ is None:
        return said
    return f"{said} {year(year_)}" if british else f"{said}, {year(year_)}"


def _time(hours: int, minutes: int, seconds: int | None, ampm: str | None) -> str | None:
    if hours > 24 or minutes > 59 or (seconds or 0) > 59:
        return None
    if (hours, minutes, ampm) == (0, 0, None):
        return "midnight"
    words = cardinal(hours)
    if minutes == 0:
        words += "" if ampm else " hundred" if hours > 12 else " o'clock"
    else:
        words += f" oh {cardinal(minutes)}" if minutes < 10 else f" {cardinal(minutes)}"
    if seconds:
        words += f" and {cardinal(seconds)} second{'s' if seconds != 1 else ''}"
    return f"{words} {ampm.upper()} M" if ampm else words


def _split(written: str) -> tuple[int, str]:
    whole, _, decimals = written.replace(",", "").partition(".")
    return int(whole), decimals


def _amount(written: str) -> str:
    whole, decimals = _split(written)
    if whole > MAX_CARDINAL or (len(written) > 1 and written[0] == "0" and not decimals):
        return digits(written)
    return decimal(whole, decimals) if decimals else cardinal(whole)


def _money(match: re.Match[str]) -> str:
    unit, cent, cents = _CURRENCIES[match.group("cur")]
    whole, decimals = _split(match.group("mnum"))
    scale = match.group("mscale") or _SCALES.get((match.group("mabbr") or "").lower())
    if scale:
        return f"{_amount(match.group('mnum'))} {scale.lower()} {unit}s"
    if len(decimals) != 2:
        plural = "" if (whole, decimals) == (1, "") else "s"
        return f"{_amount(match.group('mnum'))} {unit}{plural}"
    parts = [f"{cardinal(whole)} {unit}{'' if whole == 1 else 's'}"] if whole or decimals == "00" else []
    if int(decimals):
        parts.append(f"{cardinal(int(decimals))} {cent if int(decimals) == 1 else cents}")
    return " and ".join(parts)


def _number(match: re.Match[str]) -> str:
    written, unit = match.group("num"), match.group("unit")
    sign = {"-": "minus ", "−": "minus ", "+": "plus "}.get(match.group("sign") or "", "")
    whole, decimals = _split(written)
    if unit:
        singular, plural = _UNITS[unit.lower().replace(" ", "")]
        return f"{sign}{_amount(written)} {singular if (whole, decimals) == (1, '') else plural}"
    if not sign and not decimals and re.fullmatch(r"1[1-9]\d\d|20\d\d", written) and _is_year(match):
        return year(whole)
    return sign + _amount(written)


def _is_year(match: re.Match[str]) -> bool:
    """True for years: "in 1999", "1999 was", "2024."; "2024 people" is a count."""
    previous = re.search(r"([A-Za-z]+)\W*$", before(match.string, match.start()))
    if previous and previous.group(1).lower() in _YEAR_CUES:
        return True
    following = re.match(r"\s+([a-z]+)", after(match.string, match.end()))
    return not following or following.group(1) in _YEAR_VERBS


def _read(match: re.Match[str]) -> str | None:
    kind, group = match.lastgroup, match.group
    if kind == "md":
        return _date(_MONTHS.index(_month(group("month"))) + 1, int(group("day")), _int(group("year")))
    if kind == "dm":
        said = _date(
            _MONTHS.index(_month(group("dmonth"))) + 1, int(group("dday")), _int(group("dyear")), True
        )
        after_the = before(match.string, match.start()).rstrip().lower().endswith("the")
        return said[4:] if said and after_the else said
    if kind in ("slash", "iso"):
        m, d, y = (group(k) for k in (("sm", "sd", "sy") if kind == "slash" else ("im", "id", "iy")))
        return _date(int(m), int(d), int(y))
    if kind == "time":
        return _time(int(group("h")), int(group("mi")), _int(group("s")), group("ampm"))
    if kind == "ratio":
        return None  # "3:0": each number on its own
    if kind == "hour":
        return _time(int(group("hh")), 0, None, group("hampm"))
    if kind == "money":
        return _money(match)
    if kind == "fraction":
        return _FRACTIONS.get(group(), None)
    if kind == "ord":
        return ordinal(int(group("onum")))
    if kind == "decade":
        value = int(group("dnum"))
        return plural_word(year(value) if value >= 1000 else cardinal(value)) if value % 10 == 0 else None
    if kind == "plus":
        return " plus "
    return _number(match)


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _replace(match: re.Match[str]) -> str:
    words = _read(match)
    if words is None:  # not a real date or time: read each number on its own
        words = " ".join(_amount(number) for number in re.findall(r"\d+", match.group()))
    text, end = match.string, match.end()
    if match.start() and text[match.start() - 1].isalpha():
        words = " " + words
    if end < len(text) and text[end].isalnum():
        words += " "
    if keeps_final_dot(match):
        words += "."
    return words


def normalize_en(text: str) -> str:
    """Spell out the numbers, dates, money, units and abbreviations of English ``text``."""
    text = _PATTERN.sub(_replace, expand_abbreviations(text))
    return re.sub(r"[ \t\u00a0\u2009\u202f]+", " ", text).strip()
