"""PDF books through their text layer: chapters from the outline, else from heading lines."""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, FileNotDecryptedError
from pypdf.generic import Destination

from homevoice.audiobooks.document import Document, DocumentError
from homevoice.audiobooks.extract.common import (
    collapse,
    display_name,
    drop_title_line,
    finish,
    is_chapter_heading,
    join_paragraphs,
    same_text,
)
from homevoice.audiobooks.extract.pdf_layout import (
    EDGE_LINES,
    Line,
    page_lines,
    paragraph_starts,
    paragraphs,
    strip_furniture,
    typical_length,
)

log = logging.getLogger(__name__)

MIN_CHARS_PER_PAGE: Final = 10
"""Fewer letters and digits than this per page on average means the pages are pictures of text."""
_NUMBERED_HEADING: Final = re.compile(r"^(\d{1,3})[.)]?\s+(\S.{0,78})$")
# "Chapter 1: The Storm ...... 5": a line of a printed table of contents.
_CONTENTS_ENTRY: Final = re.compile(r"^\S+\s+\S+.*?\S(?:\s*\.{2,}\s*|\s*…+\s*|\s+)\d{1,4}$")
_CLAUSE_END: Final = re.compile(r"[.,;:!?]$")
_GENERATED_TITLE: Final = re.compile(
    r"^(?:untitled.*|.*\.(?:docx?|odt|rtf|pdf|tex|indd|pages))$", re.IGNORECASE
)


@dataclass(frozen=True)
class Cut:
    """A chapter starts at ``index`` in the book's lines; its title takes ``title_lines`` lines there."""

    index: int
    title: str
    title_lines: int


def _open(data: bytes) -> PdfReader:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise DocumentError(
                "The PDF is password-protected; save a copy without a password and try again.",
                code="encrypted_document",
            )
        _ = len(reader.pages)
    except DocumentError:
        raise
    except (DependencyError, FileNotDecryptedError):
        raise DocumentError(
            "The PDF is encrypted in a way this server cannot open (AES needs the 'cryptography' package); "
            "save a copy without protection and try again.",
            code="encrypted_document",
        ) from None
    except Exception as err:
        # pypdf reports damage with many exception types; a broken upload must never crash the server.
        raise DocumentError(
            f"The PDF file is damaged and cannot be read ({type(err).__name__}); export or download it again.",
            code="invalid_document",
        ) from None
    return reader


def _read_pages(reader: PdfReader) -> list[list[Line]]:
    pages: list[list[Line]] = []
    for number, page in enumerate(reader.pages):
        try:
            pages.append(page_lines(page, number))
        except Exception as err:
            # One broken page costs its own text, not the whole book.
            log.warning("Skipping the text of PDF page %d: %s", number + 1, type(err).__name__)
            pages.append([])
    return pages


@dataclass(frozen=True)
class Bookmark:
    title: str
    page: int
    top: float | None
    """Where on the page the bookmark points (PDF units from the bottom), when it says."""


def _top_outline(reader: PdfReader) -> list[Bookmark]:
    """Top-level bookmarks; a lone top entry that wraps all the others is descended into."""
    try:
        level: Sequence[object] = reader.outline
        while True:
            entries = [item for item in level if isinstance(item, Destination)]
            children = next((item for item in level if isinstance(item, list)), None)
            if len(entries) == 1 and children:
                level = children
                continue
            break
        found: list[Bookmark] = []
        for entry in entries:
            page = reader.get_destination_page_number(entry)
            title = collapse(str(entry.title or ""))
            top = float(entry.top) if entry.top is not None else None
            if title and page is not None and 0 <= page < len(reader.pages):
                found.append(Bookmark(title, page, top))
        return found
    except Exception as err:
        log.info("Ignoring a broken PDF outline: %s", type(err).__name__)
        return []


def _outline_cut(bookmark: Bookmark, lines: Sequence[Line]) -> Cut:
    """At the line equal to the title on the bookmark's page, else where it points, else the page's top."""
    on_page = [i for i, line in enumerate(lines) if line.page == bookmark.page]
    for i in on_page:
        if same_text(lines[i].text, bookmark.title):
            return Cut(i, bookmark.title, 1)
        following = lines[i + 1] if i + 1 < len(lines) else None
        wrapped = following is not None and following.page == bookmark.page
        if wrapped and same_text(f"{lines[i].text} {lines[i + 1].text}", bookmark.title):
            return Cut(i, bookmark.title, 2)  # a long title wrapped over two lines
    if bookmark.top is not None:
        top = bookmark.top
        below = [i for i in on_page if (y := lines[i].y) is not None and y <= top + 1.0]  # baselines below it
        if below:
            return Cut(below[0], bookmark.title, 0)
    if on_page:
        return Cut(on_page[0], bookmark.title, 0)
    after = next((i for i, line in enumerate(lines) if line.page > bookmark.page), len(lines))
    return Cut(after, bookmark.title, 0)


