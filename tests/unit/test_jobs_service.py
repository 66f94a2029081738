"""JobService round trips on real DBOS and a real SQLite file, with a fast fake engine."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from dbos import DBOS

from homevoice.engines.manager import ModelManager
from homevoice.errors import JobError, JobNotFoundError
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState, JobView
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import load_settings
from tests.fakes.stt import EchoEngine, EchoLoader, request, wav

TIMEOUT_S = 30.0


@dataclass
class Jobs:
    service: JobService
    engine: EchoEngine
    data_dir: Path


def wait_for(service: JobService, job_id: str, *states: JobState, progress: float = 0.0) -> JobView:
    """The job once it reaches one of ``states`` (with more than ``progress``), or at the timeout."""
    deadline = time.monotonic() + TIMEOUT_S
    while True:
        view = service.get(job_id)
        if (view.state in states and view.progress >= progress) or time.monotonic() > deadline:
            return view
        time.sleep(0.1)


@pytest.fixture(scope="module")
def jobs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Jobs]:
    data_dir = tmp_path_factory.mktemp("jobs")
    settings = load_settings(data_dir=data_dir, jobs={"chunk_s": 30, "worker_id": "unit"})
    engine = EchoEngine()
    transcription = TranscriptionService(settings.stt, ModelManager(EchoLoader(engine), keep_alive_s=-1))
    runtime = JobRuntime(settings, transcription, listen=True)
    service = runtime.start()
    yield Jobs(service, engine, data_dir)
    runtime.stop()


def test_long_audio_is_transcribed_in_checkpointed_chunks(jobs: Jobs) -> None:
    jobs.engine.calls.clear()
    submitted = jobs.service.submit_transcription(wav(75.0, pauses=(29.0,)), "talk.wav", request())
    assert submitted.state is JobState.QUEUED and submitted.kind == "transcription"
    assert submitted.model == "tiny.en" and abs(submitted.created_at - time.time()) < 60

    done = wait_for(jobs.service, submitted.id, JobState.SUCCEEDED, JobState.FAILED)
    assert done.state is JobState.SUCCEEDED, done.error
    assert done.progress == 1.0 and done.error is None and done.result is not None
    result = done.result
    assert result["task"] == "transcribe" and result["duration"] == pytest.approx(75.0)
    starts = [s["start"] for s in result["segments"]]
    ends = [s["end"] for s in result["segments"]]
    assert [s["id"] for s in result["segments"]] == [0, 1, 2]
    assert starts[0] == 0.0 and 29.0 < starts[1] < 29.5 and ends[-1] == pytest.approx(75.0)
    assert starts[1:] == ends[:-1]  # no audio dropped or repeated between chunks
    # The first chunk detects the language; the others keep it.
    assert [options.language for _, options in jobs.engine.calls] == [None, "en", "en"]

    steps = [s["function_name"] for s in DBOS.list_workflow_steps(submitted.id)]
    assert steps.count("homevoice.transcribe_chunk") == 3
    assert steps[0] == "homevoice.plan_chunks" and steps[-1] == "homevoice.forget_audio"
    assert not _audio_rows(jobs.data_dir)  # the recording is gone once the job is done


def test_options_reach_the_engine(jobs: Jobs) -> None:
    jobs.engine.calls.clear()
    job = jobs.service.submit_transcription(
        wav(2.0), "note.wav", request("base", language="de", word_timestamps=True, prompt="Homevoice")
    )
    done = wait_for(jobs.service, job.id, JobState.SUCCEEDED, JobState.FAILED)
    assert done.state is JobState.SUCCEEDED and done.model == "base"
    assert done.result is not None and done.result["language"] == "de" and done.result["words"]
    options = jobs.engine.calls[-1][1]
    assert (options.language, options.initial_prompt, options.word_timestamps) == ("de", "Homevoice", True)


@pytest.mark.parametrize(
    ("audio", "model", "code"),
    [
        (b"this is not audio at all" * 40, "tiny.en", "unsupported_audio"),
        (b"", "tiny.en", "empty_audio"),
        (wav(1.0), "/nowhere/my-whisper", "model_not_found"),
    ],
)
def test_bad_input_fails_the_job_with_its_code(jobs: Jobs, audio: bytes, model: str, code: str) -> None:
    job = jobs.service.submit_transcription(audio, "upload.ogg", request(model))
    failed = wait_for(jobs.service, job.id, JobState.FAILED, JobState.SUCCEEDED)
    assert failed.state is JobState.FAILED and failed.result is None
    assert failed.error is not None and failed.error["code"] == code
    assert "Traceback" not in failed.error["message"] and failed.error["message"]
    steps = DBOS.list_workflow_steps(job.id)
    failures = [s for s in steps if s["error"] is not None]
    assert len(failures) == 1  # no retries
    assert not _audio_rows(jobs.data_dir)


def test_cancel_a_running_job(jobs: Jobs) -> None:
    jobs.engine.gate = threading.Event()
    jobs.engine.entered.clear()
    try:
        job = jobs.service.submit_transcription(wav(3.0), "long.wav", request())
        assert jobs.engine.entered.wait(TIMEOUT_S)
        running = wait_for(jobs.service, job.id, JobState.RUNNING, progress=0.5)
        assert running.state is JobState.RUNNING and running.progress == 0.5
        jobs.engine.exited.clear()
        cancelled = jobs.service.cancel(job.id)
        assert cancelled.state is JobState.CANCELLED and cancelled.error is None
        assert not _audio_rows(jobs.data_dir)
        # The running chunk stops at its next progress report, still held at the gate.
        assert jobs.engine.exited.wait(TIMEOUT_S)
    finally:
        jobs.engine.gate.set()
        jobs.engine.gate = None
    steps = DBOS.list_workflow_steps(job.id)
    assert [s["function_name"] for s in steps] == ["homevoice.plan_chunks"]
    assert jobs.service.get(job.id).state is JobState.CANCELLED


def test_unknown_jobs_are_not_found(jobs: Jobs) -> None:
    with pytest.raises(JobNotFoundError, match="no job nope"):
        jobs.service.get("nope")
    with pytest.raises(JobNotFoundError):
        jobs.service.cancel("nope")


def test_list_shows_newest_first(jobs: Jobs) -> None:
    first = jobs.service.submit_transcription(wav(1.0), "a.wav", request())
    second = jobs.service.submit_transcription(wav(1.0), "b.wav", request())
    listed = [v.id for v in jobs.service.list(limit=2)]
    assert listed == [second.id, first.id]
    wait_for(jobs.service, second.id, JobState.SUCCEEDED)


def test_jobs_open_no_network_connection(jobs: Jobs, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[object] = []
    real_connect = socket.socket.connect

    def record(self: socket.socket, address: object) -> None:
        attempts.append(address)
        real_connect(self, address)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", record)
    job = jobs.service.submit_transcription(wav(1.0), "a.wav", request())
    assert wait_for(jobs.service, job.id, JobState.SUCCEEDED).state is JobState.SUCCEEDED
    jobs.service.list()
    assert attempts == []


def test_one_runtime_per_process(jobs: Jobs, tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path)
    other = JobRuntime(
        settings, TranscriptionService(settings.stt, ModelManager(EchoLoader(EchoEngine()), -1)), listen=False
    )
    with pytest.raises(JobError, match="already running"):
        other.start()
    other.stop()  # a runtime that never started leaves the running one alone
    assert jobs.service.list(limit=1)


def _audio_rows(data_dir: Path) -> list[str]:
    import sqlite3

    with sqlite3.connect(data_dir / "jobs.sqlite") as conn:
        return [row[0] for row in conn.execute("SELECT job_id FROM homevoice_job_audio")]
