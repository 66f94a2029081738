"""Jobs as the adapters see them: submit, look up, cancel, list. Blocking; call from a worker thread."""

from __future__ import annotations

import builtins
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict, replace

from dbos import DBOS, SetWorkflowAttributes, SetWorkflowID, WorkflowStatus

from homevoice.errors import BusyError, HomevoiceError, JobError, JobNotFoundError
from homevoice.jobs.audio_store import DATABASE_UNAVAILABLE, AudioStore, database_error_reason
from homevoice.jobs.audiobook_workflow import (
    AUDIOBOOK_QUEUE,
    AUDIOBOOK_WORKFLOW,
    ETA_EVENT,
    AudiobookJobRequest,
    enqueue_audiobook,
)
from homevoice.jobs.index_workflow import INDEX_WORKFLOW, enqueue_index
from homevoice.jobs.queues import queue_name
from homevoice.jobs.views import JobState, JobView, TranscriptionJobRequest, error_view, job_state
from homevoice.jobs.workflows import PROGRESS_EVENT, WORKFLOW_NAME, transcription_workflow
from homevoice.services.transcription import TranscriptionService

__all__ = ["JobService", "JobState", "JobView", "TranscriptionJobRequest"]

log = logging.getLogger(__name__)

KIND_TRANSCRIPTION = "transcription"
JOB_WORKFLOWS = (WORKFLOW_NAME, AUDIOBOOK_WORKFLOW, INDEX_WORKFLOW)
MAX_LIST = 1000


