"""Webhook deliveries for real: DBOS on SQLite in a temporary data dir, a receiver over HTTP on
127.0.0.1 that checks every signature, and a fast fake engine (no real models).

One DBOS per process: every test starts its own runtime and stops it before the next."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from dbos import DBOS
from fastapi import FastAPI, Request, Response

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord
from homevoice.engines.base import TextToSpeech
from homevoice.engines.manager import ModelManager
from homevoice.jobs import capture_workflow, webhook_workflow
from homevoice.jobs.capture_workflow import CaptureContext, CaptureNotice
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobState
from homevoice.services.speech import SpeechService
from homevoice.services.transcription import TranscriptionService
from homevoice.services.webhooks import WebhookService, verify
from homevoice.settings import Settings, load_settings
from tests.fakes.live_server import free_port, live_server
from tests.fakes.stt import EchoEngine, EchoLoader, request, wav

SECRET = "n8n-shared-secret"
TIMEOUT_S = 30.0


@dataclass
class Delivery:
    event: str
    delivery: str
    body: dict[str, Any]
    status: int


@dataclass
class Receiver:
    """Records every POST; answers with queued statuses (then 200); 401 for a bad signature."""

    secret: str | None = SECRET
    answers: deque[int] = field(default_factory=deque)
    attempts: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def api(self) -> FastAPI:
        api = FastAPI()

        @api.post("/hook")
        async def hook(request: Request) -> Response:
            raw = await request.body()
            signature = request.headers.get("X-Homevoice-Signature")
            if self.secret is not None and not verify(self.secret, raw, signature):
                status = 401
            else:
                with self.lock:
                    status = self.answers.popleft() if self.answers else 200
            assert request.headers["Content-Type"] == "application/json"
            with self.lock:
                self.attempts.append(
                    Delivery(
                        request.headers["X-Homevoice-Event"],
                        request.headers["X-Homevoice-Delivery"],
                        json.loads(raw),
                        status,
                    )
                )
            return Response(status_code=status, headers={"Retry-After": "0"} if status == 429 else None)

        @api.post("/gone")
        async def gone(request: Request) -> Response:
            body = await request.body()
            with self.lock:
                self.attempts.append(
                    Delivery("?", request.headers["X-Homevoice-Delivery"], json.loads(body), 410)
                )
            return Response(status_code=410)

        return api

    def delivered(self) -> list[Delivery]:
        with self.lock:
            return [a for a in self.attempts if 200 <= a.status < 300]

    def wait_for(self, count: int, timeout: float = TIMEOUT_S) -> list[Delivery]:
        deadline = time.monotonic() + timeout
        while len(self.delivered()) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.delivered()


@pytest.fixture(autouse=True)
def fast_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_workflow, "RETRY_FIRST_S", 0.1)
    monkeypatch.setattr(webhook_workflow, "RETRY_MAX_S", 0.3)
    monkeypatch.setattr(webhook_workflow, "TIMEOUT_S", 5.0)


def make_settings(data_dir: Path, port: int, *, path: str = "/hook", **hook: Any) -> Settings:
    return load_settings(
        data_dir=data_dir,
        jobs={"worker_id": "webhooks", "chunk_s": 30},
        webhooks=[{"url": f"http://127.0.0.1:{port}{path}", "secret": SECRET, **hook}],
    )


def transcription(settings: Settings, engine: EchoEngine | None = None) -> TranscriptionService:
    models: ModelManager[Any] = ModelManager(EchoLoader(engine or EchoEngine()), keep_alive_s=-1)
    return TranscriptionService(settings.stt, models)


@contextmanager
def running(settings: Settings, engine: EchoEngine | None = None) -> Iterator[JobService]:
    runtime = JobRuntime(settings, transcription(settings, engine), listen=True)
    service = runtime.start()
    try:
        yield service
    finally:
        runtime.stop()


def publisher() -> WebhookService:
    webhooks = webhook_workflow.publisher()
    assert webhooks is not None, "the runtime binds the webhooks"
    return webhooks


def wait_until(condition: Callable[[], bool], timeout: float = TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.05)


def finished(delivery_id: str) -> dict[str, Any] | None:
    status = DBOS.get_workflow_status(delivery_id)
    if status is None or status.status != "SUCCESS":
        return None
    output: dict[str, Any] = DBOS.retrieve_workflow(delivery_id).get_result()
    return output


def posts(delivery_id: str) -> int:
    steps = DBOS.list_workflow_steps(delivery_id)
    return sum(1 for s in steps if s["function_name"] == "homevoice.webhook_post" and s["output"] is not None)


def assert_exactly_once(receiver: Receiver, ids: list[str]) -> None:
    time.sleep(0.8)  # longer than any retry wait: a duplicate would have arrived by now
    counts = Counter(d.delivery for d in receiver.delivered())
    assert counts == Counter(ids), counts


def test_each_event_reaches_each_subscriber_once_signed(tmp_path: Path) -> None:
    receiver = Receiver()
    with live_server(receiver.api()) as url:
        port = int(url.rsplit(":", 1)[1])
        settings = make_settings(tmp_path, port, events=["note.created", "command.received"])
        with running(settings):
            ids = publisher().send("note.created", {"note_path": "Inbox/a.md", "transcript": "привет"})
            ids += publisher().send("command.received", {"text": "turn on the lights"})
            assert publisher().send("job.finished", {"job_id": "j"}) == []  # not subscribed
            ids += publisher().send("note.created", {"note_path": "Inbox/b.md", "transcript": "two"})
            assert len(ids) == len(set(ids)) == 3
            delivered = receiver.wait_for(3)
            assert_exactly_once(receiver, ids)
            assert all(finished(i) == {"delivered": True, "status": 200, "attempts": 1} for i in ids)
    assert all(a.status == 200 for a in receiver.attempts)  # every signature checked out
    first = next(d for d in delivered if d.delivery == ids[0])
    assert first.event == "note.created" and first.body["event"] == "note.created"
    assert first.body["data"] == {"note_path": "Inbox/a.md", "transcript": "привет"}
    assert set(first.body) == {"id", "event", "created", "data"}
    assert [d.event for d in sorted(delivered, key=lambda d: ids.index(d.delivery))] == [
        "note.created",
        "command.received",
        "note.created",
    ]


def test_deliveries_wait_out_a_receiver_that_is_down(tmp_path: Path) -> None:
    port = free_port()
    receiver = Receiver()
    with running(make_settings(tmp_path, port)):
        ids = [publisher().send("command.received", {"n": n})[0] for n in range(3)]
        wait_until(lambda: all(posts(i) >= 2 for i in ids))  # refused, and tried again
        assert not any(finished(i) for i in ids)
        with live_server(receiver.api(), port=port):
            delivered = receiver.wait_for(3)
            assert_exactly_once(receiver, ids)
    assert sorted(d.body["data"]["n"] for d in delivered) == [0, 1, 2]


def test_server_errors_and_429_are_retried(tmp_path: Path) -> None:
    receiver = Receiver(answers=deque([503, 429, 500]))
    with live_server(receiver.api()) as url, running(make_settings(tmp_path, int(url.rsplit(":", 1)[1]))):
        [delivery] = publisher().send("transcript.ready", {"text": "hello"})
        receiver.wait_for(1)
        assert_exactly_once(receiver, [delivery])
        assert finished(delivery) == {"delivered": True, "status": 200, "attempts": 4}
    assert [a.status for a in receiver.attempts] == [503, 429, 500, 200]
    assert {a.delivery for a in receiver.attempts} == {delivery}  # the same id on every retry
    assert len({json.dumps(a.body) for a in receiver.attempts}) == 1


@pytest.mark.parametrize("refusal", [410, 400])
def test_a_refusal_stops_the_retries(tmp_path: Path, refusal: int) -> None:
    receiver = Receiver(answers=deque([refusal]))
    with live_server(receiver.api()) as url:
        path = "/gone" if refusal == 410 else "/hook"
        with running(make_settings(tmp_path, int(url.rsplit(":", 1)[1]), path=path)):
            [delivery] = publisher().send("job.finished", {"job_id": "j"})
            wait_until(lambda: finished(delivery) is not None)
            time.sleep(0.8)
            result = finished(delivery)
            assert result is not None and result["delivered"] is False and result["status"] == refusal
            assert posts(delivery) == 1
    assert [a.status for a in receiver.attempts] == [refusal]


def test_a_wrong_secret_is_refused_by_the_receiver_and_not_retried(tmp_path: Path) -> None:
    receiver = Receiver(secret="another secret")
    with live_server(receiver.api()) as url, running(make_settings(tmp_path, int(url.rsplit(":", 1)[1]))):
        [delivery] = publisher().send("job.finished", {"job_id": "j"})
        wait_until(lambda: finished(delivery) is not None)
    assert [a.status for a in receiver.attempts] == [401]


def test_a_restart_mid_backoff_still_delivers_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(webhook_workflow, "RETRY_FIRST_S", 1.5)
    monkeypatch.setattr(webhook_workflow, "RETRY_MAX_S", 1.5)
    port = free_port()
    settings = make_settings(tmp_path, port)
    with running(settings):
        ids = publisher().send("note.created", {"note_path": "Inbox/a.md"})
        ids += publisher().send("job.finished", {"job_id": "j"})
        wait_until(lambda: all(posts(i) == 1 for i in ids))  # refused once, now waiting
    # The old runtime's deliveries left their threads; nothing is sent while none runs.
    receiver = Receiver()
    with live_server(receiver.api(), port=port):
        time.sleep(2.0)
        assert receiver.attempts == []
        with running(settings):  # the same worker id: DBOS recovers the pending deliveries
            receiver.wait_for(2)
            assert_exactly_once(receiver, ids)
            assert all((finished(i) or {}).get("attempts") == 2 for i in ids)
    assert len(receiver.attempts) == 2


def test_a_finished_job_emits_job_finished(tmp_path: Path) -> None:
    receiver = Receiver()
    with live_server(receiver.api()) as url:
        settings = make_settings(tmp_path, int(url.rsplit(":", 1)[1]), events=["job.finished"])
        with running(settings) as jobs:
            good = jobs.submit_transcription(wav(3.0), "a.wav", request())
            bad = jobs.submit_transcription(b"this is not audio", "b.wav", request())
            delivered = receiver.wait_for(2)
            assert_exactly_once(receiver, [d.delivery for d in delivered])
            assert jobs.get(good.id).state is JobState.SUCCEEDED
            assert jobs.get(bad.id).state is JobState.FAILED
            steps = [s["function_name"] for s in DBOS.list_workflow_steps(good.id)]
            assert steps[-2:] == ["homevoice.forget_audio", "homevoice.publish_job_finished"]
    events = {d.body["data"]["job_id"]: d.body for d in delivered}
    assert all(e["event"] == "job.finished" for e in events.values())
    assert events[good.id]["data"] == {
        "job_id": good.id,
        "state": "succeeded",
        "model": "tiny.en",
        "task": "transcribe",
        "language": "en",
        "duration": 3.0,
        "text": "3.00 s",
        "error": None,
    }
    failed = events[bad.id]["data"]
    assert failed["state"] == "failed" and failed["text"] is None and failed["duration"] is None
    assert failed["error"]["code"] and failed["error"]["message"]


def test_jobs_keep_their_steps_without_job_finished_subscribers(tmp_path: Path) -> None:
    with running(make_settings(tmp_path, free_port(), events=["note.created"])) as jobs:
        job = jobs.submit_transcription(wav(1.0), "a.wav", request())
        wait_until(lambda: jobs.get(job.id).state is JobState.SUCCEEDED)
        steps = [s["function_name"] for s in DBOS.list_workflow_steps(job.id)]
    assert steps == ["homevoice.plan_chunks", "homevoice.transcribe_chunk", "homevoice.forget_audio"]


def test_a_saved_capture_emits_note_created(tmp_path: Path) -> None:
    receiver = Receiver()
    with live_server(receiver.api()) as url:
        settings = make_settings(tmp_path, int(url.rsplit(":", 1)[1]), events=["note.created"])
        app = echo_app(settings)
        notices: list[CaptureNotice] = []
        capture = app.capture()
        try:
            with running(settings):
                capture_workflow.binding.bind(CaptureContext(capture, notices.append))
                try:
                    key = CaptureKey(chat_id=5, message_id=77)
                    record = CaptureRecord(
                        key, user_id=9, kind=CaptureKind.VOICE, sent_at=1_740_000_000.0, duration_s=2.0
                    )
                    assert capture.receive(record, wav(2.0))
                    capture_workflow.start_capture(key)
                    [delivery] = receiver.wait_for(1)
                    assert_exactly_once(receiver, [delivery.delivery])
                finally:
                    capture_workflow.binding.unbind()
        finally:
            app.close()
    data = delivery.body["data"]
    assert delivery.event == "note.created"
    assert data["note_path"].startswith("Inbox/") and data["note_path"].endswith(".md")
    assert (settings.vault_dir / data["note_path"]).is_file()
    assert data["vault"] == "vault" and data["type"] == "voice" and data["source"] == "telegram"
    assert data["transcript"] == "2.00 s" and data["language"] == "en" and data["error"] is None
    assert data["telegram"] == {"chat_id": 5, "message_id": 77, "user_id": 9}
    assert data["sent_at"] == "2025-02-19T21:20:00Z" and data["duration"] == 2.0
    assert notices and notices[-1].note_path == data["note_path"]


def echo_app(settings: Settings) -> App:
    """The composition root over the fast fake engine (speech to text only)."""
    stt = ModelManager[Any](EchoLoader(EchoEngine()), keep_alive_s=-1)

    def no_voices(name: str) -> TextToSpeech:
        raise AssertionError("no speech in these tests")

    voices = ModelManager[TextToSpeech](no_voices, keep_alive_s=-1)
    return App(
        settings,
        stt,
        TranscriptionService(settings.stt, stt),
        voices,
        SpeechService(settings.tts, voices),
        webhooks=WebhookService(settings.webhooks),
    )


@pytest.mark.parametrize("stream", [False, True])
def test_an_http_transcription_emits_transcript_ready(tmp_path: Path, stream: bool) -> None:
    receiver = Receiver()
    with live_server(receiver.api()) as hook_url:
        settings = make_settings(tmp_path, int(hook_url.rsplit(":", 1)[1]), events=["transcript.ready"])
        app = echo_app(settings)
        runtime = JobRuntime(settings, app.transcription, listen=True)
        try:
            with live_server(create_api(app, runtime)) as url:
                answer = httpx.post(
                    f"{url}/v1/audio/transcriptions",
                    files={"file": ("a.wav", wav(2.0))},
                    data={"model": "whisper-1", "stream": str(stream).lower()},
                    timeout=TIMEOUT_S,
                )
                assert answer.status_code == 200, answer.text
                assert "2.00 s" in answer.text
                [delivery] = receiver.wait_for(1)
                assert_exactly_once(receiver, [delivery.delivery])
        finally:
            app.close()
    assert delivery.event == "transcript.ready"
    assert delivery.body["data"] == {"text": "2.00 s", "language": "en", "duration": 2.0, "model": "base"}


def test_without_the_jobs_runtime_a_transcription_sends_nothing(tmp_path: Path) -> None:
    receiver = Receiver()
    with live_server(receiver.api()) as hook_url:
        settings = make_settings(tmp_path, int(hook_url.rsplit(":", 1)[1]))
        app = echo_app(settings)
        try:
            with live_server(create_api(app)) as url:
                answer = httpx.post(
                    f"{url}/v1/audio/transcriptions", files={"file": ("a.wav", wav(1.0))}, timeout=TIMEOUT_S
                )
                assert answer.status_code == 200
                time.sleep(0.5)
        finally:
            app.close()
    assert receiver.attempts == []
