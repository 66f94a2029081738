"""The transcription job as a DBOS workflow: plan the chunks, transcribe each as a step, assemble.

Every step's result is checkpointed in the system database. When a worker killed mid-job starts
again with its id (or ``homevoice jobs recover`` names it), DBOS puts the job back on its queue;
the worker that takes it replays the finished steps from their checkpoints, so only the
interrupted chunk runs again.

DBOS registers workflows by name when this module is imported and keeps one instance per process,
so the services a workflow needs are bound here, per process, by ``JobRuntime.start``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from dbos import DBOS
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.engines.base import Transcript
from homevoice.errors import JobError
from homevoice.formats.transcript import verbose_json
from homevoice.jobs import webhook_workflow
from homevoice.jobs.assembly import merge, shift
from homevoice.jobs.audio_store import AudioStore
from homevoice.jobs.binding import Binding, JobInterrupted
from homevoice.jobs.chunking import Span, plan_chunks
from homevoice.jobs.progress import Throttle, overall_progress
from homevoice.jobs.views import error_view
from homevoice.services.transcription import AUTO_LANGUAGE, TranscriptionRequest, TranscriptionService

log = logging.getLogger(__name__)

WORKFLOWS_VERSION = 1
"""Bump when the steps of a workflow change (their order, names or the meaning of their results):
unfinished jobs of the old version are then left to old workers instead of replayed through new code."""
WORKFLOW_NAME = "homevoice.transcription"
PROGRESS_EVENT = "progress"
PROGRESS_INTERVAL_S = 1.0
MAX_RECOVERY_ATTEMPTS = 10
"""A job whose worker dies this many times (say, out of memory on one file) fails instead of
taking every worker down in turn."""
_DECODED_CACHE = 4


@dataclass
class WorkerContext:
    transcription: TranscriptionService
    store: AudioStore
    chunk_s: float
    max_duration_s: float
    stopping: threading.Event = field(default_factory=threading.Event)


_binding: Binding[WorkerContext] = Binding("the job runtime of this process is not running")
_decoded: OrderedDict[str, NDArray[np.float32]] = OrderedDict()
_decoded_lock = threading.Lock()


def bind(context: WorkerContext) -> None:
    _binding.bind(context)


def unbind() -> None:
    _binding.unbind()
    with _decoded_lock:
        _decoded.clear()


def _context() -> WorkerContext:
    return _binding.get()


@DBOS.workflow(name=WORKFLOW_NAME, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def transcription_workflow(request: dict[str, Any]) -> dict[str, Any]:
    """Transcribe the stored audio of this job; returns OpenAI's ``verbose_json``.

    ``request`` is a ``TranscriptionJobRequest`` as a dict, its model already resolved.
    """
    job_id = _job_id()
    try:
        duration, spans = plan_step()
        parts: list[Transcript] = []
        language = _fixed_language(request.get("language"))
        for index in range(len(spans)):
            part = transcribe_chunk_step(request, spans, index, language)
            parts.append(part)
            # Later chunks keep the language of the first one with speech instead of guessing again.
            if language is None and part.segments:
                language = part.language
        transcript = merge(parts, duration)
    except Exception as err:
        forget_audio_step()
        _job_finished(request, None, err)
        raise
    forget_audio_step()
    log.info("job %s: %d chunk(s), %.1f s of audio, done", job_id, len(spans), duration)
    result = verbose_json(transcript, request["task"])
    _job_finished(request, result, None)
    return result


@DBOS.step(name="homevoice.plan_chunks")
def plan_step() -> tuple[float, list[Span]]:
    """Decode the audio and choose the chunk boundaries (checkpointed, so a resume keeps them)."""
    context = _context()
    with _interruptible(context):
        samples = _samples(context, _job_id())
        spans = plan_chunks(samples, SAMPLE_RATE, context.chunk_s)
    return len(samples) / SAMPLE_RATE, spans


@DBOS.step(name="homevoice.transcribe_chunk")
def transcribe_chunk_step(
    request: dict[str, Any], spans: list[Span], index: int, language: str | None
) -> Transcript:
    """One chunk's transcript, its times shifted to the whole file."""
    context = _context()
    job_id = _job_id()
    start, end = spans[index]
    started = time.perf_counter()
    report = _ProgressReport(spans, index, context.stopping)
    report(0.0)
    with _interruptible(context):
        samples = _samples(context, job_id)[start:end]
        transcript = context.transcription.transcribe_samples(
            samples, _transcription_request(request, language), progress=report
        )
    _publish(overall_progress(spans, index + 1, 0.0))
    log.info(
        "job %s: chunk %d/%d done in %.1f s", job_id, index + 1, len(spans), time.perf_counter() - started
    )
    return shift(transcript, start / SAMPLE_RATE)


