"""DBOS configuration from homevoice settings: local, private, no Conductor, no telemetry."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from dbos import DBOSConfig

from homevoice.errors import JobError
from homevoice.jobs.audio_store import DATABASE_UNAVAILABLE
from homevoice.jobs.workflows import WORKFLOWS_VERSION
from homevoice.settings import Settings

APP_NAME = "homevoice"
APPLICATION_VERSION = f"homevoice-jobs-{WORKFLOWS_VERSION}"
"""Fixed rather than DBOS's hash of the workflow source, so every process, and every homevoice
release that keeps the workflows as they are, recovers the others' unfinished jobs."""


def database_url(settings: Settings) -> str:
    """``jobs.database_url``, else a SQLite file in the data dir (created here)."""
    if settings.jobs.database_url:
        return settings.jobs.database_url
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise JobError(
            f"Cannot create the data dir {settings.data_dir} for the jobs database ({err.strerror}); "
            "set HOMEVOICE_DATA_DIR to a writable folder.",
            code=DATABASE_UNAVAILABLE,
        ) from err
    return f"sqlite:///{settings.data_dir / 'jobs.sqlite'}"


def executor_id(settings: Settings, *, listen: bool) -> str:
    """A worker runs as its worker id, so a restart recovers the jobs it held. A process that only
    enqueues gets an id of its own: DBOS recovers the PENDING jobs of its id at launch, and those
    belong to a live worker."""
    if listen:
        return settings.jobs.worker_id
    return f"{settings.jobs.worker_id}.client-{uuid.uuid4().hex[:8]}"


def dbos_config(settings: Settings, *, listen: bool) -> DBOSConfig:
    # Never set conductor_key/conductor_url, enable_otlp, OTLP endpoints or enterprise keys.
    return {
        "name": APP_NAME,
        "system_database_url": database_url(settings),
        "application_version": APPLICATION_VERSION,
        "executor_id": executor_id(settings, listen=listen),
        "log_level": "DEBUG" if settings.log_level == "DEBUG" else "WARNING",
        "enable_otlp": False,
    }


def route_dbos_logs() -> None:
    """Send DBOS's records through homevoice's logging setup instead of its own console handler
    (which would keep writing to whatever stderr was current when DBOS first started)."""
    dbos_logger = logging.getLogger("dbos")
    if not dbos_logger.handlers:
        dbos_logger.addHandler(logging.NullHandler())  # DBOS adds its handler only to a bare logger
        dbos_logger.propagate = True


@contextmanager
def held_dbos_logs() -> Iterator[None]:
    """Hold DBOS's log records while it launches: replay them if it starts, drop them if it fails.

    A failed launch is reported once, as a JobError; DBOS would add its own warnings and a traceback.
    """
    held: list[logging.LogRecord] = []

    def hold(record: logging.LogRecord) -> bool:
        held.append(record)
        return False

    dbos_logger = logging.getLogger("dbos")
    dbos_logger.addFilter(hold)
    try:
        yield
    except BaseException:
        held.clear()
        raise
    finally:
        dbos_logger.removeFilter(hold)
    for record in held:
        dbos_logger.handle(record)
