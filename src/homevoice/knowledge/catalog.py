"""The catalog in SQLite: which sources are indexed (and at which content), their passages, and
an FTS5 table of stemmed keywords over each passage's title, heading and text.

A source's hash is recorded only once its passages are in both stores, so a process killed in the
middle of a refresh leaves sources without a hash, which the next refresh indexes again.
One connection, used under the index's lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from homevoice.knowledge import keywords
from homevoice.knowledge.chunking import SourceText
from homevoice.knowledge.model import Chunk

SCHEMA_VERSION: Final = "2"
# Keywords keep "err-4411" and "v2.3" whole, so these join letters into one FTS5 token.
_TOKENIZER: Final = "unicode61 remove_diacritics 0 tokenchars '-./:_'"
_SCHEMA: Final = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sources(
    path TEXT PRIMARY KEY, sha256 TEXT, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
    kind TEXT NOT NULL, title TEXT NOT NULL DEFAULT '', labels TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS chunks(
    rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, path TEXT NOT NULL, ordinal INTEGER NOT NULL,
    title TEXT NOT NULL, heading TEXT, page INTEGER, text TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS chunks_by_path ON chunks(path, ordinal);
CREATE TABLE IF NOT EXISTS source_vectors(
    path TEXT NOT NULL, script TEXT NOT NULL, count INTEGER NOT NULL, total BLOB NOT NULL,
    PRIMARY KEY(path, script));
CREATE VIRTUAL TABLE IF NOT EXISTS terms USING fts5(title, heading, body, tokenize="{_TOKENIZER}");
CREATE VIRTUAL TABLE IF NOT EXISTS terms_vocab USING fts5vocab(terms, row);
"""
ScriptSums = Mapping[str, tuple[int, npt.NDArray[np.float64]]]
"""By script (``cyrillic``, ``latin``): how many passages, and the sum of their vectors."""
_IDS_PER_QUERY: Final = 500
_TABLES: Final = ("meta", "sources", "chunks", "source_vectors", "terms", "terms_vocab")


@dataclass(frozen=True)
class SourceRow:
    path: str
    sha256: str | None
    """None while the source is being (re)indexed, or was when a refresh stopped."""
    mtime_ns: int
    size: int
    kind: str


@dataclass(frozen=True)
class StoredChunk:
    id: str
    chunk: Chunk


@dataclass(frozen=True)
class PendingSource:
    """A source about to be (re)indexed: its stat, hash and passages with their ids."""

    path: str
    sha256: str
    mtime_ns: int
    size: int
    kind: str
    text: SourceText
    ids: list[str]


