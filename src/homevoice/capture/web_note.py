"""The Markdown of a note saved from the web page, and the file suffix of its recording."""

from __future__ import annotations

from datetime import datetime
from pathlib import PurePosixPath
from typing import Any, Final

from homevoice.capture.note import MEDIA_SUFFIXES, STATUS_UNPROCESSED
from homevoice.vault.frontmatter import hashtags, render_note

SOURCE: Final = "web"
FALLBACK_TITLE: Final = "Note"
DEFAULT_AUDIO_SUFFIX: Final = ".webm"
"""What browsers' MediaRecorder makes (Chrome, Firefox); Obsidian plays it."""
AUDIO_SUFFIXES: Final = frozenset(
    {
        ".webm",
        ".ogg",
        ".oga",
        ".opus",
        ".mp3",
        ".m4a",
        ".aac",
        ".wav",
        ".flac",
        ".mp4",
        ".3gp",
        ".mov",
        ".mkv",
    }
)
"""Suffixes taken from an upload's name: recordings only, so no ``.md`` or ``.html`` lands in the vault."""
_SUFFIX_BY_TYPE: Final = {
    "audio/webm": ".webm",
    "video/webm": ".webm",
    "audio/ogg": ".ogg",
    "audio/opus": ".ogg",
    "video/ogg": ".ogg",
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/aac": ".aac",
    "audio/wav": ".wav",
    "audio/wave": ".wav",
    "audio/x-wav": ".wav",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "video/mp4": ".mp4",
    "audio/3gpp": ".3gp",
    "video/3gpp": ".3gp",
    "video/quicktime": ".mov",
}


def audio_suffix(filename: str | None, content_type: str | None) -> str:
    """The attachment's suffix: the upload's own when it names a recording, else its content type's.

    Safari records ``audio/mp4``, Chrome ``audio/webm;codecs=opus``; a name may say neither.
    """
    suffix = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if suffix not in AUDIO_SUFFIXES:
        media_type = (content_type or "").split(";", 1)[0].strip().lower()
        suffix = _SUFFIX_BY_TYPE.get(media_type, DEFAULT_AUDIO_SUFFIX)
    return MEDIA_SUFFIXES.get(suffix, suffix)


def web_note_markdown(text: str, created: datetime, language: str | None, audio_path: str | None) -> str:
    """Properties, then the recording's embed, then the text; ``status: unprocessed`` for expand."""
    fields: dict[str, Any] = {
        "created": created.replace(microsecond=0),
        "source": SOURCE,
        "type": "transcript" if audio_path is not None else "text",
        "tags": _tags(text),
    }
    if language:
        fields["language"] = language
    if audio_path is not None:
        fields["audio"] = f"[[{audio_path}]]"
    fields["status"] = STATUS_UNPROCESSED
    parts = [f"![[{audio_path}]]"] if audio_path is not None else []
    parts.append(text)
    return render_note(fields, "\n\n".join(parts))


def _tags(text: str) -> list[str]:
    return [SOURCE, *(tag for tag in hashtags(text) if tag.casefold() != SOURCE)]
