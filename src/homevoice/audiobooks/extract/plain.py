"""Plain text files: paragraphs at blank lines, chapters at "Chapter N" / "Глава N" lines."""

from __future__ import annotations

from homevoice.audiobooks.document import Document
from homevoice.audiobooks.extract.common import (
    decode_text,
    display_name,
    finish,
    is_chapter_heading,
    join_paragraphs,
    split_at_headings,
    text_paragraphs,
)


def _isolate_headings(text: str) -> str:
    """A heading line glued to its first paragraph (no blank line between) becomes its own paragraph."""
    lines = [f"\n{line}\n" if is_chapter_heading(line) else line for line in text.splitlines()]
    return "\n".join(lines)


def load_plain(data: bytes, filename: str) -> Document:
    """Plain text in UTF-8, Windows-1251 or Latin-1; titled after the file, chapters at heading lines."""
    title = display_name(filename)
    paragraphs = text_paragraphs(_isolate_headings(decode_text(data)))
    groups = split_at_headings(paragraphs)
    return finish(title, "", [(name or title, join_paragraphs(body)) for name, body in groups])
