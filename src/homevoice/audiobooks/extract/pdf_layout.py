"""Lines of a PDF's text layer with their position, and how they form paragraphs.

A PDF has no paragraphs, only lines drawn at positions. Paragraph ends are inferred from what a
reader sees: a wider gap before the next line, a change of font size, an indented first line,
or a short line that ends a sentence. Running headers, footers and page numbers are furniture
of the printed page and are removed before that.
"""

from __future__ import annotations

import itertools
import math
import re
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

from pypdf import PageObject

from homevoice.audiobooks.extract.common import collapse, is_chapter_heading

EDGE_LINES: Final = 2
"""Lines at the top and at the bottom of a page that may be a running header, footer or page number."""
_PAGE_NUMBER: Final = re.compile(
    r"^[-–—\s]*(?:(?:page|p\.|pg\.?|стр\.?|страница|с\.)\s*)?(?:\d{1,4}|[ivxlcdm]{1,7})"
    r"(?:\s*(?:of|/|из)\s*\d{1,4})?[-–—\s]*$",
    re.IGNORECASE,
)
_LOWER_ROMAN: Final = re.compile(r"^[ivxlcdm]+$")
_DIGITS: Final = re.compile(r"\d+")
_SENTENCE_END: Final = re.compile(r"""[.!?…:;]["'”»)\]]*$""")
# A word broken at the line end: a letter, then a hyphen (not a dash, not "--").
_BROKEN_WORD: Final = re.compile(r"(?<=[^\W\d_])-$")
_LIGATURES: Final = str.maketrans(
    {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "st", "ﬆ": "st"}
)
_SHORT_LINE: Final = 0.7
_WIDE_GAP: Final = 1.3


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    x: float | None = None
    y: float | None = None
    size: float = 0.0
    """Effective font size in points; 0 when unknown."""
    page_width: float = 0.0


def _placement(cm: Sequence[float], tm: Sequence[float], size: float) -> tuple[float, float, float]:
    """Where text starts on the page and how big it is, from the text and transformation matrices."""
    x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
    y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
    a, b = tm[0] * cm[0] + tm[1] * cm[2], tm[0] * cm[1] + tm[1] * cm[3]
    c, d = tm[2] * cm[0] + tm[3] * cm[2], tm[2] * cm[1] + tm[3] * cm[3]
    return x, y, size * math.sqrt(abs(a * d - b * c))


def page_lines(page: PageObject, number: int) -> list[Line]:
    """The page's text lines in content order, with positions when the text runs can be placed."""
    runs: list[tuple[str, tuple[float, float, float] | None]] = []

    def visit(text: Any, cm: Any, tm: Any, font: Any, size: Any) -> None:
        placed = None
        if isinstance(text, str) and text.strip():
            try:
                placed = _placement(cm, tm, float(size))
            except (TypeError, ValueError, IndexError):
                placed = None  # odd matrices only cost the layout hints, never the text
        runs.append((str(text), placed))

    text = page.extract_text(visitor_text=visit).translate(_LIGATURES)
    try:
        width = float(page.mediabox.width)
    except (TypeError, ValueError, KeyError):
        width = 0.0
    if "".join(run for run, _ in runs).translate(_LIGATURES) != text:
        return [Line(collapse(line), number) for line in text.split("\n")]
    lines: list[Line] = []
    current: list[str] = []
    where: tuple[float, float, float] | None = None
    for run, placed in runs:
        pieces = run.translate(_LIGATURES).split("\n")
        for index, piece in enumerate(pieces):
            if index:
                lines.append(_line(current, number, where, width))
                current, where = [], None
            if where is None and piece.strip() and index == 0:
                where = placed
            current.append(piece)
    lines.append(_line(current, number, where, width))
    return lines


def _line(pieces: list[str], page: int, where: tuple[float, float, float] | None, width: float) -> Line:
    text = collapse("".join(pieces))
    if where is None:
        return Line(text, page)
    return Line(text, page, where[0], where[1], where[2], width)


def is_page_number(text: str) -> bool:
    """ "12", "- 12 -", "Page 12 of 30", "Стр. 12", "xiv"; an upper-case "IV" may be a chapter heading."""
    stripped = text.strip(" -–—")
    if _PAGE_NUMBER.match(text) is None:
        return False
    return not stripped.isalpha() or _LOWER_ROMAN.match(stripped) is not None


def _edges(lines: list[Line]) -> list[int]:
    filled = [i for i, line in enumerate(lines) if line.text]
    return sorted(set(filled[:EDGE_LINES] + filled[-EDGE_LINES:]))


def _keys(text: str) -> tuple[str, str]:
    """The line as compared across pages: exactly, and with its numbers masked (headers with page numbers)."""
    exact = text.casefold()
    # A chapter heading differs from the next only by its number; masking it would remove every heading.
    return exact, exact if is_chapter_heading(text) else _DIGITS.sub("#", exact)


