"""What the index holds and what a search returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from homevoice.errors import HomevoiceError


class KnowledgeError(HomevoiceError):
    """Search or answers failed: ``empty_query``, ``llm_not_configured``, ``index_unavailable``."""

    code = "index_unavailable"


class SearchMode(StrEnum):
    HYBRID = "hybrid"
    """The product's ranking: meanings (vectors) and words (stemmed keywords) fused."""
    VECTOR = "vector"
    KEYWORD = "keyword"


@dataclass(frozen=True)
class Chunk:
    """One indexed passage of a note (under one heading) or of a PDF (one page or part of it)."""

    path: str
    """The source's path relative to the vault, POSIX separators (``Inbox/2026-01-02 Walk.md``)."""
    ordinal: int
    """Position of the passage within its source, from 0."""
    title: str
    """The note's title (its ``title`` property, else its file name without ``.md``) or the PDF's."""
    heading: str | None
    """The innermost heading the passage sits under, as written (no ``#``); None before any heading."""
    page: int | None
    """For PDFs: the 1-based page the passage starts on."""
    text: str
    """The passage as plain text (markup stripped), as shown to people and to the LLM."""


@dataclass(frozen=True)
class Passage:
    """One search result."""

    path: str
    title: str
    heading: str | None
    page: int | None
    text: str
    score: float
    """Higher is better; comparable only within one result list."""
    vector_rank: int | None = None
    """1-based rank in the vector list, None when not in it (for debugging and the benchmark)."""
    keyword_rank: int | None = None

    @property
    def link(self) -> str:
        """An Obsidian wikilink: ``[[Folder/Note#Heading]]``, or ``[[file.pdf#page=3]]`` for PDFs."""
        target = self.path[:-3] if self.path.lower().endswith(".md") else self.path
        if self.page is not None:
            return f"[[{target}#page={self.page}]]"
        if self.heading:
            return f"[[{target}#{_link_safe(self.heading)}]]"
        return f"[[{target}]]"


def _link_safe(heading: str) -> str:
    # Obsidian cannot link to headings containing these; it drops them from the link.
    return "".join(ch for ch in heading if ch not in "[]|#^").strip()


@dataclass(frozen=True)
class IndexReport:
    """What one refresh of the index did."""

    added: int = 0
    """Sources new to the index."""
    updated: int = 0
    """Sources whose content changed."""
    removed: int = 0
    """Sources gone from the vault (or now excluded)."""
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    """Sources that could not be read (path: reason); the rest of the index is still refreshed."""
    chunks: int = 0
    """Passages in the index after the refresh."""
    embedded: int = 0
    """Passages embedded in this refresh."""
    seconds: float = 0.0


IndexProgress = Callable[[int, int], None]
"""Called as ``progress(done, total)`` with sources processed so far."""


@dataclass(frozen=True)
class Answer:
    """The LLM's answer to a question, and the passages it was given, as citations."""

    text: str
    citations: list[Passage]
    model: str
