"""Home Assistant's REST API: find a device by the name the owner says, call its service, or hand
the whole sentence to Home Assistant's own conversation agent."""

from __future__ import annotations

import difflib
import logging
import re
from dataclasses import dataclass
from typing import Any

import httpx

from homevoice.errors import HomevoiceError
from homevoice.settings_integrations import HomeAssistantSettings

log = logging.getLogger(__name__)

SWITCHABLE = ("light", "switch", "fan", "input_boolean", "media_player", "climate", "cover", "siren")
MIN_NAME_SCORE = 0.6


class HomeAssistantError(HomevoiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="homeassistant_unavailable")


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str

    @property
    def domain(self) -> str:
        return self.entity_id.split(".", 1)[0]


class HomeAssistant:
    def __init__(self, settings: HomeAssistantSettings) -> None:
        assert settings.url is not None
        token = settings.token.get_secret_value() if settings.token else ""
        self._url = settings.url
        self._client = httpx.Client(
            base_url=settings.url, headers={"Authorization": f"Bearer {token}"}, timeout=10.0
        )

    def close(self) -> None:
        self._client.close()

    def find(self, name: str) -> Entity | None:
        """The switchable entity whose friendly name (or id) is closest to ``name``."""
        wanted = _words(name)
        best: tuple[float, Entity] | None = None
        for state in self._request("GET", "/api/states"):
            entity_id = str(state.get("entity_id", ""))
            if not entity_id.startswith(tuple(f"{d}." for d in SWITCHABLE)):
                continue
            friendly = str(state.get("attributes", {}).get("friendly_name") or entity_id)
            score = max(_similarity(wanted, _words(friendly)), _similarity(wanted, _words(entity_id)))
            if best is None or score > best[0]:
                best = (score, Entity(entity_id, friendly))
        return best[1] if best is not None and best[0] >= MIN_NAME_SCORE else None

    def switch(self, entity: Entity, on: bool) -> None:
        service = "turn_on" if on else "turn_off"
        domain = entity.domain if entity.domain != "cover" else "cover"
        if entity.domain == "cover":
            service = "open_cover" if on else "close_cover"
        self._request("POST", f"/api/services/{domain}/{service}", {"entity_id": entity.entity_id})

    def converse(self, text: str, language: str | None) -> str:
        """Home Assistant's answer to a sentence, from its conversation agent."""
        body: dict[str, Any] = {"text": text}
        if language:
            body["language"] = language
        reply = self._request("POST", "/api/conversation/process", body)
        speech = reply.get("response", {}).get("speech", {}).get("plain", {}).get("speech")
        return str(speech or "")

    def _request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        try:
            response = self._client.request(method, path, json=body)
        except httpx.HTTPError as err:
            raise HomeAssistantError(
                f"Cannot reach Home Assistant at {self._url} ({type(err).__name__}); check HOMEVOICE_HOMEASSISTANT__URL."
            ) from err
        if response.status_code == 401:
            raise HomeAssistantError(
                "Home Assistant refused the token; check HOMEVOICE_HOMEASSISTANT__TOKEN."
            )
        if response.status_code >= 400:
            raise HomeAssistantError(f"Home Assistant answered {response.status_code} to {method} {path}.")
        return response.json()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("ё", "е").replace("_", " "))


def _similarity(a: list[str], b: list[str]) -> float:
    """Word overlap, forgiving of endings (кухне/кухня) and of word order."""
    if not a or not b:
        return 0.0
    matched = sum(
        max(difflib.SequenceMatcher(None, word, other).ratio() for other in b) >= 0.75 for word in a
    )
    return matched / max(len(a), len(b))
