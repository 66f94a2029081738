"""A document as the audiobook pipeline sees it: a title, an author, a cover, and chapters of text.

Every input format (PDF, EPUB, Markdown, a vault folder, plain text) is turned into this shape; the
rest of the pipeline never looks at the source file again.
"""

from __future__ import annotations

from dataclasses import dataclass

from homevoice.errors import HomevoiceError


class DocumentError(HomevoiceError):
    """The document cannot be read aloud: unknown format, no text layer, broken file, nothing to say."""

    code = "invalid_document"


@dataclass(frozen=True)
class Cover:
    data: bytes
    media_type: str
    """``image/jpeg`` or ``image/png``."""


@dataclass(frozen=True)
class Chapter:
    title: str
    text: str
    """Plain text: paragraphs separated by blank lines, no markup, hyphenation already joined."""


@dataclass(frozen=True)
class Document:
    title: str
    author: str
    chapters: tuple[Chapter, ...]
    cover: Cover | None = None
    language: str | None = None
    """ISO-639-1 code when the source declares it (EPUB ``dc:language``); None otherwise."""

    def select(self, numbers: list[int]) -> Document:
        """Only the chapters with these 1-based numbers, in the document's order."""
        wanted = set(numbers)
        missing = sorted(n for n in wanted if not 1 <= n <= len(self.chapters))
        if missing:
            raise DocumentError(
                f"The document has {len(self.chapters)} chapter(s); there is no chapter {missing[0]}.",
                code="invalid_chapters",
            )
        chosen = tuple(c for i, c in enumerate(self.chapters, start=1) if i in wanted)
        return Document(self.title, self.author, chosen, self.cover, self.language)


def parse_chapter_range(spec: str) -> list[int]:
    """``"1-3,5"`` as ``[1, 2, 3, 5]``; a clear error for anything else."""
    numbers: list[int] = []
    for part in spec.replace(" ", "").split(","):
        if not part:
            continue
        first, dash, last = part.partition("-")
        try:
            start = int(first)
            end = int(last) if dash else start
        except ValueError:
            raise DocumentError(
                f"Cannot read the chapter range {spec!r}; write it like 1-3 or 2,4-6.",
                code="invalid_chapters",
            ) from None
        if start < 1 or end < start:
            raise DocumentError(
                f"Cannot read the chapter range {spec!r}; chapters count from 1, ranges go up.",
                code="invalid_chapters",
            )
        numbers.extend(range(start, end + 1))
    if not numbers:
        raise DocumentError(
            "The chapter range is empty; write it like 1-3 or 2,4-6.", code="invalid_chapters"
        )
    return sorted(set(numbers))
