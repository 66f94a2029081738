"""A worker that stops mid-chunk (SIGTERM, server shutdown) leaves the job to resume, not failed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from dbos import DBOS

from homevoice.engines.manager import ModelManager
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState, JobView
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import Settings, load_settings
from tests.fakes.stt import EchoEngine, EchoLoader, request, wav

TIMEOUT_S = 30.0


def runtime(settings: Settings, engine: EchoEngine) -> tuple[JobRuntime, ModelManager[EchoEngine]]:
    models: ModelManager[EchoEngine] = ModelManager(EchoLoader(engine), keep_alive_s=-1)  # type: ignore[arg-type]
    return JobRuntime(settings, TranscriptionService(settings.stt, models), listen=True), models  # type: ignore[arg-type]


def wait_state(service: JobService, job_id: str, state: JobState) -> JobView:
    deadline = time.monotonic() + TIMEOUT_S
    while (view := service.get(job_id)).state is not state and time.monotonic() < deadline:
        time.sleep(0.1)
    return view


def test_stopping_mid_chunk_leaves_the_job_to_resume(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, jobs={"worker_id": "u1"})
    held = EchoEngine(gate=threading.Event())
    first, models = runtime(settings, held)
    service = first.start()
    try:
        job = service.submit_transcription(wav(3.0), "held.wav", request())
        assert held.entered.wait(TIMEOUT_S)
    finally:
        first.stop()
        models.close()  # as a server shuts down: the model goes away under the running chunk
    assert held.exited.wait(TIMEOUT_S)
    held.gate.set()  # type: ignore[union-attr]

    second, _ = runtime(settings, EchoEngine())
    service = second.start()
    try:
        view = wait_state(service, job.id, JobState.SUCCEEDED)
        assert view.state is JobState.SUCCEEDED and view.result is not None
        steps = DBOS.list_workflow_steps(job.id)
        assert [s["function_name"] for s in steps] == [
            "homevoice.plan_chunks",
            "homevoice.transcribe_chunk",
            "homevoice.forget_audio",
        ]
        assert all(s["error"] is None for s in steps)
    finally:
        second.stop()
