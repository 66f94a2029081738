"""A `homevoice worker` SIGKILLed in the middle of a job resumes it from its last finished chunk."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from dbos import DBOS

from homevoice.app import App
from homevoice.evaluation.wer import EvalClip
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState
from homevoice.settings import load_settings
from tests.fakes.workers import (
    CHUNK_S,
    REQUEST,
    Worker,
    chunk_completions,
    chunks_done,
    cli_env,
    recordings,
    uninterrupted_result,
    wait_finished,
    wait_until,
)

pytestmark = pytest.mark.e2e


@pytest.fixture
def database(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'jobs.sqlite'}"


@pytest.fixture
def jobs(app: App, data_dir: Path, database: str) -> Iterator[JobService]:
    """This test process only queues and reads jobs; the workers are separate processes."""
    settings = load_settings(data_dir=data_dir, jobs={"database_url": database, "chunk_s": CHUNK_S})
    runtime = JobRuntime(settings, app.transcription, listen=False)
    yield runtime.start()
    runtime.stop()


@pytest.fixture
def workers() -> Iterator[list[Worker]]:
    """Workers the test starts; any still running at the end is killed."""
    started: list[Worker] = []
    yield started
    for worker in started:
        if worker.process.poll() is None:
            worker.kill()


def test_killed_worker_resumes_every_job_exactly_once(
    app: App,
    data_dir: Path,
    database: str,
    jobs: JobService,
    clips: list[EvalClip],
    workers: list[Worker],
    tmp_path: Path,
) -> None:
    audio = recordings(clips)
    submitted = {
        name: jobs.submit_transcription(data, f"{name}.wav", REQUEST).id for name, data in audio.items()
    }
    env = cli_env(data_dir, database, jobs__chunk_s=str(CHUNK_S))
    long_id = submitted["long"]

    first = Worker.start(env, "w1", tmp_path / "first.log")
    workers.append(first)
    # Kill it once the long job has finished a chunk but not all of them.
    wait_until(lambda: chunks_done(long_id) >= 1, 120, "the first chunk of the long job")
    first.kill()
    done_before = chunks_done(long_id)
    assert 1 <= done_before < 3 and jobs.get(long_id).state is JobState.RUNNING

    second = Worker.start(env, "w1", tmp_path / "second.log")
    workers.append(second)
    views = {name: wait_finished(jobs, job_id) for name, job_id in submitted.items()}
    assert {name: v.state for name, v in views.items()} == dict.fromkeys(audio, JobState.SUCCEEDED)
    assert second.stop() == 0
    assert "Traceback" not in second.output() and "worker w1 stopped" in second.output()

    logs = first.output() + second.output()
    for name, job_id in submitted.items():
        steps = DBOS.list_workflow_steps(job_id)
        assert all(
            s["error"] is None and s["output"] is not None
            for s in steps
            if s["function_name"] != "homevoice.forget_audio"
        )
        assert len({s["function_id"] for s in steps}) == len(steps)
        chunks = sum(1 for s in steps if s["function_name"] == "homevoice.transcribe_chunk")
        # Each chunk finished once across both runs: none was transcribed again after the restart.
        assert sorted(chunk_completions(logs, job_id)) == [f"{i}/{chunks}" for i in range(1, chunks + 1)], (
            name
        )
    assert len(chunk_completions(first.output(), long_id)) == done_before
    assert chunks_done(long_id) == 3 and chunks_done(submitted["medium"]) == 2

    # The killed job's transcript is the one a run straight through gives.
    assert views["long"].result == uninterrupted_result(app.transcription, audio["long"], CHUNK_S, "tiny.en")
