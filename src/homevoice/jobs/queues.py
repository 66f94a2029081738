"""One DBOS queue per speech-to-text model, so a slow large model never holds up a small one."""

from __future__ import annotations

from dbos import DBOS

from homevoice.engines.catalog import CATALOG

PREFIX = "stt:"
AUDIOBOOK_QUEUE = "audiobooks"
"""Audiobook renders, one at a time per worker: each already uses every core."""
TELEGRAM_QUEUE = "telegram"
"""Work that needs the Telegram bot (sending finished audiobooks): only the process running it
listens here."""
KNOWLEDGE_QUEUE = "knowledge"
"""Index refreshes and the daily expand: only the process that serves search listens here, since
Milvus Lite lets one process at a time open the index."""
KNOWLEDGE_CONCURRENCY = 2
"""A refresh and an expand may run side by side; each keeps to one at a time by itself."""
CUSTOM = "custom"
"""The queue for models given as a folder path rather than a catalog name."""


def queue_name(model: str) -> str:
    """The queue for a canonical model name (``TranscriptionService.model_name``)."""
    known = {spec.name for spec in CATALOG}
    return PREFIX + (model if model in known else CUSTOM)


def all_queue_names() -> list[str]:
    return [PREFIX + spec.name for spec in CATALOG] + [PREFIX + CUSTOM]


def worker_queue_names(*, telegram: bool, knowledge: bool = False) -> list[str]:
    """The queues a worker takes jobs from; ``telegram`` when this process runs the bot,
    ``knowledge`` when it serves search (``homevoice serve``)."""
    return [*all_queue_names(), AUDIOBOOK_QUEUE, *own_queue_names(telegram=telegram, knowledge=knowledge)]


def own_queue_names(*, telegram: bool, knowledge: bool) -> list[str]:
    """The queues of work that only this process can do, taken even when it runs no other jobs."""
    return [*([TELEGRAM_QUEUE] if telegram else []), *([KNOWLEDGE_QUEUE] if knowledge else [])]


def register_queues(worker_concurrency: int, *, overwrite: bool) -> None:
    """Declare every queue in the system database (in DBOS 3.4 queues live there, after launch).

    ``worker_concurrency`` is stored with the queue and read by every worker sharing the database,
    so workers (``overwrite``) set it and a process that only enqueues leaves it alone.
    """
    for name in all_queue_names():
        DBOS.register_queue(
            name,
            worker_concurrency=worker_concurrency,
            on_conflict="always_update" if overwrite else "never_update",
        )
    for name, concurrency in (
        (AUDIOBOOK_QUEUE, 1),
        (TELEGRAM_QUEUE, 1),
        (KNOWLEDGE_QUEUE, KNOWLEDGE_CONCURRENCY),
    ):
        DBOS.register_queue(
            name, worker_concurrency=concurrency, on_conflict="always_update" if overwrite else "never_update"
        )
