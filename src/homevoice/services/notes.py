"""Notes saved from the web page: text (a transcript the owner may have edited), with or without
its recording, written into the vault inbox before the request is answered.

Nothing is ever overwritten: names are chosen free and created exclusively, and a name another
writer takes first is simply chosen again.
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Final

from homevoice.capture.web_note import FALLBACK_TITLE, audio_suffix, web_note_markdown
from homevoice.errors import EmptyAudioError, HomevoiceError
from homevoice.settings_capture import VaultSettings
from homevoice.vault.daily import link_from_daily_note
from homevoice.vault.errors import VaultError
from homevoice.vault.names import NOTE_TIME_FORMAT, note_filename, title_from_text
from homevoice.vault.obsidian import VaultLayout
from homevoice.vault.writer import VaultWriter

log = logging.getLogger(__name__)

MAX_NOTE_CHARS: Final = 100_000
_LANGUAGE: Final = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8}){0,3}")
"""An ISO 639 code, optionally with a region or script ("ru", "en-GB", "zh-Hant")."""
_ATTEMPTS: Final = 5
"""Tries for a free name when other writers (sync, the owner) keep taking the chosen one."""


@dataclass(frozen=True)
class NewNote:
    text: str
    title: str | None = None
    """Unset or blank: the first words of the text."""
    language: str | None = None
    audio: bytes | None = None
    """The recording, stored byte for byte."""
    audio_name: str | None = None
    audio_type: str | None = None


@dataclass(frozen=True)
class SavedNote:
    path: str
    """Vault-relative, like "Inbox/2026-12-04 1530 Call mum.md"."""
    title: str
    """The note's name without its time prefix, as in the file name."""
    audio_path: str | None


class NoteService:
    def __init__(
        self, settings: VaultSettings, vault_dir: Path, now: Callable[[], datetime] | None = None
    ) -> None:
        self._settings = settings
        self._vault_dir = vault_dir
        self._writer = VaultWriter(vault_dir)
        self._now = now or (lambda: datetime.now(UTC))

    def save(self, note: NewNote) -> SavedNote:
        """Write the note (and its recording first, so its embed never dangles); fsynced on return."""
        text = _checked_text(note.text)
        language = _checked_language(note.language)
        if note.audio is not None and not note.audio:
            name = (note.audio_name or "").replace("\n", " ")[-120:]
            raise EmptyAudioError(f"The recording {name!r} is empty; record again or leave it out.")
        created = self._settings.local_time(self._now())
        layout = VaultLayout.read(self._vault_dir)
        inbox = self._settings.inbox
        title = title_from_text((note.title or "").strip() or text)
        filename = note_filename(created, title, fallback=FALLBACK_TITLE)
        audio_path = None
        if note.audio is not None:
            # Named after the note: the name the note will most likely get.
            stem = PurePosixPath(self._writer.unique_path(inbox, filename)).stem
            suffix = audio_suffix(note.audio_name, note.audio_type)
            audio_path = self._create(layout.attachment_dir(inbox), stem + suffix, note.audio)
        data = web_note_markdown(text, created, language, audio_path).encode()
        try:
            path = self._create(inbox, filename, data)
        except BaseException:
            if audio_path is not None:  # no note will embed it
                with contextlib.suppress(OSError, VaultError):
                    self._writer.resolve(audio_path).unlink()
            raise
        link_from_daily_note(self._writer, layout, self._settings.daily_note_heading, path, created)
        log.info("note saved from the web (%d characters, recording: %s)", len(text), audio_path is not None)
        stem = PurePosixPath(path).stem
        return SavedNote(path, stem[len(f"{created:{NOTE_TIME_FORMAT}} ") :] or stem, audio_path)

    def _create(self, folder: str, filename: str, data: bytes) -> str:
        """Create a new file named like ``filename`` in ``folder``; its vault-relative path."""
        for _attempt in range(_ATTEMPTS):
            path = self._writer.unique_path(folder, filename)
            try:
                created = self._writer.create(path, data)
            except VaultError as err:
                raise _naming_the_folder(err, self._vault_dir, folder) from err
            if created:
                return path
        raise VaultError(
            f"Could not find a free name in {folder or '/'!r} of the vault: other files kept taking "
            "the chosen ones. Try again.",
            code="vault_unwritable",
        )


def _naming_the_folder(err: VaultError, vault_dir: Path, folder: str) -> VaultError:
    """The error without the file's name: a note is named by its first words, and a failed write is
    logged, where the owner's words never go."""
    if not isinstance(err.__cause__, OSError):
        return err
    reason = err.__cause__.strerror or type(err.__cause__).__name__
    return VaultError(
        f"Cannot write a new file in {folder or '/'!r} of the vault {str(vault_dir)!r}: {reason}. "
        "Free some disk space or let this service write to the vault folder, then try again.",
        code=err.code,
    )


def _checked_text(text: str) -> str:
    # Browsers send a textarea's line breaks as CRLF; notes use LF like the rest of the vault.
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise HomevoiceError("The note has no text; write or dictate something first.", code="empty_note")
    if len(text) > MAX_NOTE_CHARS:
        raise HomevoiceError(
            f"The note has {len(text):,} characters; at most {MAX_NOTE_CHARS:,} fit in one note. "
            "Split it into several notes.",
            code="note_too_long",
        )
    return text


def _checked_language(language: str | None) -> str | None:
    value = (language or "").strip()
    if not value or value.lower() == "auto":
        return None
    if not _LANGUAGE.fullmatch(value):
        raise HomevoiceError(
            f"{value[:40]!r} is not a language code; use an ISO 639 code like `ru` or `en`.",
            code="unsupported_language",
        )
    return value
