"""Text shapes every format shares: paragraphs, chapter headings, the finished document."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Final

from homevoice.audiobooks.document import Chapter, Cover, Document, DocumentError

_NUMBER_WORDS: Final = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    "sixteen|seventeen|eighteen|nineteen|twenty|"
    "первая|вторая|третья|четвертая|четвёртая|пятая|шестая|седьмая|восьмая|девятая|десятая"
)
# "Chapter 12", "CHAPTER XII: The Sea", "Глава 3. Дорога", "Part One"; short, and never ends like a clause.
CHAPTER_HEADING: Final = re.compile(
    rf"^(?:chapter|part|глава|часть)\s+(?:\d{{1,4}}|[ivxlcdm]{{1,8}}|{_NUMBER_WORDS})\b"
    # A title follows after punctuation, or directly when it starts with a capital ("Chapter 2 was" is prose).
    r"(?:\s*[.:—–-]\s*\S.*|\s+(?-i:(?![a-zа-яё]))\S.*)?(?<![,;])$",
    re.IGNORECASE,
)
_HEADING_MAX_CHARS: Final = 100
_SPACES: Final = re.compile(r"\s+")
_SPEAKABLE: Final = re.compile(r"\w", re.UNICODE)


def collapse(text: str) -> str:
    """One line, single spaces."""
    return _SPACES.sub(" ", text).strip()


def same_text(a: str, b: str) -> bool:
    """Equal once whitespace and case are ignored: how a heading line is matched to a title."""
    return collapse(a).casefold() == collapse(b).casefold()


def is_chapter_heading(line: str) -> bool:
    line = collapse(line)
    return 0 < len(line) <= _HEADING_MAX_CHARS and CHAPTER_HEADING.match(line) is not None


def speakable(text: str) -> bool:
    """Has at least one letter or digit; punctuation and symbols alone say nothing."""
    return _SPEAKABLE.search(text) is not None


def join_paragraphs(paragraphs: Iterable[str]) -> str:
    """Paragraphs collapsed to one line each, separated by blank lines; empty ones dropped."""
    kept = (collapse(p) for p in paragraphs)
    return "\n\n".join(p for p in kept if p)


def text_paragraphs(text: str) -> list[str]:
    """Blank-line separated blocks of plain text, each joined into one line."""
    return [p for p in (collapse(block) for block in re.split(r"\n[ \t\r\f\v]*\n", text)) if p]


def drop_title_line(title: str, text: str) -> str:
    """The chapter text without its first paragraph when that only repeats the chapter title."""
    first, _, rest = text.partition("\n\n")
    return rest if same_text(first, title) else text


def split_at_headings(paragraphs: Sequence[str]) -> list[tuple[str | None, list[str]]]:
    """Paragraphs grouped under "Chapter N" / "Глава N" heading paragraphs; the first group may be untitled."""
    groups: list[tuple[str | None, list[str]]] = [(None, [])]
    for paragraph in paragraphs:
        if is_chapter_heading(paragraph):
            groups.append((collapse(paragraph), []))
        else:
            groups[-1][1].append(paragraph)
    if not groups[0][1]:
        groups.pop(0)
    return groups


def display_name(filename: str) -> str:
    """A readable title from a file name: no folders, no suffix, separators as spaces."""
    base = re.split(r"[\\/]", filename)[-1]
    stem = base.rsplit(".", 1)[0] if "." in base.lstrip(".") else base
    return collapse(stem.replace("_", " ")) or "Untitled"


_THREE_LETTER: Final = {
    "eng": "en", "rus": "ru", "ukr": "uk", "bel": "be", "deu": "de", "ger": "de", "fra": "fr", "fre": "fr",
    "spa": "es", "ita": "it", "por": "pt", "pol": "pl", "nld": "nl", "dut": "nl", "ces": "cs", "cze": "cs",
}  # fmt: skip


def language_code(tag: str) -> str | None:
    """``en-US`` or ``eng`` as ``en``; None when the tag names no language this can map."""
    primary = re.split(r"[-_\s]", tag.strip().lower(), maxsplit=1)[0]
    if len(primary) == 2 and primary.isascii() and primary.isalpha():
        return primary
    return _THREE_LETTER.get(primary)


def decode_text(data: bytes) -> str:
    """UTF-8 (a BOM is dropped), else Windows-1251 (old Russian texts), else Latin-1."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    for encoding in ("utf-8", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def finish(
    title: str,
    author: str,
    chapters: Iterable[tuple[str, str]],
    *,
    cover: Cover | None = None,
    language: str | None = None,
) -> Document:
    """The document with its silent chapters dropped; none left means there is nothing to read."""
    kept = tuple(
        Chapter(collapse(name) or f"Chapter {number}", text)
        for number, (name, text) in enumerate(chapters, start=1)
        if speakable(text)
    )
    if not kept:
        raise DocumentError(
            "The document has no text to read aloud; check that it is not empty or made of images only.",
            code="empty_document",
        )
    return Document(collapse(title) or "Untitled", collapse(author), kept, cover, language)
