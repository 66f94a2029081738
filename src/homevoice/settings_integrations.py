"""Settings of the integrations: Wyoming (Home Assistant), voice commands, an LLM, webhooks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

WEBHOOK_EVENTS = ("note.created", "transcript.ready", "command.received", "job.finished")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WyomingSettings(_Section):
    """The Wyoming protocol server that Home Assistant uses for speech to text and text to speech."""

    uri: str | None = Field(
        None,
        description="Where to serve Wyoming, for example `tcp://127.0.0.1:10300`; unset turns it off. Use `tcp://0.0.0.0:10300` for Home Assistant on another machine.",
    )
    zeroconf: bool = Field(
        True,
        description="Advertise the Wyoming service as `_wyoming._tcp.local.` so Home Assistant discovers it.",
    )
    name: str = Field("homevoice", description="The service name Home Assistant shows.")

    @field_validator("uri")
    @classmethod
    def _tcp_uri(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("tcp://", "unix://")):
            raise ValueError("must be tcp://HOST:PORT or unix://PATH")
        return value


class HomeAssistantSettings(_Section):
    """Home Assistant, for voice commands about the house."""

    url: str | None = Field(
        None, description="Home Assistant's base URL, for example `http://homeassistant.local:8123`."
    )
    token: SecretStr | None = Field(None, description="A long-lived access token (your profile → Security).")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") if value else value


class LlmSettings(_Section):
    """An OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM). Unset: no LLM."""

    base_url: str | None = Field(
        None,
        description="The API root, for example `http://127.0.0.1:11434/v1` for Ollama or `http://127.0.0.1:8080/v1` for llama.cpp.",
    )
    model: str = Field("default", description="The model name the endpoint expects.")
    api_key: SecretStr | None = Field(None, description="Bearer key, if the endpoint needs one.")
    timeout_s: float = Field(120.0, gt=0, description="How long one chat request may take.")


class CommandsSettings(_Section):
    """Voice commands."""

    wake_phrases: list[str] = Field(
        default_factory=lambda: ["computer", "компьютер"],
        description="A Telegram voice message that starts with one of these words is a command, not a note.",
    )
    prefer_local: bool = Field(
        True,
        description="Carry out commands the rule grammar knows without asking the LLM (like Home Assistant's 'prefer handling commands locally'); the LLM, when configured, gets the rest.",
    )


class WebhookSettings(_Section):
    url: str = Field(description="Where to POST events (for example an n8n Webhook node's URL).")
    events: list[str] = Field(
        default_factory=lambda: list(WEBHOOK_EVENTS), description="Which events this URL receives."
    )
    secret: SecretStr | None = Field(
        None, description="Signs each body: header `X-Homevoice-Signature: sha256=<HMAC-SHA256 hex>`."
    )

    @field_validator("events")
    @classmethod
    def _known_events(cls, value: list[str]) -> list[str]:
        unknown = sorted(set(value) - set(WEBHOOK_EVENTS))
        if unknown:
            raise ValueError(f"unknown events {unknown}; choose from {list(WEBHOOK_EVENTS)}")
        return value
