"""English number words: cardinals, ordinals, years, decimals (American style, no "and")."""

from __future__ import annotations

from typing import Final

_ONES: Final = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS: Final = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES: Final = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (10**3, "thousand"))
MAX_CARDINAL: Final = 10**15 - 1
_IRREGULAR_ORDINALS: Final = {
    "one": "first", "two": "second", "three": "third", "five": "fifth",
    "eight": "eighth", "nine": "ninth", "twelve": "twelfth",
}  # fmt: skip


def _below_thousand(n: int) -> list[str]:
    words = []
    if n >= 100:
        words += [_ONES[n // 100], "hundred"]
        n %= 100
    if n >= 20:
        tens, ones = divmod(n, 10)
        words.append(f"{_TENS[tens]}-{_ONES[ones]}" if ones else _TENS[tens])
    elif n:
        words.append(_ONES[n])
    return words


def cardinal(n: int) -> str:
    """cardinal(1234) == "one thousand two hundred thirty-four"."""
    if not 0 <= n <= MAX_CARDINAL:
        raise ValueError(f"cannot read {n} as an English cardinal")
    if n == 0:
        return "zero"
    words: list[str] = []
    for value, name in _SCALES:
        group, n = divmod(n, value)
        if group:
            words += [*_below_thousand(group), name]
    return " ".join(words + _below_thousand(n))


def ordinal_word(words: str) -> str:
    """Turn the last word of a cardinal into an ordinal: "twenty-one" -> "twenty-first"."""
    head, sep, last = words.rpartition("-") if "-" in words.rsplit(" ", 1)[-1] else words.rpartition(" ")
    if last in _IRREGULAR_ORDINALS:
        last = _IRREGULAR_ORDINALS[last]
    elif last.endswith("y"):
        last = last[:-1] + "ieth"
    else:
        last += "th"
    return head + sep + last


def ordinal(n: int) -> str:
    """ordinal(22) == "twenty-second"."""
    return ordinal_word(cardinal(n))


def year(n: int) -> str:
    """Read a year as people say it: 1999 "nineteen ninety-nine", 2005 "two thousand five"."""
    if not 1000 <= n <= 9999 or n % 1000 < 10:
        return cardinal(n)
    high, low = divmod(n, 100)
    if low == 0:
        return f"{cardinal(high)} hundred"
    if low < 10:
        return f"{cardinal(high)} oh {cardinal(low)}"
    return f"{cardinal(high)} {cardinal(low)}"


def plural_word(words: str) -> str:
    """Pluralise a decade: "nineteen ninety" -> "nineteen nineties" (decades: "1990s", "the 80s")."""
    if words.endswith("y"):
        return words[:-1] + "ies"
    return words + ("es" if words.endswith("x") else "s")


def digits(text: str) -> str:
    """Read digits one by one: "05" -> "zero five"."""
    return " ".join(_ONES[int(d)] for d in text if d.isdigit())


def decimal(whole: int, decimals: str) -> str:
    """decimal(3, "14") == "three point one four"."""
    return f"{cardinal(whole)} point {digits(decimals)}"
