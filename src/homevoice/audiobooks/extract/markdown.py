"""A Markdown file as chapters by its top headings, and a vault folder as one chapter per note."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

from homevoice.audiobooks.document import Document, DocumentError
from homevoice.audiobooks.extract.common import (
    collapse,
    decode_text,
    display_name,
    drop_title_line,
    finish,
    join_paragraphs,
    language_code,
    speakable,
)
from homevoice.vault.frontmatter import parse_note
from homevoice.vault.markdown_text import Block, markdown_blocks
from homevoice.vault.walk import vault_files

MAX_VAULT_BYTES: Final = 64 * 1024 * 1024
"""Notes read from one folder at most: far more than any book, far less than a stray home directory."""
_NOTE_SUFFIXES: Final = frozenset({".md", ".markdown"})
_SKIPPED_FOLDERS: Final = frozenset({"templates"})


def _field(fields: dict[str, Any], *names: str) -> str:
    """The first of these frontmatter fields that holds text; a list of names is joined with commas."""
    for name in names:
        value = fields.get(name)
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value if isinstance(item, str | int))
        if isinstance(value, str) and value.strip():
            return collapse(value)
    return ""


def _paragraphs(blocks: list[Block]) -> str:
    return join_paragraphs(block.text for block in blocks)


def _book_title(fields: dict[str, Any], blocks: list[Block], fallback: str) -> tuple[str, list[Block]]:
    """Frontmatter title, else a lone top heading that opens the file (it names the book, not a chapter)."""
    title = _field(fields, "title")
    top = min((b.level for b in blocks if b.level), default=0)
    opening = blocks[0] if blocks and top and blocks[0].level == top else None
    if opening is not None and sum(1 for b in blocks if b.level == top) == 1:
        return title or opening.text, blocks[1:]
    return title or fallback, blocks


def load_markdown(data: bytes, filename: str) -> Document:
    """Chapters at the highest heading level present; text before the first heading is a chapter too."""
    fields, body = parse_note(decode_text(data))
    title, blocks = _book_title(fields, markdown_blocks(body), display_name(filename))
    top = min((b.level for b in blocks if b.level), default=0)
    chapters: list[tuple[str, list[Block]]] = [(title, [])]
    for block in blocks:
        if top and block.level == top:
            chapters.append((block.text, []))
        else:
            chapters[-1][1].append(block)
    language = language_code(_field(fields, "lang", "language"))
    author = _field(fields, "author", "authors")
    return finish(title, author, [(name, _paragraphs(part)) for name, part in chapters], language=language)


def _templates(relative: str) -> bool:
    return relative.rsplit("/", 1)[-1].casefold() in _SKIPPED_FOLDERS


def vault_notes(folder: Path) -> Iterator[Path]:
    """Notes in reading order (by path), without settings, trash, templates, hidden files or sync conflicts."""
    yield from vault_files(folder, _NOTE_SUFFIXES, skip_folder=_templates)


def load_vault(folder: Path) -> Document:
    """One chapter per note, titled by its frontmatter ``title`` or its file name."""
    chapters: list[tuple[str, str]] = []
    total = 0
    for path in vault_notes(folder):
        try:
            data = path.read_bytes()
        except OSError as err:
            raise DocumentError(
                f"Cannot read the note {path.name}: {err.strerror or err}. Check its permissions.",
                code="invalid_document",
            ) from None
        total += len(data)
        if total > MAX_VAULT_BYTES:
            raise DocumentError(
                f"The folder holds more than {MAX_VAULT_BYTES // (1024 * 1024)} MB of notes; "
                "choose a smaller folder inside it.",
                code="document_too_large",
            )
        fields, body = parse_note(decode_text(data))
        name = _field(fields, "title") or path.stem
        text = drop_title_line(name, _paragraphs(markdown_blocks(body)))
        if speakable(text):
            chapters.append((name, text))
    if not chapters:
        raise DocumentError(
            f"The folder {folder.name or folder} has no notes with text (*.md); choose a vault folder with notes.",
            code="empty_document",
        )
    return finish(folder.resolve().name or "Notes", "", chapters)
