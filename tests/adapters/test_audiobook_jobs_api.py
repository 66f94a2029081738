"""Audiobooks as durable jobs over HTTP: upload a document, follow the job, fetch the book and its feed."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from homevoice.audiobooks.secret import podcast_secret
from homevoice.jobs.runtime import JobRuntime
from tests.fakes.documents import write_epub, write_scanned_pdf
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

FINISHED = {"succeeded", "failed", "cancelled"}
NOTE = "# Morning\n\nThe sun rose over the hills. Birds began to sing.\n\n# Evening\n\nThe day was over. Lamps were lit in every window.\n"


@pytest.fixture(scope="module")
def books_server(http_app: App, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, App]]:
    data = tmp_path_factory.mktemp("audiobook-data")
    (data / "models").symlink_to(http_app.settings.models_dir)
    settings = http_app.settings.model_copy(
        update={
            "data_dir": data,
            "audiobooks": http_app.settings.audiobooks.model_copy(update={"workers": 2}),
        }
    )
    app = replace(http_app, settings=settings)
    runtime = JobRuntime(settings, app.transcription, listen=True, audiobooks=app.audiobooks())
    with live_server(create_api(app, runtime)) as url:
        yield url, app
    app.audiobooks().close()


@pytest.fixture(scope="module")
def http(books_server: tuple[str, App]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=books_server[0], timeout=60) as client:
        yield client


def wait(http: httpx.Client, job_id: str, timeout_s: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    seen: set[float] = set()
    while time.monotonic() < deadline:
        job: dict[str, Any] = http.get(f"/v1/jobs/{job_id}").json()
        seen.add(job["progress"])
        if job["state"] in FINISHED:
            job["seen_progress"] = sorted(seen)
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


def test_a_markdown_upload_becomes_a_book_in_the_library_and_the_feed(
    http: httpx.Client, books_server: tuple[str, App]
) -> None:
    answer = http.post(
        "/v1/jobs/audiobooks", files={"file": ("day.md", NOTE.encode())}, data={"voice": "en_US-joe-medium"}
    )
    assert answer.status_code == 202, answer.text
    job = answer.json()
    assert job["kind"] == "audiobook" and job["state"] in {"queued", "running"} and job["name"] == "day.md"
    done = wait(http, job["id"])
    assert done["state"] == "succeeded", done["error"]
    result = done["result"]
    assert result["synthesised"] == 6 and result["cached"] == 0  # 2 titles + 4 sentences
    book = result["audiobook"]
    assert book["id"] == job["id"] and [c["title"] for c in book["chapters"]] == ["Morning", "Evening"]

    listed = http.get("/v1/audiobooks").json()["data"]
    assert job["id"] in [b["id"] for b in listed]
    audio = http.get(f"/v1/audiobooks/{job['id']}/files/book.m4b")
    assert audio.status_code == 200 and len(audio.content) == book["files"][0]["bytes"]

    secret = podcast_secret(books_server[1].settings)
    feed = http.get(f"/podcast/{secret}/feed.xml")
    assert feed.status_code == 200
    items = ET.fromstring(feed.content).findall("./channel/item")
    assert any(job["id"] in (item.findtext("guid") or "") for item in items)


def test_the_same_document_again_is_all_cached(http: httpx.Client) -> None:
    first = wait(http, http.post("/v1/jobs/audiobooks", files={"file": ("a.epub", _epub())}).json()["id"])
    second = wait(http, http.post("/v1/jobs/audiobooks", files={"file": ("b.epub", _epub())}).json()["id"])
    assert first["state"] == second["state"] == "succeeded"
    assert second["result"]["synthesised"] == 0
    assert second["result"]["cached"] == first["result"]["synthesised"] + first["result"]["cached"]


def test_bad_requests_fail_early_or_as_a_job_with_a_clear_code(http: httpx.Client, tmp_path: Path) -> None:
    empty = http.post("/v1/jobs/audiobooks", files={"file": ("a.pdf", b"")})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_document"
    voice = http.post(
        "/v1/jobs/audiobooks", files={"file": ("a.md", NOTE.encode())}, data={"voice": "nobody"}
    )
    assert voice.status_code == 400 and voice.json()["error"]["code"] == "unknown_voice"
    chapters = http.post(
        "/v1/jobs/audiobooks", files={"file": ("a.md", NOTE.encode())}, data={"chapters": "3-1"}
    )
    assert chapters.status_code == 400 and chapters.json()["error"]["code"] == "invalid_chapters"

    scanned = tmp_path / "scan.pdf"
    write_scanned_pdf(scanned)
    job = http.post("/v1/jobs/audiobooks", files={"file": ("scan.pdf", scanned.read_bytes())}).json()
    done = wait(http, job["id"])
    assert done["state"] == "failed" and done["error"]["code"] == "no_text_layer"


def _epub() -> bytes:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tales.epub"
        write_epub(path, "Tales", "B. Author", [("Night", ["The stars were out.", "An owl called twice."])])
        return path.read_bytes()
