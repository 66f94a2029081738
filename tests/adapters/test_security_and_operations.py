"""Keys, limits, back-pressure, health, metrics and docs over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import httpx
import numpy as np
import openai
import pytest
from pydantic import SecretStr

from homevoice.app import App
from homevoice.audio.codec import decode_audio
from tests.adapters.conftest import ServerFactory
from tests.fakes.media import encode

pytestmark = pytest.mark.e2e


def test_api_keys_guard_every_route_but_health(
    make_server: ServerFactory, clip: Callable[[str], Path]
) -> None:
    with make_server(api_keys=[SecretStr("k1"), SecretStr("k2")]) as url:
        with httpx.Client(base_url=url) as http:
            assert http.get("/healthz").status_code == 200
            for path in ("/v1/models", "/metrics", "/openapi.json", "/docs"):
                refused = http.get(path)
                assert refused.status_code == 401, path
                assert refused.json()["error"]["code"] == "invalid_api_key"
            assert http.get("/v1/models", headers={"Authorization": "Bearer k3"}).status_code == 401
            assert http.get("/v1/models", headers={"Authorization": "Basic k1"}).status_code == 401
        with pytest.raises(openai.AuthenticationError):
            openai.OpenAI(base_url=f"{url}/v1", api_key="wrong", max_retries=0).models.list()
        good = openai.OpenAI(base_url=f"{url}/v1", api_key="k2", max_retries=0)
        with clip("en_sb_spk1_snt1").open("rb") as audio:
            assert good.audio.transcriptions.create(model="whisper-1", file=audio).text


def test_an_oversized_upload_gets_413(make_server: ServerFactory, http_app: App) -> None:
    small = http_app.settings.http.model_copy(update={"max_upload_mb": 0.05})
    with make_server(http=small) as url, httpx.Client(base_url=url) as http:
        big = {"file": ("big.wav", b"\0" * 200_000)}
        answer = http.post("/v1/audio/transcriptions", files=big)
        assert answer.status_code == 413
        assert answer.json()["error"]["code"] == "request_too_large"

        def chunks() -> object:
            yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n'
            for _ in range(40):  # no Content-Length: the limit applies as the body streams in
                yield b"\0" * 10_000

        streamed = http.post(
            "/v1/audio/transcriptions",
            content=chunks(),  # type: ignore[arg-type]
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        assert streamed.status_code == 413


def test_a_full_model_queue_answers_429_with_retry_after(
    make_server: ServerFactory, http_app: App, clip: Callable[[str], Path]
) -> None:
    pause = np.zeros(8000, dtype=np.float32)
    samples = decode_audio(clip("en_mfa_surround")).samples
    audio = encode(np.concatenate([samples, pause, samples]), 16_000, "wav")
    tight = http_app.settings.http.model_copy(update={"concurrency_per_model": 1, "max_waiting_per_model": 1})

    async def burst(url: str) -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=url, timeout=300) as http:
            requests = [
                http.post(
                    "/v1/audio/transcriptions", files={"file": ("a.wav", audio)}, data={"model": "tiny.en"}
                )
                for _ in range(5)
            ]
            return list(await asyncio.gather(*requests))

    with make_server(http=tight) as url:
        answers = asyncio.run(burst(url))
    statuses = sorted(a.status_code for a in answers)
    assert statuses.count(200) >= 2 and 429 in statuses, statuses
    refused = next(a for a in answers if a.status_code == 429)
    assert int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["code"] == "busy"


def test_health_metrics_and_docs(server_url: str, clip: Callable[[str], Path]) -> None:
    with httpx.Client(base_url=server_url, timeout=120) as http:
        assert http.get("/healthz").json()["status"] == "ok"
        with clip("en_sb_spk1_snt1").open("rb") as audio:
            assert http.post("/v1/audio/transcriptions", files={"file": audio}).status_code == 200
        metrics = http.get("/metrics").text
        assert (
            'homevoice_http_requests_total{method="POST",route="/v1/audio/transcriptions",status="200"}'
            in metrics
        )
        assert 'homevoice_model_loaded{model="tiny.en"} 1.0' in metrics
        assert "homevoice_http_request_duration_seconds_bucket" in metrics
        assert 'homevoice_model_requests_waiting{model="tiny.en"} 0.0' in metrics
        spec = http.get("/openapi.json").json()
        assert {"/v1/audio/transcriptions", "/v1/audio/translations", "/v1/models"} <= set(spec["paths"])
        assert "swagger" in http.get("/docs").text.lower()
        missing = http.get("/v1/nothing-here")
        assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
