"""What a Telegram message carries, as homevoice sees it: its media file, its text, its origin."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

from telegram import Message, MessageOrigin
from telegram.warnings import PTBDeprecationWarning

from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord

AUDIO_DOCUMENT_TYPES = ("audio/", "video/")
"""Documents taken as recordings; the decoder has the last word on whether they are."""


@dataclass(frozen=True)
class MediaFile:
    kind: CaptureKind
    file_id: str
    size: int | None
    name: str | None
    mime_type: str | None
    duration_s: float | None


@dataclass(frozen=True)
class Command:
    name: str
    argument: str


def media_of(message: Message) -> MediaFile | None:
    with warnings.catch_warnings():
        # v22 warns that durations will become timedeltas; seconds takes either.
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        return _media_of(message)


def _media_of(message: Message) -> MediaFile | None:
    if message.voice:
        v = message.voice
        return MediaFile(
            CaptureKind.VOICE, v.file_id, v.file_size, "voice.oga", v.mime_type, seconds(v.duration)
        )
    if message.audio:
        a = message.audio
        return MediaFile(
            CaptureKind.AUDIO, a.file_id, a.file_size, a.file_name, a.mime_type, seconds(a.duration)
        )
    if message.video_note:
        n = message.video_note
        return MediaFile(
            CaptureKind.VIDEO_NOTE, n.file_id, n.file_size, "video_note.mp4", None, seconds(n.duration)
        )
    if message.video:
        d = message.video
        return MediaFile(
            CaptureKind.VIDEO, d.file_id, d.file_size, d.file_name, d.mime_type, seconds(d.duration)
        )
    document = message.document
    if document and (document.mime_type or "").startswith(AUDIO_DOCUMENT_TYPES):
        return MediaFile(
            CaptureKind.DOCUMENT,
            document.file_id,
            document.file_size,
            document.file_name,
            document.mime_type,
            None,
        )
    return None


CAPTION_COMMANDS = frozenset({"read", "voice"})
"""Commands taken from a file's caption; any other caption is part of the capture."""


def command_of(message: Message) -> Command | None:
    """A leading ``/command`` (with or without ``@botname``) and the rest of the text or caption."""
    if message.text is not None:
        return _command(message.text)
    command = _command(message.caption or "")
    return command if command is not None and command.name in CAPTION_COMMANDS else None


def _command(text: str) -> Command | None:
    if not text.startswith("/"):
        return None
    head, *rest = text.split(maxsplit=1)
    name = head[1:].split("@", 1)[0].lower()
    if not name:
        return None
    return Command(name, rest[0].strip() if rest else "")


def capture_of(message: Message, media: MediaFile | None, language: str | None) -> CaptureRecord:
    assert message.from_user is not None
    return CaptureRecord(
        key=key_of(message),
        user_id=message.from_user.id,
        kind=media.kind if media else CaptureKind.TEXT,
        sent_at=message.date.timestamp(),
        text=message.text or message.caption or "",
        original_name=media.name if media else None,
        mime_type=media.mime_type if media else None,
        duration_s=media.duration_s if media else None,
        forwarded_from=origin_name(message.forward_origin),
        language=language,
    )


def key_of(message: Message) -> CaptureKey:
    return CaptureKey(message.chat.id, message.message_id)


def origin_name(origin: MessageOrigin | None) -> str | None:
    """Who wrote a forwarded message, as Telegram tells it."""
    if origin is None:
        return None
    user = getattr(origin, "sender_user", None)
    if user is not None:
        return str(user.full_name)
    name = getattr(origin, "sender_user_name", None)
    if name:
        return str(name)
    chat = getattr(origin, "chat", None) or getattr(origin, "sender_chat", None)
    if chat is not None:
        return str(chat.title or chat.username or chat.id)
    return "unknown"


def seconds(value: object) -> float | None:
    """A duration from the Bot API, given as seconds or as a timedelta."""
    # v22 returns durations as int seconds or timedelta, depending on its settings.
    seconds = getattr(value, "total_seconds", None)
    if callable(seconds):
        return float(seconds())
    return float(value) if isinstance(value, int | float) else None