class Catalog:
    def __init__(self, file: Path) -> None:
        self._db = sqlite3.connect(file, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "PRAGMA synchronous=NORMAL"
        )  # WAL stays consistent; only the last commits can be lost
        self._db.execute("PRAGMA busy_timeout=5000")
        if self.meta("schema") not in (None, SCHEMA_VERSION):
            self._drop()
        self._db.executescript(_SCHEMA)
        self.set_meta("schema", SCHEMA_VERSION)

    def close(self) -> None:
        self._db.close()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        self._db.execute("BEGIN")
        try:
            yield
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    def _drop(self) -> None:
        with self._db:
            for table in reversed(_TABLES):
                self._db.execute(f"DROP TABLE IF EXISTS {table}")

    def meta(self, key: str) -> str | None:
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        except sqlite3.OperationalError:  # a new file: no tables yet
            return None
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        self._db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def reset(self) -> None:
        """Forget every source and passage (the vectors are being rebuilt)."""
        with self._transaction():
            for table in ("sources", "chunks", "source_vectors", "terms"):
                self._db.execute(f"DELETE FROM {table}")

    def sources(self) -> dict[str, SourceRow]:
        rows = self._db.execute("SELECT path, sha256, mtime_ns, size, kind FROM sources")
        return {row[0]: SourceRow(*row) for row in rows}

    def touch(self, path: str, mtime_ns: int, size: int) -> None:
        """The file was saved again with the same content: remember its new stat, skip hashing next time."""
        self._db.execute("UPDATE sources SET mtime_ns = ?, size = ? WHERE path = ?", (mtime_ns, size, path))

    def _delete_chunks(self, paths: Sequence[str]) -> None:
        for path in paths:
            self._db.execute(
                "DELETE FROM terms WHERE rowid IN (SELECT rowid FROM chunks WHERE path = ?)", (path,)
            )
            self._db.execute("DELETE FROM chunks WHERE path = ?", (path,))
            self._db.execute("DELETE FROM source_vectors WHERE path = ?", (path,))

    def begin_replace(self, pending: Sequence[PendingSource]) -> None:
        """Step one of (re)indexing: the sources lose their passages and hash (see the module's note)."""
        with self._transaction():
            self._delete_chunks([item.path for item in pending])
            for item in pending:
                self._db.execute(
                    "INSERT INTO sources(path, sha256, mtime_ns, size, kind) VALUES (?, NULL, ?, ?, ?) "
                    "ON CONFLICT(path) DO UPDATE SET sha256 = NULL",
                    (item.path, item.mtime_ns, item.size, item.kind),
                )

    def finish_replace(self, pending: Sequence[PendingSource], sums: Mapping[str, ScriptSums]) -> None:
        """Step two, once the vectors are stored: passages, keywords, vector sums by script
        (``sums``: by path), then the hash."""
        with self._transaction():
            for item in pending:
                self._insert(item)
                for script, (count, total) in sums.get(item.path, {}).items():
                    self._db.execute(
                        "INSERT INTO source_vectors(path, script, count, total) VALUES (?, ?, ?, ?)",
                        (item.path, script, count, np.asarray(total, dtype=np.float64).tobytes()),
                    )

    def script_sums(self) -> ScriptSums:
        """Passages per script and the sum of their vectors, over the whole index."""
        out: dict[str, tuple[int, npt.NDArray[np.float64]]] = {}
        for script, count, blob in self._db.execute("SELECT script, count, total FROM source_vectors"):
            total = np.frombuffer(blob, dtype=np.float64)
            if script in out:
                seen, running = out[script]
                out[script] = (seen + int(count), running + total)
            else:
                out[script] = (int(count), total.copy())
        return out

    def passage_terms(self, ids: Iterable[str]) -> dict[str, set[str]]:
        """Each passage's keywords (title, heading and text together)."""
        select = (
            "SELECT chunks.id, terms.title, terms.heading, terms.body FROM chunks "
            "JOIN terms ON terms.rowid = chunks.rowid WHERE chunks.id IN ({marks})"
        )
        return {
            str(item): set(f"{title} {heading} {body}".split())
            for item, title, heading, body in self._rows_by_id(select, ids)
        }

    def _insert(self, item: PendingSource) -> None:
        labels = " ".join(item.text.labels)
        title_terms = " ".join(keywords.terms(f"{item.text.title} {labels}"))
        for chunk_id, chunk in zip(item.ids, item.text.chunks, strict=True):
            cursor = self._db.execute(
                "INSERT INTO chunks(id, path, ordinal, title, heading, page, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (chunk_id, chunk.path, chunk.ordinal, chunk.title, chunk.heading, chunk.page, chunk.text),
            )
            self._db.execute(
                "INSERT INTO terms(rowid, title, heading, body) VALUES (?, ?, ?, ?)",
                (
                    cursor.lastrowid,
                    title_terms,
                    " ".join(keywords.terms(chunk.heading or "")),
                    " ".join(keywords.terms(chunk.text)),
                ),
            )
        self._db.execute(
            "UPDATE sources SET sha256 = ?, mtime_ns = ?, size = ?, kind = ?, title = ?, labels = ? WHERE path = ?",
            (item.sha256, item.mtime_ns, item.size, item.kind, item.text.title, labels, item.path),
        )

    def remove(self, paths: Sequence[str]) -> None:
        with self._transaction():
            self._delete_chunks(paths)
            self._db.executemany("DELETE FROM sources WHERE path = ?", [(path,) for path in paths])

    def chunks(self, ids: Iterable[str]) -> dict[str, Chunk]:
        """Passages by id; ids no longer in the catalog are left out."""
        select = "SELECT id, path, ordinal, title, heading, page, text FROM chunks WHERE id IN ({marks})"
        return {row[0]: Chunk(*row[1:]) for row in self._rows_by_id(select, ids)}

    def _rows_by_id(self, select: str, ids: Iterable[str]) -> Iterator[tuple[Any, ...]]:
        """The rows of ``select`` (its ``{marks}`` the placeholders of ``IN``) for each distinct id,
        in batches under SQLite's limit on bound parameters."""
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), _IDS_PER_QUERY):
            part = wanted[start : start + _IDS_PER_QUERY]
            yield from self._db.execute(select.format(marks=",".join("?" * len(part))), part)

    def keyword_search(
        self, terms: Sequence[str], limit: int, weights: tuple[float, float, float]
    ) -> list[tuple[str, float]]:
        """Passages holding any of ``terms`` by BM25 (title, heading, body weighted), best first."""
        if not terms:
            return []
        match = " OR ".join(f'"{term}"' for term in terms)  # terms hold no quotes (see keywords)
        rows = self._db.execute(
            "SELECT chunks.id, -bm25(terms, ?, ?, ?) AS score FROM terms "
            "JOIN chunks ON chunks.rowid = terms.rowid WHERE terms MATCH ? ORDER BY score DESC LIMIT ?",
            (*weights, match, limit),
        )
        return [(str(row[0]), float(row[1])) for row in rows]

    def document_frequencies(self, terms: Sequence[str]) -> dict[str, int]:
        """In how many passages each term occurs (any column)."""
        if not terms:
            return {}
        rows = self._db.execute(
            f"SELECT term, doc FROM terms_vocab WHERE term IN ({','.join('?' * len(terms))})", list(terms)
        )
        return {str(term): int(doc) for term, doc in rows}

    def counts(self) -> tuple[int, int]:
        """Sources and passages indexed."""
        sources = self._db.execute("SELECT count(*) FROM sources WHERE sha256 IS NOT NULL").fetchone()[0]
        chunks = self._db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        return int(sources), int(chunks)
