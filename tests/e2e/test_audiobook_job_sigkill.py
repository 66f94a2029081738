"""A `homevoice worker` SIGKILLed in the middle of an audiobook resumes it at the chapter it was in,
and no sentence that was already finished is synthesised again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from dbos import DBOS

from homevoice.app import App, build_app
from homevoice.audiobooks.cache import SentenceCache
from homevoice.jobs.audiobook_workflow import AudiobookJobRequest
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState
from homevoice.services.audiobooks import AudiobookRequest
from homevoice.settings import load_settings
from tests.fakes.documents import english_paragraphs, write_pdf
from tests.fakes.workers import READY, cli_env, wait_finished, wait_until

pytestmark = pytest.mark.e2e

VOICE = "en_US-joe-medium"


@pytest.fixture
def data(tmp_path: Path, models_dir: Path) -> Path:
    """A data dir of this test's own (an empty sentence cache), sharing the joined models."""
    folder = tmp_path / "data"
    folder.mkdir()
    (folder / "models").symlink_to(models_dir, target_is_directory=True)
    return folder


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobs.sqlite'}"


@pytest.fixture
def queue(data: Path, database: str) -> Iterator[tuple[App, JobService]]:
    """This test process only queues and reads jobs; the worker is a separate process."""
    settings = load_settings(data_dir=data, jobs={"database_url": database}, audiobooks={"workers": 1})
    app = build_app(settings)
    runtime = JobRuntime(settings, app.transcription, listen=False)
    yield app, runtime.start()
    runtime.stop()
    app.close()


def start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """In a session of its own, so a SIGKILL to its group takes its synthesis processes too."""
    with log.open("wb") as sink:
        return subprocess.Popen(
            [sys.executable, "-m", "homevoice", "worker", "--id", "w1"],
            env=env,
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def chapters_done(job_id: str) -> int:
    steps = DBOS.list_workflow_steps(job_id)
    return sum(1 for s in steps if s["function_name"] == "homevoice.audiobook_chapter" and s["output"])


def test_a_killed_worker_resumes_the_book_without_synthesising_a_finished_sentence_again(
    queue: tuple[App, JobService], data: Path, database: str, tmp_path: Path
) -> None:
    app, jobs = queue
    source = tmp_path / "walk.pdf"
    chapters = [(f"Part {n}", english_paragraphs(3, seed=10 + n)) for n in (1, 2, 3)]
    write_pdf(source, "The Walk", "D. Walker", chapters)
    service = app.audiobooks()
    plan = service.plan(service.load(source), AudiobookRequest(voice=VOICE))
    second_keys = {s.key for s in plan.chapters[1].sentences}
    cache = SentenceCache(data / "audiobooks" / "cache")

    job = jobs.submit_audiobook(source.read_bytes(), source.name, AudiobookJobRequest(voice=VOICE))
    env = cli_env(data, database, audiobooks__workers="1")
    first = start_worker(env, tmp_path / "first.log")
    try:
        # Killed once the first chapter is checkpointed and the second is under way.
        wait_until(
            lambda: chapters_done(job.id) >= 1 and sum(cache.has(k) for k in second_keys) >= 2,
            300,
            "the second chapter to be under way",
        )
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
    finished = {p: p.stat().st_ino for p in cache.root.rglob("*.wav")}
    in_second = sum(cache.has(k) for k in second_keys)
    assert chapters_done(job.id) < 3 and in_second < len(second_keys), "killed too late to test a resume"
    assert jobs.get(job.id).state is JobState.RUNNING

    second = start_worker(env, tmp_path / "second.log")
    try:
        wait_until(lambda: READY in (tmp_path / "second.log").read_text(errors="replace"), 60, "worker start")
        done = wait_finished(jobs, job.id, timeout_s=600)
    finally:
        os.killpg(second.pid, signal.SIGKILL)
        second.wait(timeout=30)

    assert done.state is JobState.SUCCEEDED, done.error
    assert done.result is not None
    # Every finished sentence is the very file written before the kill: none was synthesised again.
    assert {p: p.stat().st_ino for p in finished} == finished
    assert all(cache.has(s.key) for s in plan.unique_sentences())
    assert done.result["cached"] >= in_second
    assert [c["title"] for c in done.result["audiobook"]["chapters"]] == ["Part 1", "Part 2", "Part 3"]
    assert app.audiobook_library().get(job.id).duration > 10
