"""Voice commands over HTTP: spoken and typed, Russian and English, through the rule grammar, into a
vault and a fake Home Assistant on 127.0.0.1, with the reply spoken back."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import av
import httpx
import pytest
from pydantic import SecretStr

from homevoice.app import App
from homevoice.audio.encode import AudioFormat
from homevoice.services.speech import SpeechRequest
from homevoice.settings_capture import VaultSettings
from homevoice.settings_integrations import HomeAssistantSettings
from homevoice.vault.frontmatter import parse_note
from tests.adapters.conftest import ServerFactory
from tests.fakes.homeassistant import TOKEN, FakeHomeAssistant, fake_home_assistant

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def home() -> Iterator[FakeHomeAssistant]:
    with fake_home_assistant() as fake:
        yield fake


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    root.mkdir()
    return root


@pytest.fixture
def http(make_server: ServerFactory, home: FakeHomeAssistant, vault: Path) -> Iterator[httpx.Client]:
    home.service_calls.clear()
    home.conversations.clear()
    settings = {
        "homeassistant": HomeAssistantSettings(url=home.url, token=SecretStr(TOKEN)),
        "vault": VaultSettings(path=vault),
    }
    with make_server(**settings) as url, httpx.Client(base_url=url, timeout=120) as client:
        yield client


def spoken(app: App, text: str, language: str) -> bytes:
    """A spoken command: the server's own voices say it (Ogg/Opus, as a phone would send)."""
    plan = app.speech.plan(SpeechRequest(text=text, language=language))
    return b"".join(app.speech.encoded(plan, AudioFormat.OPUS, streaming=False))


def command(http: httpx.Client, **form: str) -> dict[str, Any]:
    response = http.post("/v1/commands", data=form)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def test_typed_command_switches_a_light_and_answers_in_speech(
    http: httpx.Client, home: FakeHomeAssistant
) -> None:
    result = command(http, text="Turn on the kitchen light.")
    assert result["intent"] == {
        "name": "home_service",
        "slots": {"state": "on", "name": "kitchen light"},
        "recognised_by": "rules",
    }
    assert result["action"]["status"] == "done" and result["action"]["entity_id"] == "light.kitchen"
    assert home.service_calls == [("light", "turn_on", {"entity_id": "light.kitchen"})]
    assert result["reply"]["text"] == "Kitchen light turned on."
    with av.open(io.BytesIO(base64.b64decode(result["reply"]["audio"]))) as container:
        assert container.streams.audio[0].codec_context.name == "opus"


def test_spoken_english_command_makes_a_note(http: httpx.Client, http_app: App, vault: Path) -> None:
    audio = spoken(http_app, "Make a note: buy fresh bread and green apples.", "en")
    response = http.post(
        "/v1/commands", files={"file": ("cmd.ogg", audio)}, data={"speak": "false", "model": "base"}
    )
    result = response.json()
    assert result["intent"]["name"] == "make_note", result
    assert "audio" not in result["reply"]
    note = vault / result["action"]["note"]
    fields, body = parse_note(note.read_text())
    assert fields["source"] == "command" and "bread" in body.lower() and "apples" in body.lower()


def test_spoken_russian_command_switches_the_kitchen_light(
    http: httpx.Client, http_app: App, home: FakeHomeAssistant
) -> None:
    audio = spoken(http_app, "Включи свет на кухне.", "ru")
    response = http.post(
        "/v1/commands", files={"file": ("cmd.ogg", audio)}, data={"model": "base", "language": "ru"}
    )
    result = response.json()
    assert result["language"] == "ru", result
    assert result["intent"]["name"] == "home_service", result
    assert home.service_calls == [("light", "turn_on", {"entity_id": "light.kukhnia"})]
    assert result["reply"]["text"].startswith("Включила")


def test_what_the_rules_do_not_know_goes_to_home_assistants_agent(
    http: httpx.Client, home: FakeHomeAssistant
) -> None:
    result = command(http, text="How cold is it outside?")
    assert result["intent"]["name"] == "unknown"
    assert result["action"] == {"name": "home_conversation", "status": "done", "agent": "homeassistant"}
    assert home.conversations == [{"text": "How cold is it outside?", "language": "en"}]
    assert result["reply"]["text"] == "It is 4 degrees outside."


def test_search_and_read_notes(http: httpx.Client, vault: Path) -> None:
    (vault / "Trips").mkdir()
    (vault / "Trips" / "Paris in May.md").write_text(
        "---\ntags: [trip]\n---\nBook the hotel near the Louvre.\n"
    )
    (vault / "Shopping list.md").write_text("Oat milk, bread, [[Paris in May|Paris]] guidebook.\n")
    found = command(http, text="Find notes about Paris", speak="false")
    assert found["action"]["notes"] == ["Trips/Paris in May.md", "Shopping list.md"]
    read = command(http, text="Read note shopping list", speak="false")
    assert read["reply"]["text"] == "Oat milk, bread, Paris guidebook."


def test_a_reminder_without_telegram_is_unavailable_not_silently_dropped(http: httpx.Client) -> None:
    result = command(http, text="Remind me in 5 minutes to check the oven", speak="false")
    assert result["intent"]["slots"] == {"text": "check the oven", "minutes": 5.0}
    assert result["action"]["status"] == "unavailable"
    assert "Telegram" in result["reply"]["text"]


def test_empty_and_bad_commands_get_clear_errors(http: httpx.Client) -> None:
    empty = http.post("/v1/commands", data={"text": "  "})
    assert empty.status_code == 400 and empty.json()["error"]["code"] == "empty_command"
    noise = http.post("/v1/commands", files={"file": ("x.ogg", b"not audio")})
    assert noise.status_code == 400 and noise.json()["error"]["code"] in {"unsupported_audio", "empty_audio"}