class JobService:
    def __init__(
        self,
        transcription: TranscriptionService,
        store: AudioStore,
        max_queued: int = 100,
        *,
        index_model: str | None = None,
    ) -> None:
        """``index_model``: the embedder's name when this process serves search (and so refreshes
        the index); None elsewhere."""
        self._transcription = transcription
        self._store = store
        self._max_queued = max_queued
        self._index_model = index_model

    def submit_transcription(self, audio: bytes, filename: str, request: TranscriptionJobRequest) -> JobView:
        """Queue a transcription on its model's queue; durable in the jobs database before returning."""
        job_id = str(uuid.uuid4())
        # Resolved here, so every worker runs the model this process's settings meant.
        model = self._transcription.model_name(request.model)
        self._check_room(model)
        self._store.put(job_id, filename, audio)
        try:
            with (
                SetWorkflowID(job_id),
                SetWorkflowAttributes({"kind": KIND_TRANSCRIPTION, "model": model, "name": filename}),
            ):
                DBOS.enqueue_workflow(
                    queue_name(model), transcription_workflow, asdict(replace(request, model=model))
                )
        except Exception as err:
            self._store.delete(job_id)
            if isinstance(err, HomevoiceError):
                raise
            raise JobError(
                f"Cannot queue the job: {database_error_reason(err)}", code=DATABASE_UNAVAILABLE
            ) from err
        log.info("job %s queued for %s (%d bytes)", job_id, model, len(audio))
        return self.get(job_id)

    def submit_audiobook(self, document: bytes, filename: str, request: AudiobookJobRequest) -> JobView:
        """Queue an audiobook render; the document is kept in the jobs database until the job ends."""
        self._check_room(None)
        job_id = _queued(lambda: enqueue_audiobook(self._store, document, filename, request))
        log.info("job %s queued: audiobook (%d bytes)", job_id, len(document))
        return self.get(job_id)

    def submit_index(self) -> JobView:
        """Queue a refresh of the search index, or return the one already queued or running."""
        if self._index_model is None:
            raise JobError(
                "The index is refreshed by the process that serves search (homevoice serve), not this one.",
                code="jobs_unavailable",
            )
        model = self._index_model
        job_id = _queued(lambda: enqueue_index(model))
        log.info("job %s: index refresh", job_id)
        return self.get(job_id)

    def get(self, job_id: str) -> JobView:
        return self._view(self._status(job_id))

    def cancel(self, job_id: str) -> JobView:
        """Cancel a queued or running job; a finished job is returned unchanged."""
        self._status(job_id)
        DBOS.cancel_workflow(job_id)
        view = self.get(job_id)
        if view.state is JobState.CANCELLED:
            self._store.delete(job_id)
            log.info("job %s cancelled", job_id)
        return view

    def list(self, limit: int = 50) -> builtins.list[JobView]:
        """The newest jobs first."""
        statuses = DBOS.list_workflows(
            name=list(JOB_WORKFLOWS), limit=max(1, min(limit, MAX_LIST)), sort_desc=True, load_input=False
        )
        return [self._view(status) for status in statuses]

    def counts(self) -> dict[JobState, int]:
        """Unfinished jobs by state, for metrics."""
        statuses = DBOS.list_workflows(
            name=list(JOB_WORKFLOWS),
            status=["ENQUEUED", "DELAYED", "PENDING"],
            load_input=False,
            load_output=False,
        )
        counted = dict.fromkeys((JobState.QUEUED, JobState.RUNNING), 0)
        for status in statuses:
            counted[job_state(status.status)] += 1
        return counted

    def _check_room(self, model: str | None) -> None:
        """``model`` None: the audiobook queue."""
        queue = AUDIOBOOK_QUEUE if model is None else queue_name(model)
        waiting = DBOS.list_workflows(
            queue_name=queue,
            status=["ENQUEUED", "DELAYED"],
            limit=self._max_queued,
            load_input=False,
            load_output=False,
        )
        if len(waiting) >= self._max_queued:
            raise BusyError(
                f"{len(waiting)} jobs already wait for {model or 'audiobooks'}; retry later or raise HOMEVOICE_JOBS__MAX_QUEUED_PER_MODEL.",
                retry_after_s=60,
            )

    def recover_worker(self, worker_id: str) -> int:
        """Hand the unfinished jobs of a dead worker back to their queues; returns how many.

        Only for a worker that is really gone: a live one would find its running jobs taken away
        (DBOS fences it off, so each chunk is still recorded once).
        """
        handles = DBOS._recover_pending_workflows([worker_id])  # DBOS's own recovery, by executor id
        log.info("handed %d job(s) of worker %s back to the queues", len(handles), worker_id)
        return len(handles)

    def _status(self, job_id: str) -> WorkflowStatus:
        statuses = DBOS.list_workflows(workflow_ids=[job_id], load_input=False)
        if not statuses or statuses[0].name not in JOB_WORKFLOWS:
            raise JobNotFoundError(f"There is no job {job_id}; list the jobs to find its id.")
        return statuses[0]

    def _view(self, status: WorkflowStatus) -> JobView:
        state = job_state(status.status)
        attributes = status.attributes or {}
        events = DBOS.get_all_events(status.workflow_id) if state is not JobState.SUCCEEDED else {}
        eta = events.get(ETA_EVENT)
        return JobView(
            id=status.workflow_id,
            kind=str(attributes.get("kind", KIND_TRANSCRIPTION)),
            state=state,
            progress=self._progress(events, state),
            model=str(attributes.get("model", "")),
            name=str(attributes["name"]) if attributes.get("name") else None,
            created_at=(status.created_at or 0) / 1000,
            result=status.output if state is JobState.SUCCEEDED else None,
            error=error_view(status.status, status.error),
            eta_s=float(eta) if isinstance(eta, int | float) and state is JobState.RUNNING else None,
        )

    @staticmethod
    def _progress(events: dict[str, object], state: JobState) -> float:
        if state is JobState.SUCCEEDED:
            return 1.0
        value = events.get(PROGRESS_EVENT, 0.0)
        return float(value) if isinstance(value, int | float) else 0.0


def _queued(enqueue: Callable[[], str]) -> str:
    """Run ``enqueue``; a database failure becomes ``database_unavailable``."""
    try:
        return enqueue()
    except HomevoiceError:
        raise
    except Exception as err:
        raise JobError(
            f"Cannot queue the job: {database_error_reason(err)}", code=DATABASE_UNAVAILABLE
        ) from err
