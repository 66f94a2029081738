"""Finished audiobooks on disk: one folder per book, its audio files and a ``book.json`` record.

A book is rendered into ``<id>.partial`` and renamed into place with its record written last, so a
render that dies half-way never shows up in the list, the API or the podcast feed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from homevoice.errors import HomevoiceError

RECORD_NAME = "book.json"
PARTIAL_SUFFIX = ".partial"
_BOOK_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


class BookNotFoundError(HomevoiceError):
    code = "audiobook_not_found"


@dataclass(frozen=True)
class BookFile:
    name: str
    """A plain file name inside the book's folder."""
    media_type: str
    bytes: int
    duration: float
    """Seconds of audio; 0 for subtitles and covers."""
    title: str
    """The chapter's title for a per-chapter file, the book's for a whole book."""
    kind: str = "audio"
    """``audio``, ``subtitles`` or ``cover``."""


@dataclass(frozen=True)
class ChapterMark:
    title: str
    start: float
    end: float


@dataclass(frozen=True)
class BookRecord:
    id: str
    title: str
    author: str
    language: str
    voice: str
    created_at: float
    """Unix seconds."""
    duration: float
    format: str
    """``m4b``, ``mp3`` or ``opus``."""
    files: tuple[BookFile, ...]
    chapters: tuple[ChapterMark, ...]
    source: str = ""
    """The input's file name, for the list; never a path on this machine."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def audio_files(self) -> tuple[BookFile, ...]:
        return tuple(f for f in self.files if f.kind == "audio")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @staticmethod
    def from_json(data: dict[str, Any]) -> BookRecord:
        return BookRecord(
            id=str(data["id"]),
            title=str(data["title"]),
            author=str(data.get("author", "")),
            language=str(data.get("language", "")),
            voice=str(data.get("voice", "")),
            created_at=float(data["created_at"]),
            duration=float(data["duration"]),
            format=str(data["format"]),
            files=tuple(BookFile(**f) for f in data.get("files", [])),
            chapters=tuple(ChapterMark(**c) for c in data.get("chapters", [])),
            source=str(data.get("source", "")),
            extra=dict(data.get("extra", {})),
        )


def check_book_id(book_id: str) -> str:
    if not _BOOK_ID.match(book_id):
        raise BookNotFoundError(f"There is no audiobook {book_id!r}.")
    return book_id


class AudiobookLibrary:
    def __init__(self, root: Path) -> None:
        self.root = root

    def staging_dir(self, book_id: str) -> Path:
        """An empty folder to render ``book_id`` into (a leftover of a killed render is cleared)."""
        path = self.root / f"{check_book_id(book_id)}{PARTIAL_SUFFIX}"
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def publish(self, record: BookRecord) -> BookRecord:
        """Move the staged folder into place and write its record last; replaces an older render."""
        staged = self.root / f"{check_book_id(record.id)}{PARTIAL_SUFFIX}"
        final = self.root / record.id
        _write_json(staged / RECORD_NAME, record.to_json())
        if final.exists():
            shutil.rmtree(final)
        staged.replace(final)
        return record

    def list(self) -> list[BookRecord]:
        """Finished books, newest first; a folder with a damaged record is skipped."""
        books: list[BookRecord] = []
        if not self.root.is_dir():
            return books
        for folder in self.root.iterdir():
            if folder.name.endswith(PARTIAL_SUFFIX) or not _BOOK_ID.match(folder.name):
                continue
            try:
                books.append(self._read(folder))
            except (OSError, ValueError, KeyError, TypeError):
                continue
        return sorted(books, key=lambda b: b.created_at, reverse=True)

    def get(self, book_id: str) -> BookRecord:
        folder = self.root / check_book_id(book_id)
        try:
            return self._read(folder)
        except FileNotFoundError:
            raise BookNotFoundError(f"There is no audiobook {book_id!r}; list them to find its id.") from None

    def file_path(self, book_id: str, name: str) -> tuple[BookRecord, BookFile, Path]:
        """A file of a book, only if its record lists it (so no name reaches outside the folder)."""
        record = self.get(book_id)
        for entry in record.files:
            if entry.name == name:
                return record, entry, self.root / record.id / entry.name
        raise BookNotFoundError(f"Audiobook {book_id!r} has no file {name!r}.")

    def delete(self, book_id: str) -> None:
        folder = self.root / check_book_id(book_id)
        if not (folder / RECORD_NAME).exists():
            raise BookNotFoundError(f"There is no audiobook {book_id!r}.")
        shutil.rmtree(folder)

    @staticmethod
    def _read(folder: Path) -> BookRecord:
        data = json.loads((folder / RECORD_NAME).read_text(encoding="utf-8"))
        return BookRecord.from_json(data)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".book-", suffix=".json")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False, indent=2)
            out.flush()
            os.fsync(out.fileno())
        Path(temp).replace(path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
