"""Subtitles for an audiobook: each sentence as a cue, in SRT and WebVTT.

Players show two lines at most, so a long sentence becomes several cues in a row, its time shared
out by length, each on one or two lines of about 42 characters.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass

from homevoice.formats.transcript import timestamp

LINE_CHARS = 42
_LINES_PER_CUE = 2
_ARROW = re.compile(r"-{2,}>")


@dataclass(frozen=True)
class Cue:
    start: float
    """Seconds from the start of the file."""
    end: float
    text: str


def to_srt(cues: Sequence[Cue]) -> str:
    """SubRip: numbered cues, ``HH:MM:SS,mmm`` times, a blank line after each."""
    blocks = [
        f"{number}\n{timestamp(cue.start, ',')} --> {timestamp(cue.end, ',')}\n{cue.text}\n"
        for number, cue in enumerate(_displayed(cues), start=1)
    ]
    return "\n".join(blocks)


def to_vtt(cues: Sequence[Cue]) -> str:
    """WebVTT: a ``WEBVTT`` header, ``HH:MM:SS.mmm`` times, ``&``, ``<`` and ``>`` escaped."""
    blocks = [
        f"{timestamp(cue.start, '.')} --> {timestamp(cue.end, '.')}\n{_vtt_escape(cue.text)}\n"
        for cue in _displayed(cues)
    ]
    return "\n".join(["WEBVTT\n", *blocks])


def _displayed(cues: Sequence[Cue]) -> list[Cue]:
    """Cues as shown: clean text, long ones split in time, each wrapped to at most two lines."""
    shown: list[Cue] = []
    for cue in cues:
        text = _clean(cue.text)
        if not text:
            continue
        pieces = _pieces(text)
        total = sum(len(piece) for piece in pieces)
        start = cue.start
        span = max(0.0, cue.end - cue.start)
        for index, piece in enumerate(pieces):
            end = cue.end if index == len(pieces) - 1 else start + span * len(piece) / total
            shown.append(Cue(start, end, "\n".join(_wrap(piece, _balanced_width(piece)))))
            start = end
    return shown


def _clean(text: str) -> str:
    # A blank line ends a cue in both formats, and "-->" would be read as timing: one line of words.
    return " ".join(_ARROW.sub("->", text).split())


def _pieces(text: str) -> list[str]:
    """Split into runs of words that fit on two lines, as evenly sized as the words allow."""
    lines = _wrap(text, LINE_CHARS)
    count = -(-len(lines) // _LINES_PER_CUE)
    if count == 1:
        return [text]
    words = text.split()
    target = len(text) / count
    pieces: list[str] = []
    current: list[str] = []
    for word in words:
        candidate = " ".join([*current, word])
        if current and (len(candidate) > target * 1.15 or len(_wrap(candidate, LINE_CHARS)) > _LINES_PER_CUE):
            pieces.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    pieces.append(" ".join(current))
    return pieces


def _balanced_width(text: str) -> int:
    """The width that splits two lines' worth of text near its middle rather than after 42 characters."""
    if len(text) <= LINE_CHARS:
        return LINE_CHARS
    half = -(-len(text) // _LINES_PER_CUE)
    for width in range(half, LINE_CHARS + 1):
        if len(_wrap(text, width)) <= _LINES_PER_CUE:
            return width
    return LINE_CHARS


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [text]


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