@DBOS.step(name="homevoice.forget_audio")
def forget_audio_step() -> None:
    """Delete the uploaded audio once the job has its result or its error."""
    context = _context()
    job_id = _job_id()
    context.store.delete(job_id)
    with _decoded_lock:
        _decoded.pop(job_id, None)


@DBOS.step(name="homevoice.publish_job_finished")
def publish_job_finished_step(data: dict[str, Any]) -> None:
    """The ``job.finished`` webhook event; a step, so a job that resumes after a crash sends it once.
    A webhook problem never changes the job's outcome."""
    webhooks = webhook_workflow.publisher()
    if webhooks is None:
        return
    try:
        webhooks.publish("job.finished", data)
    except JobInterrupted:
        raise
    except Exception as err:
        log.warning("job %s: cannot queue the job.finished webhook: %s", data.get("job_id"), err)


def _job_finished(request: dict[str, Any], result: dict[str, Any] | None, error: Exception | None) -> None:
    """After the job's last step: tell the webhooks subscribed to ``job.finished``, if any (without
    any, no step is added, so the job's steps stay as they are)."""
    webhooks = webhook_workflow.publisher()
    if webhooks is None or not webhooks.subscribed("job.finished"):
        return
    data: dict[str, Any] = {
        "job_id": _job_id(),
        "state": "succeeded" if error is None else "failed",
        "model": request["model"],
        "task": request["task"],
        "language": result["language"] if result else None,
        "duration": result["duration"] if result else None,
        "text": result["text"] if result else None,
        "error": None if error is None else error_view("ERROR", error),
    }
    publish_job_finished_step(data)


def _fixed_language(language: str | None) -> str | None:
    return None if language is None or language.strip().lower() in AUTO_LANGUAGE else language


def _transcription_request(request: dict[str, Any], language: str | None) -> TranscriptionRequest:
    return TranscriptionRequest(
        model=request["model"],
        language=language,
        task=request["task"],
        initial_prompt=request.get("prompt"),
        word_timestamps=bool(request.get("word_timestamps")),
        temperature=request.get("temperature"),
    )


def _samples(context: WorkerContext, job_id: str) -> NDArray[np.float32]:
    """The decoded audio of a job; kept for its next chunks, decoded again after a restart."""
    with _decoded_lock:
        if job_id in _decoded:
            _decoded.move_to_end(job_id)
            return _decoded[job_id]
    stored = context.store.get(job_id)
    if stored is None:
        raise JobError(
            f"The audio of job {job_id} is no longer stored; submit the file again.", code="job_audio_missing"
        )
    samples = decode_audio(stored.data, max_duration_s=context.max_duration_s, name=stored.filename).samples
    with _decoded_lock:
        _decoded[job_id] = samples
        while len(_decoded) > _DECODED_CACHE:
            _decoded.popitem(last=False)
    return samples


class _ProgressReport:
    """The engine's progress callback: publishes the job's overall progress, and is where a
    stopping worker abandons the chunk it is in."""

    def __init__(self, spans: list[Span], index: int, stopping: threading.Event) -> None:
        self._spans = spans
        self._index = index
        self._stopping = stopping
        self._throttle = Throttle(PROGRESS_INTERVAL_S)

    def __call__(self, fraction: float) -> None:
        if self._stopping.is_set():
            raise JobInterrupted("the worker is stopping")
        if self._throttle.ready():
            _publish(overall_progress(self._spans, self._index, fraction))


def _publish(progress: float) -> None:
    # From a step this is a plain write, readable at once by every process. It also checks that
    # this execution still owns the job, so a cancelled job stops at its next report.
    DBOS.set_event(PROGRESS_EVENT, round(progress, 4))


@contextmanager
def _interruptible(context: WorkerContext) -> Iterator[None]:
    """While the worker stops, any failure (a model closed under a chunk) leaves the job to resume."""
    try:
        yield
    except Exception as err:
        if context.stopping.is_set():
            raise JobInterrupted("the worker is stopping") from err
        raise


def _job_id() -> str:
    job_id = DBOS.workflow_id
    assert job_id is not None, "called outside a workflow"
    return job_id
