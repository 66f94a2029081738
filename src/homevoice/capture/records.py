"""What is kept about one captured message between its arrival and its note."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CaptureKind(StrEnum):
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO_NOTE = "video_note"
    VIDEO = "video"
    DOCUMENT = "document"
    TEXT = "text"

    @property
    def has_media(self) -> bool:
        return self is not CaptureKind.TEXT


class CaptureState(StrEnum):
    PENDING = "pending"
    """On disk, waiting for (or in) its job."""
    SAVED = "saved"
    """Its note is in the vault."""
    COMMAND = "command"
    """It began with a wake phrase: a command, carried out instead of noted."""
    QUESTION = "question"
    """A question for the notes ("ask …", or captioned /ask): answered, not noted."""


@dataclass(frozen=True)
class CaptureKey:
    chat_id: int
    message_id: int

    @property
    def workflow_id(self) -> str:
        """One job per message, whoever starts it and however often."""
        return f"capture:{self.chat_id}:{self.message_id}"


@dataclass(frozen=True)
class CaptureRecord:
    key: CaptureKey
    user_id: int
    kind: CaptureKind
    sent_at: float
    """When the message was sent, Unix seconds (UTC)."""
    text: str = ""
    """The message's text, or its caption."""
    spool_name: str | None = None
    """The media file in the spool folder, until the note has it."""
    original_name: str | None = None
    mime_type: str | None = None
    duration_s: float | None = None
    forwarded_from: str | None = None
    language: str | None = None
    """The sender's language choice when it arrived (None: detect)."""
    state: CaptureState = CaptureState.PENDING
    note_path: str | None = None
    """Vault-relative; chosen before the note is written, so a repeat writes the same file."""
    audio_path: str | None = None
    note_sha256: str | None = None
    """The note as last written by us: a different file on disk means the owner edited it."""
