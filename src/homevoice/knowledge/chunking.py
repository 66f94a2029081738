"""Notes as passages: one per heading's section, long sections cut at paragraph boundaries.

A passage keeps the heading it sits under, so a result can link straight to it and its meaning
is not lost when it is read alone. Frontmatter never becomes text; its ``title``, ``aliases`` and
``tags`` (with the note's inline ``#tags``) are the note's labels, which search weighs like its title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Final

from homevoice.knowledge.model import Chunk
from homevoice.vault.frontmatter import hashtags, parse_note
from homevoice.vault.markdown_text import markdown_blocks

_SENTENCE_END: Final = re.compile(r"(?<=[.!?…])\s+")


@dataclass(frozen=True)
class SourceText:
    """What one source contributes to the index."""

    title: str
    labels: list[str] = field(default_factory=list)
    """Aliases and tags: other names of the note, searched like its title."""
    chunks: list[Chunk] = field(default_factory=list)


def decode_note(data: bytes) -> str:
    """Obsidian writes UTF-8; a BOM is dropped and a stray invalid byte must not lose the note."""
    return data.removeprefix(b"\xef\xbb\xbf").decode("utf-8", errors="replace")


def _strings(value: Any) -> list[str]:
    """A property that holds text or a list of text, as a list of non-empty strings."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if isinstance(item, str | int | float) and not isinstance(item, bool):
            text = " ".join(str(item).split())
            if text:
                out.append(text)
    return out


def _hard_split(text: str, limit: int) -> Iterator[str]:
    """At the last space before ``limit`` (a word longer than that is cut where it must be)."""
    while len(text) > limit:
        cut = text.rfind(" ", 0, limit + 1)
        cut = cut if cut > limit // 2 else limit
        yield text[:cut].rstrip()
        text = text[cut:].lstrip()
    if text:
        yield text


def _pieces(paragraph: str, limit: int) -> Iterator[str]:
    """A paragraph in parts no longer than ``limit``: whole sentences where they fit."""
    if len(paragraph) <= limit:
        yield paragraph
        return
    for sentence in _SENTENCE_END.split(paragraph):
        yield from _hard_split(sentence, limit)


def pack(paragraphs: Iterable[str], limit: int) -> list[str]:
    """Paragraphs joined by blank lines into passages of at most ``limit`` characters, in order;
    a paragraph only starts a new passage when the current one has no room for it."""
    passages: list[str] = []
    current = ""
    for paragraph in paragraphs:
        for piece in _pieces(paragraph, limit):
            if current and len(current) + 2 + len(piece) > limit:
                passages.append(current)
                current = ""
            current = f"{current}\n\n{piece}" if current else piece
    if current:
        passages.append(current)
    return passages


def _sections(body: str, title: str) -> list[tuple[str | None, list[str]]]:
    sections: list[tuple[str | None, list[str]]] = [(None, [])]
    for index, block in enumerate(markdown_blocks(body, keep_code=True)):
        if block.level:
            if index == 0 and block.text.casefold() == title.casefold():
                continue  # "# Title" opening a note titled so adds nothing and would make every link longer
            sections.append((block.text, []))
        else:
            sections[-1][1].append(block.text)
    return [(heading, paragraphs) for heading, paragraphs in sections if paragraphs]


def chunk_note(path: str, text: str, chunk_chars: int) -> SourceText:
    """The passages of a Markdown note at vault path ``path``."""
    fields, body = parse_note(text)
    stem = path.rsplit("/", 1)[-1]
    stem = stem[:-3] if stem.lower().endswith(".md") else stem
    titles = _strings(fields.get("title"))
    title = titles[0] if titles else stem
    labels = [*_strings(fields.get("aliases")), *_strings(fields.get("alias"))]
    labels += [tag.lstrip("#") for tag in _strings(fields.get("tags")) + _strings(fields.get("tag"))]
    labels += hashtags(body)
    if title != stem:
        labels.append(stem)  # the file name is how the owner links to it
    chunks: list[Chunk] = []
    for heading, paragraphs in _sections(body, title):
        for passage in pack(paragraphs, chunk_chars):
            chunks.append(Chunk(path, len(chunks), title, heading, None, passage))
    return SourceText(title, list(dict.fromkeys(label for label in labels if label)), chunks)
