"""The uploaded audio of queued jobs, kept in the jobs database itself.

It sits in a table of its own next to DBOS's tables, as raw bytes (no pickling or base64), so a
worker on another machine reads it from the shared PostgreSQL database, ``get`` and ``list`` never
load it, and it is deleted once its job ends: recordings do not pile up in the database.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from homevoice.errors import JobError

DATABASE_UNAVAILABLE = "jobs_database_unavailable"
_METADATA = sa.MetaData()
AUDIO = sa.Table(
    "homevoice_job_audio",
    _METADATA,
    sa.Column("job_id", sa.String(64), primary_key=True),
    sa.Column("filename", sa.Text, nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)


@dataclass(frozen=True)
class StoredAudio:
    filename: str
    data: bytes


def engine_url(database_url: str) -> sa.URL:
    """The SQLAlchemy URL for a jobs database URL; PostgreSQL goes through psycopg 3, as in DBOS."""
    url = sa.make_url(database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def redacted(database_url: str) -> str:
    """The URL without its password, for messages and logs."""
    try:
        return sa.make_url(database_url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<invalid database URL>"


class AudioStore:
    def __init__(self, database_url: str) -> None:
        url = engine_url(database_url)
        # SQLite: wait for DBOS's writers instead of failing with "database is locked".
        connect_args = {"timeout": 30} if url.get_backend_name() == "sqlite" else {}
        self._engine = sa.create_engine(url, pool_pre_ping=True, connect_args=connect_args)
        self._label = redacted(database_url)

    def create(self) -> None:
        """Create the table if missing; safe when several workers start at once."""
        try:
            _METADATA.create_all(self._engine, checkfirst=True)
        except SQLAlchemyError:
            # Another worker created it between the check and the CREATE.
            if not sa.inspect(self._engine).has_table(AUDIO.name):
                raise

    def put(self, job_id: str, filename: str, data: bytes) -> None:
        with self._errors("save the audio of"), self._engine.begin() as conn:
            conn.execute(
                AUDIO.insert().values(job_id=job_id, filename=filename, data=data, created_at=time.time())
            )

    def get(self, job_id: str) -> StoredAudio | None:
        with self._errors("read the audio of"), self._engine.connect() as conn:
            row = conn.execute(
                sa.select(AUDIO.c.filename, AUDIO.c.data).where(AUDIO.c.job_id == job_id)
            ).first()
        return None if row is None else StoredAudio(row.filename, bytes(row.data))

    def delete(self, job_id: str) -> None:
        with self._errors("delete the audio of"), self._engine.begin() as conn:
            conn.execute(AUDIO.delete().where(AUDIO.c.job_id == job_id))

    def close(self) -> None:
        self._engine.dispose()

    def _errors(self, action: str) -> AbstractContextManager[None]:
        return _database_errors(f"Cannot {action} a job in {self._label}")


@contextmanager
def _database_errors(what: str) -> Iterator[None]:
    """Turns a database failure into a JobError that names the database (never its password)."""
    try:
        yield
    except SQLAlchemyError as err:
        raise JobError(
            f"{what}: {database_error_reason(err)}. Check HOMEVOICE_JOBS__DATABASE_URL.",
            code=DATABASE_UNAVAILABLE,
        ) from err


def database_error_reason(err: BaseException) -> str:
    """The driver's own first line (SQLAlchemy prefixes the exception class and appends SQL)."""
    text = str(getattr(err, "orig", None) or err).strip()
    return text.splitlines()[0] if text else type(err).__name__
