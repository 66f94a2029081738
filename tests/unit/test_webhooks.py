"""Webhook events without a network: signatures, who gets what, the body, the retry schedule,
and the n8n workflows shipped in the docs."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from homevoice.jobs import webhook_workflow
from homevoice.services.webhooks import (
    WebhookService,
    delivery_id,
    event_body,
    sign,
    verify,
)
from homevoice.settings import load_settings
from homevoice.settings_integrations import WebhookSettings

ROOT = Path(__file__).resolve().parents[2]


def hook(url: str, events: list[str] | None = None, secret: str | None = None) -> WebhookSettings:
    fields: dict[str, Any] = {"url": url, "secret": secret}
    if events is not None:
        fields["events"] = events
    return WebhookSettings(**fields)


def test_the_signature_is_the_hex_hmac_sha256_of_the_exact_body() -> None:
    body = '{"id":"1","event":"note.created","data":{"text":"привет"}}'.encode()
    expected = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert sign("s3cret", body) == f"sha256={expected}"
    assert verify("s3cret", body, f"sha256={expected}")
    assert not verify("other", body, f"sha256={expected}")
    assert not verify("s3cret", body + b" ", f"sha256={expected}")
    assert not verify("s3cret", body, None)


def test_the_body_has_id_event_created_and_data() -> None:
    created = datetime(2025, 3, 1, 12, 30, 5, 250_000, tzinfo=UTC)
    body = event_body("e1", "transcript.ready", {"text": "héllo", "duration": 1.5}, created)
    assert json.loads(body) == {
        "id": "e1",
        "event": "transcript.ready",
        "created": "2025-03-01T12:30:05.250Z",
        "data": {"text": "héllo", "duration": 1.5},
    }
    assert "héllo" in body and " " not in body.replace("T12", "")  # UTF-8, compact


def test_only_the_hooks_subscribed_to_an_event_get_it() -> None:
    service = WebhookService(
        [
            hook("http://a.example/notes", ["note.created"]),
            hook("http://b.example/all"),  # every event by default
            hook("http://c.example/jobs", ["job.finished"], secret="x"),
        ]
    )
    notes = service.deliveries("note.created", {"note_path": "Inbox/a.md"})
    assert [d.url for d in notes] == ["http://a.example/notes", "http://b.example/all"]
    assert [d.hook_index for d in notes] == [0, 1]
    jobs = service.deliveries("job.finished", {"job_id": "j"})
    assert [d.url for d in jobs] == ["http://b.example/all", "http://c.example/jobs"]
    assert service.subscribed("command.received") and service.subscribed("transcript.ready")
    assert not WebhookService([hook("http://a.example", ["note.created"])]).subscribed("job.finished")


def test_one_event_id_for_all_hooks_and_a_delivery_id_each() -> None:
    service = WebhookService([hook("http://a.example"), hook("http://b.example")])
    first, second = service.deliveries("command.received", {"text": "lights on"})
    assert first.body == second.body  # the same signed bytes for every receiver
    event = json.loads(first.body)
    assert event["event"] == "command.received" and event["data"] == {"text": "lights on"}
    assert uuid.UUID(event["id"]) and first.id != second.id
    assert {first.id, second.id} == {delivery_id(event["id"], 0), delivery_id(event["id"], 1)}
    again = service.deliveries("command.received", {"text": "lights on"})
    assert json.loads(again[0].body)["id"] != event["id"]  # a fresh event each time


def test_an_unknown_event_is_a_mistake() -> None:
    with pytest.raises(ValueError, match="unknown webhook event"):
        WebhookService([hook("http://a.example")]).send("note.deleted", {})
    with pytest.raises(ValueError, match="unknown webhook event"):
        WebhookService([]).send("note.deleted", {})


def test_without_subscribers_publish_needs_nothing() -> None:
    assert webhook_workflow.active() is None  # no job runtime, no DBOS in this test
    assert WebhookService([]).send("note.created", {"note_path": "x.md"}) == []
    only_jobs = WebhookService([hook("http://a.example", ["job.finished"])])
    assert only_jobs.send("note.created", {"note_path": "x.md"}) == []


def test_without_a_running_runtime_an_event_is_dropped_with_a_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    service = WebhookService([hook("http://a.example")])
    with caplog.at_level(logging.WARNING, logger="homevoice.services.webhooks"):
        assert service.send("note.created", {"transcript": "private words"}) == []
    assert "job runtime is not running" in caplog.text and "private words" not in caplog.text


def test_the_settings_read_webhooks_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "HOMEVOICE_WEBHOOKS",
        '[{"url": "http://127.0.0.1:5678/webhook/notes", "events": ["note.created"], "secret": "t0ps3cret"}]',
    )
    settings = load_settings()
    service = WebhookService(settings.webhooks)
    assert service.subscribed("note.created") and not service.subscribed("job.finished")
    assert settings.webhooks[0].secret is not None and "t0ps3cret" not in repr(settings.webhooks[0])


def test_the_backoff_doubles_up_to_its_cap_and_honours_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [webhook_workflow.backoff(n) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert webhook_workflow.backoff(12) == webhook_workflow.RETRY_MAX_S == 600.0
    assert webhook_workflow.backoff(10_000) == 600.0  # no overflow on a very long outage
    assert webhook_workflow.backoff(1, retry_after=30.0) == 30.0
    assert webhook_workflow.backoff(1, retry_after=86_400.0) == 600.0
    # About a day of attempts before a delivery gives up.
    waited, attempts = 0.0, 0
    while waited + webhook_workflow.backoff(attempts + 1) <= webhook_workflow.GIVE_UP_AFTER_S:
        attempts += 1
        waited += webhook_workflow.backoff(attempts)
    assert 140 < attempts < 160 and 23 * 3600 < waited <= 24 * 3600
    monkeypatch.setattr(webhook_workflow, "RETRY_FIRST_S", 0.1)
    monkeypatch.setattr(webhook_workflow, "RETRY_MAX_S", 0.3)
    assert [webhook_workflow.backoff(n) for n in (1, 2, 3)] == [0.1, 0.2, 0.3]


def test_a_delivery_finds_its_hook_by_index_or_by_url() -> None:
    hooks = [hook("http://a.example"), hook("http://b.example", secret="s")]
    assert webhook_workflow._hook(hooks, 1, "http://b.example") is hooks[1]
    assert webhook_workflow._hook(hooks[1:], 1, "http://b.example") is hooks[1]  # settings changed
    assert webhook_workflow._hook(hooks, 0, "http://gone.example") is None


def test_logs_name_the_host_only() -> None:
    assert webhook_workflow._where("https://user:pw@n8n.local:5678/webhook/abc?token=t") == (
        "https://n8n.local:5678"
    )


# The n8n workflows in docs/n8n are meant to be imported as they are.

N8N_WORKFLOWS = sorted((ROOT / "docs" / "n8n").glob("*.json"))


def test_there_are_n8n_workflows() -> None:
    assert len(N8N_WORKFLOWS) >= 2


@pytest.mark.parametrize("path", N8N_WORKFLOWS, ids=lambda p: p.name)
def test_an_n8n_workflow_is_a_valid_export(path: Path) -> None:
    workflow = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(workflow["name"], str) and workflow["name"]
    nodes = workflow["nodes"]
    names = [node["name"] for node in nodes]
    assert len(names) == len(set(names)), "node names must be unique"
    for node in nodes:
        assert set(node) >= {"parameters", "name", "type", "typeVersion", "position"}, node["name"]
        assert node["type"].startswith(("n8n-nodes-base.", "@n8n/")), node["type"]
        assert isinstance(node["parameters"], dict)
        assert len(node["position"]) == 2 and all(isinstance(x, int | float) for x in node["position"])
    connections = workflow["connections"]
    assert connections, "the nodes must be connected"
    for source, outputs in connections.items():
        assert source in names, f"connection from unknown node {source!r}"
        for kind, branches in outputs.items():
            assert kind == "main"
            for branch in branches:
                for target in branch:
                    assert target["node"] in names, f"connection to unknown node {target['node']!r}"
                    assert target["type"] == "main" and isinstance(target["index"], int)
    # Every node but the trigger is reached from somewhere.
    reached = {t["node"] for outs in connections.values() for branch in outs["main"] for t in branch}
    triggers = [n["name"] for n in nodes if n["type"].endswith(("webhook", "Trigger", "trigger"))]
    assert triggers and set(names) - set(triggers) <= reached
