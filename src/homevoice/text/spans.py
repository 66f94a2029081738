"""Looking around a regex match without copying the whole text (normalisation stays linear)."""

from __future__ import annotations

import re
from typing import Final

WINDOW: Final = 100
"""How far around a number we look for its preposition and noun, in characters."""
_TRAILING_SPACE: Final = re.compile(r"\s*\Z")


def before(text: str, start: int) -> str:
    """Up to WINDOW characters of ``text`` before ``start``."""
    return text[max(0, start - WINDOW) : start]


def after(text: str, end: int) -> str:
    """Up to WINDOW characters of ``text`` from ``end``."""
    return text[end : end + WINDOW]


def ends_text(match: re.Match[str]) -> bool:
    """True when only whitespace follows the match: its final dot also ends the sentence."""
    return _TRAILING_SPACE.match(match.string, match.end()) is not None


def keeps_final_dot(match: re.Match[str]) -> bool:
    """True when the match ends with an abbreviation's dot that is also the sentence's last."""
    return match.group().endswith(".") and ends_text(match)
