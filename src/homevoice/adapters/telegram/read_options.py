"""The words after ``/read``: options first, then (without a file) the title of a vault note.

``/read 1-3 voice=en_US-joe-medium speed=1.2 Garden plans``: a chapter range (``1-3``, ``2,4-6``
or ``chapters=1-3``), ``voice=NAME`` and ``speed=X`` may come in any order before the title.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from homevoice.audiobooks.document import DocumentError, parse_chapter_range

MIN_SPEED = 0.25
MAX_SPEED = 4.0
_RANGE = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


class ReadOptionsError(ValueError):
    """A word after ``/read`` that is not an option where only options may be (or a bad value)."""

    def __init__(self, word: str) -> None:
        super().__init__(word)
        self.word = word


@dataclass(frozen=True)
class ReadOptions:
    chapters: str | None = None
    voice: str | None = None
    speed: float = 1.0
    title: str = ""
    """The vault note to read; empty with a file."""


def parse_read_options(argument: str, *, with_file: bool) -> ReadOptions:
    """Options, then the rest as a note's title (with a file, nothing may follow the options).

    Without a file, a lone number is a title: ``/read 1984`` reads the note "1984"."""
    words = argument.split()
    chapters: str | None = None
    voice: str | None = None
    speed = 1.0
    taken = 0
    for word in words:
        key, equals, value = word.partition("=")
        key = key.lower()
        if equals and key in ("chapters", "voice", "speed"):
            if not value:
                raise ReadOptionsError(word)
            if key == "chapters":
                chapters = _chapters(value, word)
            elif key == "voice":
                voice = value
            else:
                speed = _speed(value, word)
        elif _RANGE.match(word) and chapters is None:
            chapters = _chapters(word, word)
        else:
            break
        taken += 1
    title = " ".join(words[taken:])
    if with_file and title:
        raise ReadOptionsError(words[taken])
    if not with_file and not title and len(words) == 1 and _RANGE.match(words[0]):
        return ReadOptions(title=words[0])
    return ReadOptions(chapters=chapters, voice=voice, speed=speed, title=title)


def _chapters(value: str, word: str) -> str:
    try:
        parse_chapter_range(value)
    except DocumentError:
        raise ReadOptionsError(word) from None
    return value


def _speed(value: str, word: str) -> float:
    try:
        speed = float(value.removesuffix("x"))
    except ValueError:
        raise ReadOptionsError(word) from None
    if not math.isfinite(speed) or not MIN_SPEED <= speed <= MAX_SPEED:
        raise ReadOptionsError(word)
    return speed
