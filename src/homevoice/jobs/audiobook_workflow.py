"""An audiobook render as a DBOS workflow: plan, synthesise chapter by chapter, assemble, publish.

Sentence audio goes to the shared cache as it is made, and each chapter is a checkpointed step, so
a worker killed mid-book resumes at the chapter it was in, and even that chapter's finished
sentences come from the cache. Telegram's ``/read`` adds a last step that sends the chapters back.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from dbos import DBOS, SetWorkflowAttributes, SetWorkflowID

from homevoice.audiobooks.document import Document
from homevoice.audiobooks.library import BookRecord
from homevoice.audiobooks.plan import BookPlan
from homevoice.audiobooks.pool import RenderStoppedError
from homevoice.errors import HomevoiceError, JobError
from homevoice.jobs import reminder_workflow
from homevoice.jobs.audio_store import AudioStore
from homevoice.jobs.binding import Binding, JobInterrupted
from homevoice.jobs.progress import Throttle
from homevoice.jobs.queues import AUDIOBOOK_QUEUE, TELEGRAM_QUEUE
from homevoice.jobs.workflows import MAX_RECOVERY_ATTEMPTS, PROGRESS_EVENT
from homevoice.services.audiobooks import SYNTHESIS_SHARE, AudiobookRequest, AudiobookService

log = logging.getLogger(__name__)

__all__ = ["AUDIOBOOK_QUEUE", "AUDIOBOOK_WORKFLOW", "AudiobookJobRequest", "enqueue_audiobook"]

AUDIOBOOK_WORKFLOW = "homevoice.audiobook"
KIND_AUDIOBOOK = "audiobook"
ETA_EVENT = "eta_s"
PROGRESS_INTERVAL_S = 1.0

Deliver = Callable[[int, BookRecord], None]
"""Send a finished book's audio files to a Telegram chat."""


@dataclass
class AudiobookContext:
    service: AudiobookService
    store: AudioStore
    stopping: threading.Event = field(default_factory=threading.Event)


binding: Binding[AudiobookContext] = Binding("audiobooks are not rendered by this process")
delivery: Binding[Deliver] = Binding(
    "finished audiobooks cannot be sent: the Telegram bot is not running here"
)


@dataclass(frozen=True)
class AudiobookJobRequest:
    """What an audiobook job needs besides the document (kept in the jobs database until it ends)."""

    voice: str | None = None
    language: str | None = None
    speed: float = 1.0
    format: str | None = None
    chapters: str | None = None
    telegram_chat_id: int | None = None
    """Send the chapters back to this chat when done (Telegram ``/read``)."""

    def render_request(self) -> AudiobookRequest:
        fmt = self.format if self.format in ("m4b", "mp3", "opus") else None
        return AudiobookRequest(
            voice=self.voice,
            language=self.language,
            speed=self.speed,
            format=fmt,  # type: ignore[arg-type]
            chapters=self.chapters,
        )