def _outline_cuts(outline: list[Bookmark], lines: Sequence[Line]) -> list[Cut]:
    return sorted((_outline_cut(bookmark, lines) for bookmark in outline), key=lambda c: c.index)


def _is_contents_entry(text: str) -> bool:
    return is_chapter_heading(text) and _CONTENTS_ENTRY.match(text) is not None


def _heading_cuts(lines: Sequence[Line]) -> list[Cut]:
    """ "Chapter N" / "Глава N" lines, else numbered headings counting 1, 2, 3… Both shorter than body lines.

    A heading seen again later is a running header, so only its first appearance starts a chapter.
    """
    short = typical_length(lines) * 0.8
    named: dict[str, Cut] = {}
    for i, line in enumerate(lines):
        if is_chapter_heading(line.text) and len(line.text) <= short:
            named.setdefault(line.text.casefold(), Cut(i, line.text, 1))
    if named:
        return list(named.values())
    numbered: list[Cut] = []
    for i, line in enumerate(lines):
        match = _NUMBERED_HEADING.match(line.text)
        if (
            match
            and len(line.text) <= short
            and match.group(2)[0].isupper()
            and not _CLAUSE_END.search(line.text)
            and int(match.group(1)) == len(numbered) + 1
        ):
            numbered.append(Cut(i, line.text, 1))
    return numbered if len(numbered) >= 2 else []


def _without_running_titles(lines: list[Line], cuts: list[Cut]) -> tuple[list[Line], list[Cut]]:
    """Lines without a chapter's title repeated at the top or bottom of its later pages; cuts re-indexed."""
    if not cuts:
        return lines, cuts
    edges: set[int] = set()
    for page in dict.fromkeys(line.page for line in lines):
        filled = [i for i, line in enumerate(lines) if line.page == page and line.text]
        edges.update(filled[:EDGE_LINES] + filled[-EDGE_LINES:])
    dropped: set[int] = set()
    for cut, following in zip(cuts, [*cuts[1:], None], strict=True):
        end = following.index if following is not None else len(lines)
        first = cut.index + cut.title_lines
        dropped.update(i for i in range(first, end) if i in edges and same_text(lines[i].text, cut.title))
    if not dropped:
        return lines, cuts
    position = {old: new for new, old in enumerate(i for i in range(len(lines)) if i not in dropped)}
    kept = [line for i, line in enumerate(lines) if i not in dropped]
    return kept, [
        Cut(position[c.index] if c.index in position else len(kept), c.title, c.title_lines) for c in cuts
    ]


def _title(reader: PdfReader, lines: Sequence[Line], filename: str) -> tuple[str, str]:
    try:
        metadata = reader.metadata
        title = collapse(str(metadata.title or "")) if metadata else ""
        author = collapse(str(metadata.author or "")) if metadata else ""
    except Exception:
        title = author = ""
    if not title or _GENERATED_TITLE.match(title):
        # The first line names the book when it looks like a title, not like the start of the text.
        first = next((line.text for line in lines if line.text), "")
        title = first if 0 < len(first) <= 80 and not _CLAUSE_END.search(first) else display_name(filename)
    return title, author


def load_pdf(data: bytes, filename: str) -> Document:
    reader = _open(data)
    pages = _read_pages(reader)
    if not pages:
        raise DocumentError("The PDF has no pages.", code="empty_document")
    chars = sum(char.isalnum() for lines in pages for line in lines for char in line.text)
    if chars < MIN_CHARS_PER_PAGE * len(pages):
        raise DocumentError(
            "The PDF has no text layer (its pages look like scanned images); "
            "run it through OCR first (for example ocrmypdf) and try again.",
            code="no_text_layer",
        )
    # Entries of a printed table of contents would be read out as a list of titles and page numbers.
    lines = [line for page in strip_furniture(pages) for line in page if not _is_contents_entry(line.text)]
    title, author = _title(reader, lines, filename)
    cuts = _outline_cuts(_top_outline(reader), lines) or _heading_cuts(lines)
    lines, cuts = _without_running_titles(lines, cuts)
    headings = {cut.index + k for cut in cuts for k in range(cut.title_lines)}
    starts = paragraph_starts(lines, headings)
    chapters: list[tuple[str, str]] = []
    for cut, following in zip([Cut(0, title, 0), *cuts], [*cuts, None], strict=True):
        end = following.index if following is not None else len(lines)
        start = min(cut.index + cut.title_lines, end)
        text = join_paragraphs(paragraphs(lines[start:end], starts[start:end]))
        chapters.append((cut.title, drop_title_line(cut.title, text)))
    return finish(title, author, chapters)
