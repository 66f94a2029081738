"""Capture records and per-person preferences in SQLite in the data dir.

A record is committed (WAL, ``synchronous=FULL``) before the chat update is acknowledged, and the
primary key (chat id, message id) makes a repeated update a no-op.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord, CaptureState
from homevoice.errors import HomevoiceError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS captures (
    chat_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sent_at REAL NOT NULL,
    text TEXT NOT NULL,
    spool_name TEXT,
    original_name TEXT,
    mime_type TEXT,
    duration_s REAL,
    forwarded_from TEXT,
    language TEXT,
    state TEXT NOT NULL,
    note_path TEXT,
    audio_path TEXT,
    note_sha256 TEXT,
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX IF NOT EXISTS captures_state ON captures (state);
CREATE TABLE IF NOT EXISTS preferences (
    user_id INTEGER PRIMARY KEY,
    language TEXT
);
"""
_PREFERENCE_COLUMNS = {"voice_replies": "INTEGER NOT NULL DEFAULT 0"}
"""Added after the first release: a database made before gets them on open."""
_COLUMNS = [f.name for f in fields(CaptureRecord) if f.name != "key"]


class CaptureStoreError(HomevoiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="capture_store_unavailable")


class CaptureStore:
    def __init__(self, path: Path) -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._add_missing_columns()
        except (OSError, sqlite3.Error) as err:
            raise CaptureStoreError(
                f"Cannot open the capture database {path}: {err}; check that the data dir is writable."
            ) from err
        self._lock = threading.Lock()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _add_missing_columns(self) -> None:
        present = {row[1] for row in self._db.execute("PRAGMA table_info(preferences)")}
        for name, declaration in _PREFERENCE_COLUMNS.items():
            if name not in present:
                self._db.execute(f"ALTER TABLE preferences ADD COLUMN {name} {declaration}")

    def add(self, record: CaptureRecord) -> bool:
        """Store a new capture; False when this message is already stored."""
        values = [record.key.chat_id, record.key.message_id, *(_column(record, c) for c in _COLUMNS)]
        names = ", ".join(["chat_id", "message_id", *_COLUMNS])
        marks = ", ".join("?" * len(values))
        with self._write() as db:
            cursor = db.execute(f"INSERT OR IGNORE INTO captures ({names}) VALUES ({marks})", values)
            return cursor.rowcount == 1

    def get(self, key: CaptureKey) -> CaptureRecord | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT chat_id, message_id, {', '.join(_COLUMNS)} FROM captures WHERE chat_id=? AND message_id=?",
                (key.chat_id, key.message_id),
            ).fetchone()
        return _record(row) if row else None

    def pending(self) -> list[CaptureRecord]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT chat_id, message_id, {', '.join(_COLUMNS)} FROM captures WHERE state IN (?, ?, ?) ORDER BY sent_at",
                (CaptureState.PENDING.value, CaptureState.COMMAND.value, CaptureState.QUESTION.value),
            ).fetchall()
        return [_record(row) for row in rows]

    def update(self, record: CaptureRecord, **changes: Any) -> CaptureRecord:
        """Write some fields of a record; returns the record as now stored."""
        updated = replace(record, **changes)
        assignments = ", ".join(f"{name}=?" for name in changes)
        values = [_column(updated, name) for name in changes]
        with self._write() as db:
            db.execute(
                f"UPDATE captures SET {assignments} WHERE chat_id=? AND message_id=?",
                [*values, record.key.chat_id, record.key.message_id],
            )
        return updated

    def language(self, user_id: int) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT language FROM preferences WHERE user_id=?", (user_id,)).fetchone()
        return row[0] if row else None

    def set_language(self, user_id: int, language: str | None) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO preferences (user_id, language) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET language=excluded.language",
                (user_id, language),
            )

    def voice_replies(self, user_id: int) -> bool:
        """Whether answers to this person also come as voice messages (``/voice on``)."""
        with self._lock:
            row = self._db.execute(
                "SELECT voice_replies FROM preferences WHERE user_id=?", (user_id,)
            ).fetchone()
        return bool(row[0]) if row else False

    def set_voice_replies(self, user_id: int, on: bool) -> None:
        with self._write() as db:
            db.execute(
                "INSERT INTO preferences (user_id, voice_replies) VALUES (?, ?) "
                "ON CONFLICT (user_id) DO UPDATE SET voice_replies=excluded.voice_replies",
                (user_id, int(on)),
            )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    yield self._db
                except BaseException:
                    self._db.execute("ROLLBACK")
                    raise
                self._db.execute("COMMIT")
            except sqlite3.Error as err:
                raise CaptureStoreError(f"Cannot write the capture database: {err}.") from err


def _column(record: CaptureRecord, name: str) -> Any:
    value = getattr(record, name)
    return value.value if isinstance(value, CaptureKind | CaptureState) else value


def _record(row: tuple[Any, ...]) -> CaptureRecord:
    values = dict(zip(_COLUMNS, row[2:], strict=True))
    values["kind"] = CaptureKind(values["kind"])
    values["state"] = CaptureState(values["state"])
    return CaptureRecord(key=CaptureKey(row[0], row[1]), **values)
