"""A bounded job queue: refusing work beats filling the disk with queued audio."""

from __future__ import annotations

from pathlib import Path

import pytest

from homevoice.engines.manager import ModelManager
from homevoice.errors import BusyError
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobState
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import load_settings
from tests.fakes.stt import EchoEngine, EchoLoader, request, wav


def test_a_full_queue_refuses_new_jobs(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, jobs={"max_queued_per_model": 2, "worker_id": "full"})
    engine = EchoEngine()
    transcription = TranscriptionService(settings.stt, ModelManager(EchoLoader(engine), keep_alive_s=-1))
    runtime = JobRuntime(settings, transcription, listen=False)  # nobody takes the jobs: they stay queued
    service = runtime.start()
    try:
        for _ in range(2):
            service.submit_transcription(wav(1.0), "a.wav", request())
        assert service.counts() == {JobState.QUEUED: 2, JobState.RUNNING: 0}
        with pytest.raises(BusyError) as refused:
            service.submit_transcription(wav(1.0), "a.wav", request())
        assert refused.value.retry_after_s > 0 and "tiny.en" in refused.value.message
        assert len(service.list()) == 2  # the refused upload was not stored as a job
    finally:
        runtime.stop()
