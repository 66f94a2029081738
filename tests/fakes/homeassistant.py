"""A fake Home Assistant REST API on 127.0.0.1: states, service calls, the conversation agent."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request

from tests.fakes.live_server import live_server

TOKEN = "ha-test-token"
STATES = [
    {"entity_id": "light.kitchen", "state": "off", "attributes": {"friendly_name": "Kitchen light"}},
    {"entity_id": "light.kukhnia", "state": "off", "attributes": {"friendly_name": "Свет на кухне"}},
    {"entity_id": "switch.kettle", "state": "off", "attributes": {"friendly_name": "Kettle"}},
    {"entity_id": "sensor.outside", "state": "4", "attributes": {"friendly_name": "Outside temperature"}},
]


@dataclass
class FakeHomeAssistant:
    url: str = ""
    service_calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    conversations: list[dict[str, Any]] = field(default_factory=list)


@contextmanager
def fake_home_assistant() -> Iterator[FakeHomeAssistant]:
    fake = FakeHomeAssistant()
    api = FastAPI()

    def check(authorization: str | None) -> None:
        if authorization != f"Bearer {TOKEN}":
            raise HTTPException(401, "Unauthorized")

    @api.get("/api/states")
    async def states(authorization: str | None = Header(None)) -> list[dict[str, Any]]:
        check(authorization)
        return STATES

    @api.post("/api/services/{domain}/{service}")
    async def call(
        domain: str, service: str, request: Request, authorization: str | None = Header(None)
    ) -> list[Any]:
        check(authorization)
        fake.service_calls.append((domain, service, await request.json()))
        return []

    @api.post("/api/conversation/process")
    async def converse(request: Request, authorization: str | None = Header(None)) -> dict[str, Any]:
        check(authorization)
        body = await request.json()
        fake.conversations.append(body)
        speech = "It is 4 degrees outside." if body.get("language") != "ru" else "На улице 4 градуса."
        return {"response": {"speech": {"plain": {"speech": speech}}, "response_type": "action_done"}}

    with live_server(api) as url:
        fake.url = url
        yield fake