def strip_furniture(pages: list[list[Line]]) -> list[list[Line]]:
    """Pages without running headers/footers (on at least half of 3+ pages) and page-number lines."""
    repeated: set[str] = set()
    if len(pages) >= 3:
        top: Counter[str] = Counter()
        bottom: Counter[str] = Counter()
        for lines in pages:
            filled = [line for line in lines if line.text]
            top.update({key for line in filled[:EDGE_LINES] for key in _keys(line.text)})
            bottom.update({key for line in filled[-EDGE_LINES:] for key in _keys(line.text)})
        repeated = {key for count in (top, bottom) for key, n in count.items() if 2 * n >= len(pages)}
    cleaned: list[list[Line]] = []
    for lines in pages:
        edges = set(_edges(lines))
        cleaned.append(
            [
                line
                for i, line in enumerate(lines)
                if i not in edges or not (is_page_number(line.text) or repeated & set(_keys(line.text)))
            ]
        )
    return cleaned


def typical_length(lines: Sequence[Line]) -> int:
    """The length of a full body line: most lines in a book run to the right margin."""
    lengths = sorted(len(line.text) for line in lines if line.text)
    return lengths[int(len(lengths) * 0.8)] if lengths else 0


def _short(line: Line, typical: int, margin: float | None) -> bool:
    """Much shorter than a full line. With few lines to learn from, the page width tells what full is."""
    full = float(typical)
    if line.size > 0 and line.page_width > 0 and margin is not None:
        # Half an em per character is narrow for text fonts, so a full line is never taken for short.
        full = max(full, (line.page_width - 2 * margin) / (0.5 * line.size))
    return len(line.text) < full * _SHORT_LINE


def _pitch(lines: Sequence[Line]) -> float | None:
    """The usual distance between consecutive lines of one paragraph."""
    gaps = [
        a.y - b.y
        for a, b in itertools.pairwise(lines)
        if a.page == b.page
        and a.y is not None
        and b.y is not None
        and abs(a.size - b.size) < 0.5
        and a.y > b.y
    ]
    return statistics.median(gaps) if gaps else None


def _margins(lines: Sequence[Line]) -> dict[int, float]:
    """Each page's left margin: where most lines start."""
    starts: dict[int, Counter[int]] = {}
    for line in lines:
        if line.x is not None and line.text:
            starts.setdefault(line.page, Counter())[round(line.x)] += 1
    return {page: float(counter.most_common(1)[0][0]) for page, counter in starts.items()}


def _page_bottom(lines: Sequence[Line]) -> float | None:
    """Where a full page's last line sits: low among the pages (chapter ends stop higher), not the lowest."""
    last: dict[int, float] = {}
    for line in lines:
        if line.y is not None and line.text:
            last[line.page] = line.y
    ends = sorted(last.values())
    return ends[len(ends) // 4] if len(ends) >= 3 else None


def paragraph_starts(lines: Sequence[Line], alone: set[int] | None = None) -> list[bool]:
    """For each line, whether a new paragraph starts there; ``alone`` lines (headings) are paragraphs alone."""
    alone = alone or set()
    typical = typical_length(lines)
    pitch = _pitch(lines)
    margins = _margins(lines)
    bottom = _page_bottom(lines)

    def at_margin(i: int) -> bool:
        line = lines[i]
        margin = margins.get(line.page)
        return line.x is None or margin is None or abs(line.x - margin) < max(line.size, 6.0) * 0.5

    starts = [True] * len(lines)
    for i in range(1, len(lines)):
        prev, line = lines[i - 1], lines[i]
        same_page = prev.page == line.page
        gap = prev.y - line.y if same_page and prev.y is not None and line.y is not None else None
        following_at_margin = i + 1 < len(lines) and lines[i + 1].page == line.page and at_margin(i + 1)
        starts[i] = (
            not prev.text
            or not line.text
            or i in alone
            or i - 1 in alone
            or (prev.size > 0 and line.size > 0 and abs(prev.size - line.size) >= 1.0)
            or (gap is not None and pitch is not None and gap > pitch * _WIDE_GAP)
            or (not same_page and _ends_early(prev, bottom, pitch))
            or (not at_margin(i) and following_at_margin and (at_margin(i - 1) or not same_page))
            or (_SENTENCE_END.search(prev.text) is not None and _short(prev, typical, margins.get(prev.page)))
        )
    return starts


def _ends_early(line: Line, bottom: float | None, pitch: float | None) -> bool:
    """The page stopped a line or more above a full page's, after a sentence: the paragraph ended there.

    Without the sentence end, a page cut short by a figure or widow control would split a sentence.
    """
    if line.y is None or bottom is None or pitch is None:
        return False
    return line.y - bottom > pitch * 0.8 and _SENTENCE_END.search(line.text) is not None


def join_lines(texts: Sequence[str]) -> str:
    """Lines of one paragraph as one line, words broken at a line end ("exam-" + "ple") made whole."""
    pieces: list[str] = []
    for text in texts:
        if not pieces:
            pieces.append(text)
        elif pieces[-1].endswith("\u00ad") or (_BROKEN_WORD.search(pieces[-1]) and text[:1].islower()):
            pieces[-1] = pieces[-1][:-1] + text  # the hyphen goes, the halves meet
        else:
            pieces.append(text)
    return " ".join(pieces).replace("\u00ad", "")


def paragraphs(lines: Sequence[Line], starts: Sequence[bool]) -> list[str]:
    """The lines grouped into paragraphs at ``starts`` (from :func:`paragraph_starts`), each one line."""
    groups: list[list[str]] = []
    for line, start in zip(lines, starts, strict=True):
        if not line.text:
            continue
        if start or not groups:
            groups.append([])
        groups[-1].append(line.text)
    return [join_lines(group) for group in groups]
