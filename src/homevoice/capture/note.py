"""The Markdown of a capture note: Obsidian properties, the audio embed, the text or transcript."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from homevoice.capture.records import CaptureKind, CaptureRecord
from homevoice.vault.frontmatter import hashtags, render_note

SOURCE = "telegram"
STATUS_UNPROCESSED = "unprocessed"
FALLBACK_TITLES = {
    CaptureKind.VOICE: "Voice note",
    CaptureKind.AUDIO: "Audio",
    CaptureKind.VIDEO_NOTE: "Video note",
    CaptureKind.VIDEO: "Video",
    CaptureKind.DOCUMENT: "Audio",
    CaptureKind.TEXT: "Note",
}
MEDIA_SUFFIXES = {".oga": ".ogg", ".opus": ".ogg"}
"""Telegram names voice files ``.oga``; Obsidian plays only ``.ogg`` (same Ogg/Opus bytes)."""


@dataclass(frozen=True)
class Heard:
    """What speech to text made of a capture's media."""

    text: str
    language: str | None
    model: str
    duration_s: float | None
    error: str | None = None
    """Why there is no transcript (the note is still written, with the audio)."""


def note_markdown(
    record: CaptureRecord, created: datetime, audio_path: str | None, heard: Heard | None
) -> str:
    fields: dict[str, Any] = {
        "created": created.replace(microsecond=0),
        "source": SOURCE,
        "type": record.kind.value,
        "tags": _tags(record),
    }
    if audio_path is not None:
        fields["audio"] = f"[[{audio_path}]]"
    if heard is not None:
        if heard.duration_s is not None:
            fields["duration"] = round(heard.duration_s, 1)
        if heard.language:
            fields["language"] = heard.language
        fields["stt_model"] = heard.model
        if heard.error:
            fields["transcription_error"] = heard.error
    if record.forwarded_from:
        fields["forwarded_from"] = record.forwarded_from
    fields["telegram_chat_id"] = record.key.chat_id
    fields["telegram_message_id"] = record.key.message_id
    fields["status"] = STATUS_UNPROCESSED
    return render_note(fields, _body(record, audio_path, heard))


def is_note_of(fields: dict[str, Any], record: CaptureRecord) -> bool:
    """Whether a note's properties say it was written for this message."""
    return (
        fields.get("telegram_chat_id") == record.key.chat_id
        and fields.get("telegram_message_id") == record.key.message_id
    )


def media_suffix(original_name: str | None, kind: CaptureKind) -> str:
    suffix = PurePosixPath(original_name or "").suffix.lower()
    if not suffix:
        suffix = ".mp4" if kind in (CaptureKind.VIDEO_NOTE, CaptureKind.VIDEO) else ".ogg"
    return MEDIA_SUFFIXES.get(suffix, suffix)


def _tags(record: CaptureRecord) -> list[str]:
    tags = [SOURCE, record.kind.value.replace("_", "-")]
    for tag in hashtags(record.text):
        if tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    return tags


def _body(record: CaptureRecord, audio_path: str | None, heard: Heard | None) -> str:
    parts: list[str] = []
    if record.text:
        parts.append(record.text.strip())
    if audio_path is not None:
        parts.append(f"![[{audio_path}]]")
    if heard is not None:
        if heard.error:
            parts.append(f"*Not transcribed: {heard.error}*")
        elif heard.text:
            parts.append(heard.text)
        else:
            parts.append("*No speech recognised.*")
    return "\n\n".join(parts)