@DBOS.workflow(name=AUDIOBOOK_WORKFLOW, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def audiobook_workflow(request: dict[str, Any]) -> dict[str, Any]:
    """Render the stored document of this job; returns the book's record and what was synthesised."""
    job = AudiobookJobRequest(**request)
    try:
        plan = plan_audiobook_step(request)
        synthesised = cached = 0
        for index in range(len(plan.chapters)):
            done, from_cache = synthesise_chapter_step(request, plan, index)
            synthesised += done
            cached += from_cache
        record = assemble_audiobook_step(request, plan)
    except Exception as err:
        # Not on JobInterrupted: a stopping worker leaves the document for the job's resumption.
        forget_document_step()
        if job.telegram_chat_id is not None:
            reason = err.message if isinstance(err, HomevoiceError) else "an unexpected error; see the log"
            DBOS.enqueue_workflow(
                TELEGRAM_QUEUE, telegram_notice_workflow, job.telegram_chat_id, f"📚 ✗ {reason}"
            )
        raise
    forget_document_step()
    if job.telegram_chat_id is not None:
        # On the queue that only the process running the bot takes from: a separate worker that
        # rendered the book has no bot to send it with.
        DBOS.enqueue_workflow(TELEGRAM_QUEUE, telegram_delivery_workflow, job.telegram_chat_id, record)
    return {"audiobook": record, "synthesised": synthesised, "cached": cached}


@DBOS.step(name="homevoice.audiobook_plan")
def plan_audiobook_step(request: dict[str, Any]) -> BookPlan:
    context = binding.get()
    document, _ = _document(context)
    plan = context.service.plan(document, AudiobookJobRequest(**request).render_request())
    _publish(0.0, None)
    return plan


@DBOS.step(name="homevoice.audiobook_chapter")
def synthesise_chapter_step(request: dict[str, Any], plan: BookPlan, index: int) -> tuple[int, int]:
    """Fill the cache with one chapter's sentences; returns (synthesised, already cached)."""
    context = binding.get()
    total = plan.characters or 1
    before = sum(len(s.text) for chapter in plan.chapters[:index] for s in chapter.sentences)
    throttle = Throttle(PROGRESS_INTERVAL_S)
    started = time.monotonic()

    def report(done: int, _: int) -> None:
        if throttle.ready():
            elapsed = time.monotonic() - started
            left = total - before - done
            eta = left * elapsed / done if done > 0 and elapsed > 1 else None
            _publish((before + done) / total * SYNTHESIS_SHARE, eta)

    def chapter_progress(progress: Any) -> None:
        report(progress.characters_done, progress.characters)

    try:
        stats = context.service.synthesise(
            plan,
            chapters=range(index, index + 1),
            progress=chapter_progress,
            should_stop=context.stopping.is_set,
        )
    except RenderStoppedError as err:
        raise JobInterrupted("the worker is stopping") from err
    except Exception as err:
        if context.stopping.is_set():
            raise JobInterrupted("the worker is stopping") from err
        raise
    return stats.synthesised, stats.cached


@DBOS.step(name="homevoice.audiobook_assemble")
def assemble_audiobook_step(request: dict[str, Any], plan: BookPlan) -> dict[str, Any]:
    """Write the files and publish the book under this job's id (again, cleanly, after a crash)."""
    context = binding.get()
    document, filename = _document(context)
    book_id = _job_id()
    job = AudiobookJobRequest(**request)
    record = context.service.write(document, plan, job.render_request(), book_id, source=filename)
    context.service.library.publish(record)
    _publish(1.0, 0.0)
    log.info("job %s: audiobook of %d chapter(s), %.0f s", book_id, len(record.chapters), record.duration)
    return record.to_json()


@DBOS.step(name="homevoice.audiobook_forget")
def forget_document_step() -> None:
    binding.get().store.delete(_job_id())


@DBOS.workflow(name="homevoice.audiobook_to_telegram", max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def telegram_delivery_workflow(chat_id: int, record: dict[str, Any]) -> None:
    try:
        deliver_audiobook_step(chat_id, record)
    except Exception as err:  # the book is in the library and the feed all the same
        log.warning("audiobook %s: cannot send it to Telegram: %s", record.get("id"), err)


@DBOS.workflow(name="homevoice.audiobook_notice", max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def telegram_notice_workflow(chat_id: int, text: str) -> None:
    try:
        notice_step(chat_id, text)
    except Exception as err:
        log.warning("cannot tell a Telegram chat that its audiobook failed: %s", err)


@DBOS.step(name="homevoice.audiobook_deliver", retries_allowed=True, max_attempts=10, backoff_rate=2.0)
def deliver_audiobook_step(chat_id: int, record: dict[str, Any]) -> None:
    delivery.get()(chat_id, BookRecord.from_json(record))


@DBOS.step(name="homevoice.audiobook_failed", retries_allowed=True, max_attempts=10, backoff_rate=2.0)
def notice_step(chat_id: int, text: str) -> None:
    reminder_workflow.binding.get()(chat_id, text)


def _document(context: AudiobookContext) -> tuple[Document, str]:
    stored = context.store.get(_job_id())
    if stored is None:
        raise JobError(
            f"The document of job {_job_id()} is no longer stored; submit it again.",
            code="job_document_missing",
        )
    return context.service.load_bytes(stored.data, stored.filename), stored.filename


def _publish(progress: float, eta_s: float | None) -> None:
    DBOS.set_event(PROGRESS_EVENT, round(progress, 4))
    DBOS.set_event(ETA_EVENT, None if eta_s is None else round(eta_s, 1))


def _job_id() -> str:
    job_id = DBOS.workflow_id
    assert job_id is not None, "called outside a workflow"
    return job_id


def enqueue_audiobook(store: AudioStore, document: bytes, filename: str, request: AudiobookJobRequest) -> str:
    """Store the document and queue its render; returns the job id (also the book's id)."""
    job_id = str(uuid.uuid4())
    store.put(job_id, filename, document)
    try:
        attributes = {"kind": KIND_AUDIOBOOK, "model": request.voice or "", "name": filename}
        with SetWorkflowID(job_id), SetWorkflowAttributes(attributes):
            DBOS.enqueue_workflow(AUDIOBOOK_QUEUE, audiobook_workflow, asdict(request))
    except BaseException:
        store.delete(job_id)
        raise
    return job_id


def submit_audiobook(document: bytes, filename: str, request: AudiobookJobRequest) -> str:
    """Queue a render from a chat adapter, through this process's job runtime (blocking)."""
    return enqueue_audiobook(binding.get().store, document, filename, request)
