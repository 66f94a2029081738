"""Pause markup in text to speak: ``[pause:1s]``, ``[pause:500ms]``, ``[pause:1.5s]``.

Malformed markup ("[pause:soon]") is not an error: it stays in the text and is read as text.
"""

from __future__ import annotations

import re
from typing import Final

from homevoice.text.script import Pause

MAX_PAUSE_SECONDS: Final = 10.0
_PAUSE: Final = re.compile(r"\[\s*pause\s*:\s*(\d+(?:[.,]\d+)?)\s*(ms|s)\s*\]", re.IGNORECASE)


def split_markup(text: str) -> list[str | Pause]:
    """Split ``text`` into text pieces and pauses, in order; pauses are clamped to 0..10 s."""
    parts: list[str | Pause] = []
    position = 0
    for match in _PAUSE.finditer(text):
        parts.append(text[position : match.start()])
        value = float(match.group(1).replace(",", "."))
        seconds = value / 1000 if match.group(2).lower() == "ms" else value
        parts.append(Pause(min(max(seconds, 0.0), MAX_PAUSE_SECONDS)))
        position = match.end()
    parts.append(text[position:])
    return [part for part in parts if isinstance(part, Pause) or part.strip()]


def strip_markup(text: str) -> str:
    """The text without its pause markup (for language detection)."""
    return _PAUSE.sub(" ", text)
