"""Commands through an LLM: a real llama.cpp server (SmolLM2-135M) with tool calling, a scripted
OpenAI-compatible server for an exact tool call, and the fall-backs to the rule grammar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request

from homevoice.app import App
from homevoice.commands.build import build_commands
from homevoice.commands.service import CommandResult, CommandService
from homevoice.settings import Settings
from tests.fakes.homeassistant import TOKEN, FakeHomeAssistant, fake_home_assistant
from tests.fakes.live_server import free_port, live_server

pytestmark = pytest.mark.e2e


@pytest.fixture
def home() -> Iterator[FakeHomeAssistant]:
    with fake_home_assistant() as fake:
        yield fake


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    (root / f"{date.today():%Y-%m-%d}.md").write_text("# Today\n")
    return root


def service(
    app: App, home: FakeHomeAssistant, vault: Path, llm_url: str, *, prefer_local: bool
) -> CommandService:
    settings = Settings.model_validate(
        {
            **app.settings.model_dump(),
            "llm": {"base_url": llm_url, "model": "smollm2", "timeout_s": 120},
            "homeassistant": {"url": home.url, "token": TOKEN},
            "vault": {"path": vault},
            "commands": {"prefer_local": prefer_local},
        }
    )
    return build_commands(settings, app.transcription, app.speech)


def carried_out(result: CommandResult, home: FakeHomeAssistant, vault: Path) -> bool:
    """Whether the action the intent named really happened (or was reported as impossible)."""
    action, slots = result.action, result.intent.slots
    if action.status != "done":
        return bool(action.reply)
    match action.action.value:
        case "make_note":
            return (vault / action.details["note"]).exists()
        case "append_to_today":
            return " ".join(str(slots["text"]).split()) in (vault / f"{date.today():%Y-%m-%d}.md").read_text()
        case "home_service":
            return bool(home.service_calls)
        case "home_conversation":
            return bool(home.conversations)
        case _:
            return True


def test_a_real_llm_chooses_the_action_for_what_the_rules_do_not_know(
    http_app: App, home: FakeHomeAssistant, vault: Path, llm_url: str
) -> None:
    commands = service(http_app, home, vault, llm_url, prefer_local=False)
    for said in ("It is dark in the kitchen", "Make a note: buy milk"):
        result = commands.run(said, "en")
        assert result.intent.source == "llm", result
        assert result.action.action == result.intent.action
        assert carried_out(result, home, vault), result


def test_with_prefer_local_the_rules_act_without_the_llm(
    http_app: App, home: FakeHomeAssistant, vault: Path, llm_url: str
) -> None:
    result = service(http_app, home, vault, llm_url, prefer_local=True).run("Turn on the kitchen light", "en")
    assert result.intent.source == "rules"
    assert home.service_calls == [("light", "turn_on", {"entity_id": "light.kitchen"})]


def test_an_unreachable_llm_falls_back_to_the_rules(
    http_app: App, home: FakeHomeAssistant, vault: Path
) -> None:
    closed = f"http://127.0.0.1:{free_port()}/v1"
    result = service(http_app, home, vault, closed, prefer_local=False).run("Выключи свет на кухне", "ru")
    assert result.intent.source == "rules"
    assert home.service_calls == [("light", "turn_off", {"entity_id": "light.kukhnia"})]


@pytest.fixture
def scripted_llm() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """An OpenAI-compatible server that always calls home_service for the kitchen light."""
    requests: list[dict[str, Any]] = []
    api = FastAPI()

    @api.post("/v1/chat/completions")
    async def complete(request: Request) -> dict[str, Any]:
        requests.append(await request.json())
        call = {
            "id": "c1",
            "type": "function",
            "function": {
                "name": "home_service",
                "arguments": json.dumps({"name": "kitchen light", "state": "on"}),
            },
        }
        return {
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                    "finish_reason": "tool_calls",
                }
            ]
        }

    with live_server(api) as url:
        yield f"{url}/v1", requests


def test_a_tool_call_reaches_home_assistant_as_a_service_call(
    http_app: App, home: FakeHomeAssistant, vault: Path, scripted_llm: tuple[str, list[dict[str, Any]]]
) -> None:
    url, requests = scripted_llm
    result = service(http_app, home, vault, url, prefer_local=True).run("It's too dark in here", "en")
    assert result.intent.source == "llm"
    assert home.service_calls == [("light", "turn_on", {"entity_id": "light.kitchen"})]
    tools = {t["function"]["name"] for t in requests[0]["tools"]}
    assert {"make_note", "set_reminder", "home_service", "ask_notes"} <= tools


def test_ask_the_notes_answers_through_the_llm_with_sources(
    http_app: App, home: FakeHomeAssistant, vault: Path, llm_url: str
) -> None:
    (vault / "Dentist.md").write_text("The dentist appointment is on Friday at 10.\n")
    result = service(http_app, home, vault, llm_url, prefer_local=True).run(
        "What do my notes say about the dentist?", "en"
    )
    assert result.intent.action.value == "ask_notes"
    assert result.action.status == "done" and result.action.reply
    assert result.action.details["sources"] == ["Dentist.md"]
