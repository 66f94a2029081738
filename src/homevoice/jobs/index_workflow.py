"""The index refresh as a DBOS job (``POST /v1/jobs/index``), with progress like the other jobs.

It is queued on the knowledge queue, which only the process serving search takes from (Milvus Lite
lets one process open the index); a ``homevoice worker`` never runs it. One refresh job at a time:
asking again while one is queued or running returns that job.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import asdict
from typing import Any

from dbos import DBOS, SetEnqueueOptions, SetWorkflowAttributes, SetWorkflowID
from dbos._utils import GlobalParams

from homevoice.jobs.binding import Binding
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.progress import Throttle
from homevoice.jobs.queues import KNOWLEDGE_QUEUE
from homevoice.jobs.workflows import MAX_RECOVERY_ATTEMPTS, PROGRESS_EVENT

log = logging.getLogger(__name__)

INDEX_WORKFLOW = "homevoice.index"
KIND_INDEX = "index"
PROGRESS_INTERVAL_S = 0.5
NEARLY_DONE = 0.99
_ONE_AT_A_TIME = "index-refresh"
"""The deduplication id: DBOS keeps a second one off the queue while one is queued or running."""

binding: Binding[KnowledgeWork] = Binding("the index is not served by this process")


@DBOS.workflow(name=INDEX_WORKFLOW, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def index_workflow() -> dict[str, Any]:
    """Returns the refresh's ``IndexReport`` as a dict."""
    return refresh_index_step()


@DBOS.step(name="homevoice.refresh_index")
def refresh_index_step() -> dict[str, Any]:
    work = binding.get()
    throttle = Throttle(PROGRESS_INTERVAL_S)

    def progress(done: int, total: int) -> None:
        # Notes are counted as they are read; their last batch is embedded after that, so 1.0
        # (which a succeeded job reports) waits for the end.
        if total > 0 and (throttle.ready() or done >= total):
            DBOS.set_event(PROGRESS_EVENT, round(min(done / total, NEARLY_DONE), 4))

    DBOS.set_event(PROGRESS_EVENT, 0.0)
    report = work.refresh(progress)
    assert report is not None  # a waiting refresh always runs
    return asdict(report)


def enqueue_index(model: str) -> str:
    """Queue a refresh, or find the one already queued or running; returns its job id."""
    _forget_orphans()
    attributes = {"kind": KIND_INDEX, "model": model}
    with (
        SetWorkflowID(str(uuid.uuid4())),
        SetWorkflowAttributes(attributes),
        SetEnqueueOptions(deduplication_id=_ONE_AT_A_TIME, duplication_policy="return-existing"),
    ):
        handle = DBOS.enqueue_workflow(KNOWLEDGE_QUEUE, index_workflow)
    return handle.workflow_id


def _forget_orphans() -> None:
    """A refresh left running by an earlier server that only queued jobs (its id changes each
    start, so nobody recovers it) would hold the queue's one place for ever: cancel it."""
    running = DBOS.list_workflows(
        name=INDEX_WORKFLOW, status=["PENDING"], load_input=False, load_output=False
    )
    for status in running:
        if status.executor_id != GlobalParams.executor_id:
            log.info("index: job %s was left by a server that is gone; cancelling it", status.workflow_id)
            DBOS.cancel_workflow(status.workflow_id)
