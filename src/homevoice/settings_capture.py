"""Settings of the capture path: the Telegram bot and the Obsidian vault it writes into."""

from __future__ import annotations

from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

TELEGRAM_API = "https://api.telegram.org"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TelegramSettings(_Section):
    """The Telegram bot (long polling: no inbound port). Off until a token is set."""

    token: SecretStr | None = Field(
        None, description="Bot token from @BotFather. When set, `homevoice serve` also runs the bot."
    )
    allowed_users: list[int] = Field(
        default_factory=list,
        description="Numeric Telegram user ids allowed to use the bot, as JSON, for example `[123456789]`. `/start` tells a person their id. Everyone else gets one short refusal and nothing of theirs is stored.",
    )
    api_base_url: str = Field(
        TELEGRAM_API,
        description="Bot API root: methods at `{root}/bot{token}/{method}`, files at `{root}/file/bot{token}/{path}`. Point it at a local Bot API server to lift the 20 MB download limit.",
    )
    poll_timeout_s: int = Field(30, ge=0, le=50, description="Long-polling timeout of one getUpdates call.")
    reply_transcript: bool = Field(True, description="Reply to each voice message with its transcript.")
    max_file_mb: float = Field(
        20.0,
        gt=0,
        description="Largest voice, audio or video file taken; Telegram's own Bot API serves at most 20 MB.",
    )

    @field_validator("api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")


class VaultSettings(_Section):
    """The Obsidian vault that captures and web notes are written into."""

    path: Path | None = Field(
        None,
        description="The vault folder. Unset uses `vault` in the data dir, so `make run` works out of the box.",
    )
    inbox: str = Field("Inbox", description="Folder inside the vault for new notes.")
    daily_note_heading: str | None = Field(
        None,
        description="When set, each capture (and each note saved with `POST /v1/notes`) is also linked under this heading in today's daily note, if that note exists (folder and date format from `.obsidian/daily-notes.json`).",
    )
    timezone: str | None = Field(
        None,
        description="IANA time zone for note names and dates, for example `Europe/Moscow`; unset uses the system's.",
    )

    @field_validator("inbox")
    @classmethod
    def _relative_folder(cls, value: str) -> str:
        parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
        if any(p == ".." for p in parts) or value.startswith("/"):
            raise ValueError("must be a folder inside the vault, like `Inbox` or `Notes/Inbox`")
        return "/".join(parts)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {value!r}; use an IANA name like Europe/Moscow") from err
        return value

    @property
    def zone(self) -> tzinfo | None:
        """The ``timezone`` setting as a zone; None means this machine's."""
        return ZoneInfo(self.timezone) if self.timezone else None

    def local_time(self, moment: datetime) -> datetime:
        """``moment`` (aware) in the vault's time zone: the one set, else this machine's."""
        return moment.astimezone(self.zone)
