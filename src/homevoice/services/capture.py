"""Captures from chat into the vault: stored durably on arrival, then heard and written as notes.

``receive`` runs before the chat update is acknowledged and only puts the message on disk;
``process`` (a job step) transcribes and writes the note. ``process`` is idempotent: the note and
attachment paths are chosen and recorded before anything is written, so a repeat after a crash
finds its own note instead of writing a second one.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from homevoice.capture.note import FALLBACK_TITLES, Heard, is_note_of, media_suffix, note_markdown
from homevoice.capture.questions import ask_caption, question_after_ask_word
from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord, CaptureState
from homevoice.capture.spool import Spool
from homevoice.capture.store import CaptureStore
from homevoice.errors import HomevoiceError, JobError
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.settings_capture import VaultSettings
from homevoice.vault.daily import link_from_daily_note
from homevoice.vault.frontmatter import parse_note
from homevoice.vault.names import note_filename, title_from_text
from homevoice.vault.obsidian import VaultLayout
from homevoice.vault.writer import VaultWriter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CaptureOutcome:
    key: CaptureKey
    note_path: str
    transcript: str
    language: str | None
    error: str | None
    """Why the media has no transcript; the note exists all the same."""
    command: str | None = None
    """The words after a wake phrase: to be carried out, with no note written."""
    question: str | None = None
    """A question for the notes ("ask …", or a voice message captioned /ask): answered, not noted;
    "" when the caption asked but nothing could be heard."""


class CaptureService:
    def __init__(
        self,
        settings: VaultSettings,
        vault_dir: Path,
        transcription: TranscriptionService,
        store: CaptureStore,
        spool: Spool,
        wake_phrases: list[str] | None = None,
    ) -> None:
        self._wake_phrases = [p.lower().strip() for p in wake_phrases or [] if p.strip()]
        self._settings = settings
        self._vault_dir = vault_dir
        self._writer = VaultWriter(vault_dir)
        self._transcription = transcription
        self._store = store
        self._spool = spool
        # One capture at a time: voice messages arrive one by one, and the HTTP API shares the model.
        self._hearing = threading.Lock()

    @property
    def store(self) -> CaptureStore:
        return self._store

    @property
    def vault_dir(self) -> Path:
        return self._vault_dir

    def receive(self, record: CaptureRecord, media: bytes | None) -> bool:
        """Put a message on disk (file first, then its record); False if it was already there."""
        if self._store.get(record.key) is not None:
            return False
        if media is not None:
            name = self._spool.name_for(
                record.key.chat_id, record.key.message_id, media_suffix(record.original_name, record.kind)
            )
            self._spool.write(name, media)
            record = replace(record, spool_name=name)
        added = self._store.add(record)
        log.info("capture %s stored (%s)", record.key.workflow_id, record.kind.value)
        return added

    def process(self, key: CaptureKey) -> CaptureOutcome:
        record = self._store.get(key)
        if record is None:
            raise JobError(f"No capture {key.workflow_id} is stored.", code="capture_not_found")
        if record.state is CaptureState.SAVED:
            return CaptureOutcome(key, record.note_path or "", "", record.language, None)
        if record.state is CaptureState.COMMAND:
            return CaptureOutcome(key, "", "", record.language, None, command=record.text)
        if record.state is CaptureState.QUESTION:
            return CaptureOutcome(key, "", "", record.language, None, question=record.text)
        media = self._media(record)
        heard = self._hear(record, media) if record.kind.has_media else None
        command = command_after_wake_phrase(heard.text, self._wake_phrases) if heard else None
        if command is not None and record.kind is CaptureKind.VOICE:
            if record.spool_name is not None:
                self._spool.remove(record.spool_name)
            self._store.update(record, state=CaptureState.COMMAND, text=command, spool_name=None)
            log.info("capture %s is a command", key.workflow_id)
            return CaptureOutcome(
                key, "", heard.text if heard else "", heard.language if heard else None, None, command
            )
        question = question_of(record, heard)
        if question is not None and heard is not None:
            if record.spool_name is not None:
                self._spool.remove(record.spool_name)
            self._store.update(record, state=CaptureState.QUESTION, text=question, spool_name=None)
            log.info("capture %s is a question", key.workflow_id)
            return CaptureOutcome(key, "", heard.text, heard.language, heard.error, question=question)
        created = self._local(record.sent_at)
        layout = VaultLayout.read(self._vault_dir)
        if record.note_path is None:
            record = self._reserve(record, layout, created, heard)
        if media is not None and record.audio_path is not None:
            record = self._write_audio(record, media)
        record = self._write_note(record, created, heard)
        if record.spool_name is not None:
            self._spool.remove(record.spool_name)
            record = self._store.update(record, spool_name=None)
        assert record.note_path is not None
        link_from_daily_note(
            self._writer, layout, self._settings.daily_note_heading, record.note_path, created
        )
        log.info("capture %s saved as a note", key.workflow_id)
        return CaptureOutcome(
            key,
            record.note_path,
            heard.text if heard else "",
            heard.language if heard else None,
            heard.error if heard else None,
        )

    def edit(self, key: CaptureKey, text: str) -> bool:
        """A message's new text: the note follows unless the owner has edited it since."""
        record = self._store.get(key)
        if record is None:
            return False
        record = self._store.update(record, text=text)
        if record.state is not CaptureState.SAVED or record.kind is not CaptureKind.TEXT:
            return record.state is CaptureState.PENDING  # the job will use the new text
        assert record.note_path is not None and record.note_sha256 is not None
        data = note_markdown(record, self._local(record.sent_at), None, None).encode()
        if not self._writer.replace_if_unchanged(record.note_path, data, record.note_sha256):
            log.info("capture %s: the note was edited in the vault; keeping it", key.workflow_id)
            return False
        self._store.update(record, note_sha256=VaultWriter.sha256(data))
        return True

    def language(self, user_id: int) -> str | None:
        return self._store.language(user_id)

    def set_language(self, user_id: int, language: str | None) -> None:
        self._store.set_language(user_id, language)

    def voice_replies(self, user_id: int) -> bool:
        return self._store.voice_replies(user_id)

    def set_voice_replies(self, user_id: int, on: bool) -> None:
        self._store.set_voice_replies(user_id, on)

    def finish_command(self, key: CaptureKey) -> None:
        """A command carried out, or a question handed to the bot: not to be looked at again."""
        record = self._store.get(key)
        if record is not None and record.state in (CaptureState.COMMAND, CaptureState.QUESTION):
            self._store.update(record, state=CaptureState.SAVED)

    def pending(self) -> list[CaptureKey]:
        return [r.key for r in self._store.pending()]

    def _media(self, record: CaptureRecord) -> bytes | None:
        if not record.kind.has_media:
            return None
        if record.spool_name is not None:
            data = self._spool.read(record.spool_name)
            if data is not None:
                return data
        if record.audio_path is not None:  # a repeat after the spool file was moved to the vault
            return self._writer.read(record.audio_path)
        return None

    def _hear(self, record: CaptureRecord, media: bytes | None) -> Heard:
        model = self._transcription.model_name(None)
        if media is None:
            return Heard("", None, model, record.duration_s, "the file was lost before it was transcribed")
        try:
            with self._hearing:
                transcript = self._transcription.transcribe(
                    media, TranscriptionRequest(language=record.language), name=record.original_name or ""
                )
        except HomevoiceError as err:
            log.warning("capture %s: not transcribed (%s)", record.key.workflow_id, err.code)
            return Heard("", None, model, record.duration_s, err.message)
        return Heard(transcript.text.strip(), transcript.language, model, transcript.duration)

    def _reserve(
        self, record: CaptureRecord, layout: VaultLayout, created: datetime, heard: Heard | None
    ) -> CaptureRecord:
        title = title_from_text(record.text or (heard.text if heard else ""))
        filename = note_filename(created, title, fallback=FALLBACK_TITLES[record.kind])
        inbox = self._settings.inbox
        note_path = self._writer.unique_path(inbox, filename)
        audio_path = None
        if record.kind.has_media:
            stem = PurePosixPath(note_path).stem
            folder = layout.attachment_dir(inbox)
            audio_path = self._writer.unique_path(
                folder, stem + media_suffix(record.original_name, record.kind)
            )
        return self._store.update(record, note_path=note_path, audio_path=audio_path)

    def _write_audio(self, record: CaptureRecord, media: bytes) -> CaptureRecord:
        assert record.audio_path is not None
        if self._writer.create(record.audio_path, media):
            return record
        if self._writer.read(record.audio_path) == media:
            return record  # written before a crash
        other = self._free_path_beside(record.audio_path)
        self._writer.create(other, media)
        return self._store.update(record, audio_path=other)

    def _write_note(self, record: CaptureRecord, created: datetime, heard: Heard | None) -> CaptureRecord:
        assert record.note_path is not None
        data = note_markdown(record, created, record.audio_path, heard).encode()
        path = record.note_path
        if not self._writer.create(path, data):
            existing = self._writer.read(path)
            if existing is not None and is_note_of(parse_note(existing.decode(errors="replace"))[0], record):
                data = existing  # written before a crash: keep it, never write a second note
            else:
                path = self._free_path_beside(path)
                self._writer.create(path, data)
        return self._store.update(
            record, note_path=path, state=CaptureState.SAVED, note_sha256=VaultWriter.sha256(data)
        )

    def _free_path_beside(self, taken: str) -> str:
        """A free name in the folder of ``taken``, which some other file now occupies."""
        path = PurePosixPath(taken)
        folder = "" if str(path.parent) == "." else str(path.parent)
        return self._writer.unique_path(folder, path.name)

    def _local(self, sent_at: float) -> datetime:
        return self._settings.local_time(datetime.fromtimestamp(sent_at, UTC))


def question_of(record: CaptureRecord, heard: Heard | None) -> str | None:
    """The question a voice message asks, by its caption or its first word; None for a note."""
    if record.kind is not CaptureKind.VOICE or heard is None:
        return None
    asked = ask_caption(record.text) if record.text else None
    if asked is not None:
        return " ".join(part for part in (asked, heard.text) if part)
    return question_after_ask_word(heard.text)


def command_after_wake_phrase(text: str, wake_phrases: list[str]) -> str | None:
    """The command in ``text`` if it starts with a wake phrase ("Computer, turn on the light.")."""
    said = text.strip()
    lowered = said.lower()
    for phrase in wake_phrases:
        if lowered.startswith(phrase) and (len(lowered) == len(phrase) or not lowered[len(phrase)].isalnum()):
            rest = said[len(phrase) :].lstrip(" ,.!:;—-")
            return rest or None
    return None
