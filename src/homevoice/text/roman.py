"""Roman numerals, as used for centuries and monarchs ("XXI век", "Пётр I")."""

from __future__ import annotations

import re
from typing import Final

_CANONICAL: Final = re.compile(r"M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})")
_VALUES: Final = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}


def parse_roman(text: str) -> int | None:
    """parse_roman("XXI") == 21; None for anything that is not a well-formed numeral."""
    if not text or not _CANONICAL.fullmatch(text):
        return None
    total = 0
    for char, following in zip(text, [*text[1:], ""], strict=True):
        value = _VALUES[char]
        total += -value if following and _VALUES[following] > value else value
    return total
