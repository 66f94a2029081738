"""Durable jobs over plain HTTP: submit, poll, follow as server-sent events, cancel."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from homevoice.audio.codec import decode_audio
from homevoice.evaluation.wer import normalize
from homevoice.jobs.runtime import JobRuntime
from tests.fakes.live_server import live_server
from tests.fakes.media import encode

pytestmark = pytest.mark.e2e

FINISHED = {"succeeded", "failed", "cancelled"}


@pytest.fixture(scope="module")
def jobs_url(http_app: App, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose jobs live in their own SQLite database; chunks of 30 s so long audio has several."""
    data = tmp_path_factory.mktemp("jobs-data")
    (data / "models").symlink_to(http_app.settings.models_dir)
    settings = http_app.settings.model_copy(
        update={"data_dir": data, "jobs": http_app.settings.jobs.model_copy(update={"chunk_s": 30.0})}
    )
    app = replace(http_app, settings=settings)
    with live_server(create_api(app, JobRuntime(settings, app.transcription, listen=True))) as url:
        yield url


@pytest.fixture(scope="module")
def http(jobs_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=jobs_url, timeout=60) as client:
        yield client


@pytest.fixture(scope="module")
def long_audio(clip: Callable[[str], Path]) -> bytes:
    """About 70 s of speech: three chunks."""
    names = ["en_mfa_surround", "en_vosk_digits", "en_ljspeech_LJ050-0131", "en_librivox_sense_0870"]
    pause = np.zeros(16_000, dtype=np.float32)
    parts = [decode_audio(clip(n)).samples for n in names] * 2
    return encode(np.concatenate([p for part in parts for p in (part, pause)]), 16_000, "oga")


def submit(http: httpx.Client, audio: bytes, name: str = "a.wav", **form: str) -> dict[str, Any]:
    answer = http.post("/v1/jobs/transcriptions", files={"file": (name, audio)}, data=form)
    assert answer.status_code == 202, answer.text
    assert answer.headers["Location"] == f"/v1/jobs/{answer.json()['id']}"
    job: dict[str, Any] = answer.json()
    return job


def wait(http: httpx.Client, job_id: str, timeout_s: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job: dict[str, Any] = http.get(f"/v1/jobs/{job_id}").json()
        if job["state"] in FINISHED:
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_job_gives_verbose_json(http: httpx.Client, clip: Callable[[str], Path]) -> None:
    job = submit(
        http, clip("en_sb_spk1_snt1").read_bytes(), "Лекция 1.wav", model="whisper-1", word_timestamps="true"
    )
    assert job["state"] in {"queued", "running"} and job["model"] == "tiny.en"
    assert job["name"] == "Лекция 1.wav"
    done = wait(http, job["id"])
    assert done["state"] == "succeeded" and done["progress"] == 1.0 and done["error"] is None
    result = done["result"]
    assert normalize(result["text"], "en") == "the child almost hurt the small dog"
    assert result["language"] == "en" and result["segments"] and result["words"]
    assert job["id"] in [j["id"] for j in http.get("/v1/jobs").json()["data"]]
    metrics = http.get("/metrics").text
    assert 'homevoice_jobs{state="queued"} 0.0' in metrics and 'homevoice_jobs{state="running"}' in metrics


def test_events_report_progress_then_the_finished_job(http: httpx.Client, long_audio: bytes) -> None:
    job = submit(http, long_audio, "long.oga")
    events: list[tuple[str, dict[str, Any]]] = []
    with http.stream("GET", f"/v1/jobs/{job['id']}/events", timeout=600) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                events.append((name, json.loads(line.removeprefix("data: "))))
    progress = [data["progress"] for kind, data in events if kind == "progress"]
    assert progress == sorted(progress) and any(0 < p < 1 for p in progress), progress
    kind, final = events[-1]
    assert kind == "done" and final["state"] == "succeeded"
    segments = final["result"]["segments"]
    assert final["result"]["duration"] == pytest.approx(
        len(decode_audio(long_audio).samples) / 16_000, abs=0.1
    )
    assert all(a["end"] <= b["start"] + 0.01 for a, b in itertools.pairwise(segments)), [
        (s["start"], s["end"]) for s in segments
    ]
    assert "montreal" in normalize(final["result"]["text"], "en")


def test_cancel_a_queued_job(http: httpx.Client, long_audio: bytes) -> None:
    running = submit(http, long_audio, "first.oga")
    queued = submit(http, long_audio, "second.oga")  # one job at a time per model: this one waits
    cancelled = http.delete(f"/v1/jobs/{queued['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert wait(http, running["id"])["state"] == "succeeded"
    assert http.get(f"/v1/jobs/{queued['id']}").json()["state"] == "cancelled"
    again = http.delete(f"/v1/jobs/{running['id']}")
    assert again.status_code == 409 and again.json()["error"]["code"] == "job_finished"


def test_bad_audio_fails_the_job_with_a_clear_error(http: httpx.Client) -> None:
    job = submit(http, b"this is not audio at all" * 100, "notes.mp3")
    done = wait(http, job["id"])
    assert done["state"] == "failed" and done["result"] is None
    assert done["error"]["code"] == "unsupported_audio" and "notes.mp3" in done["error"]["message"]


def test_client_errors(http: httpx.Client) -> None:
    missing = http.get("/v1/jobs/no-such-job")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "job_not_found"
    assert http.get("/v1/jobs/no-such-job/events").status_code == 404
    assert http.delete("/v1/jobs/no-such-job").status_code == 404
    empty = http.post("/v1/jobs/transcriptions", files={"file": ("a.ogg", b"")})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_audio"
    unknown = http.post("/v1/jobs/transcriptions", files={"file": ("a.ogg", b"x")}, data={"model": "huge"})
    assert unknown.status_code == 404
