"""Two `homevoice worker` processes share the queues through a real PostgreSQL server."""

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
from tests.fakes.postgres import postgres_server
from tests.fakes.workers import (
    CHUNK_S,
    REQUEST,
    Worker,
    chunk_completions,
    chunks_done,
    cli_env,
    recordings,
    run_cli,
    wait_finished,
    wait_until,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    with postgres_server() as server:
        yield f"{server}/homevoice"


@pytest.fixture(scope="module")
def jobs(app: App, data_dir: Path, database: str) -> Iterator[JobService]:
    settings = load_settings(data_dir=data_dir, jobs={"database_url": database, "chunk_s": CHUNK_S})
    runtime = JobRuntime(settings, app.transcription, listen=False)
    yield runtime.start()
    runtime.stop()


@pytest.fixture(scope="module")
def workers(
    data_dir: Path, database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Worker]]:
    """w1 and w2, started together and ready before any job is queued."""
    logs = tmp_path_factory.mktemp("worker-logs")
    env = cli_env(data_dir, database, jobs__chunk_s=str(CHUNK_S))
    running = {wid: Worker.start(env, wid, logs / f"{wid}.log") for wid in ("w1", "w2")}
    for worker in running.values():
        worker.wait_ready()
    yield running
    for worker in running.values():
        if worker.process.poll() is None:
            worker.kill()


@pytest.fixture(scope="module")
def audio(clips: list[EvalClip]) -> dict[str, bytes]:
    return recordings(clips)


def test_workers_share_the_queues_and_a_killed_one_finishes_after_restart(
    jobs: JobService, workers: dict[str, Worker], audio: dict[str, bytes], data_dir: Path, database: str
) -> None:
    names = ["long", "medium", "short", "short"]
    submitted = [jobs.submit_transcription(audio[name], f"{name}.wav", REQUEST).id for name in names]
    # Kill whichever worker holds a multi-chunk job once it has finished one chunk of it.
    victim_job = wait_until(lambda: _mid_job(submitted[0]), 120, "the long job a chunk in")
    victim = _executor(victim_job)
    done_before = chunks_done(victim_job)
    old = workers[victim]
    old.kill()
    assert jobs.get(victim_job).state is JobState.RUNNING

    env = cli_env(data_dir, database, jobs__chunk_s=str(CHUNK_S))
    workers[victim] = Worker.start(env, victim, old.log.with_name(f"{victim}-restarted.log"))
    views = [wait_finished(jobs, job_id) for job_id in submitted]
    assert [v.state for v in views] == [JobState.SUCCEEDED] * len(names)
    other = "w2" if victim == "w1" else "w1"
    assert chunk_completions(old.output()) and chunk_completions(workers[other].output())  # both ran jobs
    # The restart hands the job back to its queue (DBOS recovers by re-enqueueing), so either
    # worker may finish it; what matters is that each chunk was finished once.
    logs = old.output() + "".join(w.output() for w in workers.values())
    chunks = chunks_done(victim_job)
    assert sorted(chunk_completions(logs, victim_job)) == [f"{i}/{chunks}" for i in range(1, chunks + 1)]
    assert len(chunk_completions(old.output(), victim_job)) == done_before
    assert views[2].result == views[3].result and views[2].result is not None


def test_recover_hands_a_dead_workers_job_to_the_live_one(
    jobs: JobService, workers: dict[str, Worker], audio: dict[str, bytes], data_dir: Path, database: str
) -> None:
    job_id = jobs.submit_transcription(audio["long"], "long.wav", REQUEST).id
    wait_until(lambda: _mid_job(job_id), 120, "the long job a chunk in")
    dead = _executor(job_id)
    alive = "w2" if dead == "w1" else "w1"
    workers[dead].kill()
    assert jobs.get(job_id).state is JobState.RUNNING

    env = cli_env(data_dir, database)
    recovered = run_cli(env, "jobs", "recover", "--worker", dead)
    assert recovered.returncode == 0, recovered.stderr
    assert recovered.stdout.strip() == f"handed 1 job(s) of worker {dead} back to the queues"

    view = wait_finished(jobs, job_id)
    assert view.state is JobState.SUCCEEDED and _executor(job_id) == alive
    steps = DBOS.list_workflow_steps(job_id)
    assert sum(s["function_name"] == "homevoice.transcribe_chunk" for s in steps) == 3
    assert len({s["function_id"] for s in steps}) == len(steps)
    logs = workers[dead].output() + workers[alive].output()
    assert sorted(chunk_completions(logs, job_id)) == ["1/3", "2/3", "3/3"]

    again = run_cli(env, "jobs", "recover", "--worker", dead)
    assert again.stdout.strip() == f"handed 0 job(s) of worker {dead} back to the queues"
    listed = run_cli(env, "jobs", "list", "--limit", "3")
    assert listed.returncode == 0 and job_id in listed.stdout and "succeeded" in listed.stdout
    assert workers[alive].stop() == 0


def _mid_job(job_id: str) -> str | None:
    """The job, once it runs with its first chunk (of three) finished."""
    status = DBOS.get_workflow_status(job_id)
    running = status is not None and status.status == "PENDING"
    return job_id if running and chunks_done(job_id) >= 1 else None


def _executor(job_id: str) -> str:
    status = DBOS.get_workflow_status(job_id)
    assert status is not None and status.executor_id is not None
    return status.executor_id
