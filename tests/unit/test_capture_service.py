"""Captures into a vault: notes, attachments, idempotency, edits, hostile input; a fake engine hears."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord, CaptureState
from homevoice.capture.spool import Spool
from homevoice.capture.store import CaptureStore
from homevoice.engines.manager import ModelManager
from homevoice.services.capture import CaptureService
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import SttSettings
from homevoice.settings_capture import VaultSettings
from homevoice.vault.frontmatter import parse_note
from tests.fakes.media import encode, tone
from tests.fakes.obsidian import obsidian_vault
from tests.fakes.stt import EchoEngine, EchoLoader

SENT = datetime(2026, 12, 3, 9, 5, tzinfo=UTC).timestamp()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return obsidian_vault(tmp_path / "vault")


def make_service(tmp_path: Path, vault: Path, **vault_settings: object) -> CaptureService:
    engine = EchoEngine()
    models = ModelManager(EchoLoader(engine), -1)
    transcription = TranscriptionService(SttSettings(model="tiny.en"), models)  # type: ignore[call-arg]
    settings = VaultSettings(timezone="UTC", **vault_settings)  # type: ignore[arg-type]
    data = tmp_path / "data"
    return CaptureService(
        settings, vault, transcription, CaptureStore(data / "captures.sqlite"), Spool(data / "spool")
    )


def voice(message_id: int = 7, text: str = "", **changes: object) -> CaptureRecord:
    fields: dict[str, object] = {
        "key": CaptureKey(100, message_id),
        "user_id": 100,
        "kind": CaptureKind.VOICE,
        "sent_at": SENT,
        "text": text,
        "original_name": "voice.oga",
        "mime_type": "audio/ogg",
    }
    return CaptureRecord(**(fields | changes))  # type: ignore[arg-type]


OGG = encode(tone(2.0), 16_000, "oga")


def note_files(vault: Path) -> list[Path]:
    return sorted((vault / "Inbox").glob("*.md"))


def test_a_voice_message_becomes_a_note_with_its_audio(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    assert service.receive(voice(text="Idea for #garden"), OGG)
    outcome = service.process(CaptureKey(100, 7))

    assert outcome.note_path == "Inbox/2026-12-03 0905 Idea for garden.md"
    assert outcome.transcript == "2.00 s"
    fields, body = parse_note((vault / outcome.note_path).read_text())
    assert fields["source"] == "telegram"
    assert fields["type"] == "voice"
    assert fields["tags"] == ["telegram", "voice", "garden"]
    assert fields["audio"] == "[[Attachments/2026-12-03 0905 Idea for garden.ogg]]"
    assert fields["duration"] == 2.0
    assert fields["stt_model"] == "tiny.en"
    assert fields["telegram_chat_id"] == 100 and fields["telegram_message_id"] == 7
    assert fields["status"] == "unprocessed"
    assert fields["created"] == datetime(2026, 12, 3, 9, 5, tzinfo=UTC)
    assert "![[Attachments/2026-12-03 0905 Idea for garden.ogg]]" in body
    assert "2.00 s" in body
    assert (vault / "Attachments" / "2026-12-03 0905 Idea for garden.ogg").read_bytes() == OGG
    assert not list((tmp_path / "data" / "spool").iterdir()), "the spool file moved into the vault"


def test_receiving_twice_and_processing_twice_gives_one_note(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    assert service.receive(voice(), OGG)
    assert not service.receive(voice(), OGG)
    first = service.process(CaptureKey(100, 7))
    second = service.process(CaptureKey(100, 7))
    assert first.note_path == second.note_path
    assert len(note_files(vault)) == 1


def test_a_repeat_after_a_crash_between_writing_and_recording_finds_its_note(
    tmp_path: Path, vault: Path
) -> None:
    service = make_service(tmp_path, vault)
    service.receive(voice(), OGG)
    outcome = service.process(CaptureKey(100, 7))
    store = service.store
    record = store.get(CaptureKey(100, 7))
    assert record is not None
    # As if the process died after the note's rename, before its record said so.
    store.update(record, state=CaptureState.PENDING, note_sha256=None)
    again = service.process(CaptureKey(100, 7))
    assert again.note_path == outcome.note_path
    assert len(note_files(vault)) == 1
    assert len(list((vault / "Attachments").iterdir())) == 1


def test_same_minute_same_words_get_distinct_names(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    for message_id in (1, 2):
        service.receive(voice(message_id, text="Same words"), OGG)
        service.process(CaptureKey(100, message_id))
    names = [p.name for p in note_files(vault)]
    assert names == ["2026-12-03 0905 Same words 2.md", "2026-12-03 0905 Same words.md"]


def test_hostile_captions_stay_inside_the_vault_and_the_properties(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    caption = '../../etc/passwd\n---\nstatus: processed\n"quoted": [x] #tag'
    service.receive(voice(text=caption, original_name="../../../evil.oga"), OGG)
    outcome = service.process(CaptureKey(100, 7))
    note = vault / outcome.note_path
    assert note.parent == vault / "Inbox"
    fields, body = parse_note(note.read_text())
    assert fields["status"] == "unprocessed"
    assert caption.strip() in body
    assert [p.parent for p in (vault / "Attachments").iterdir()] == [vault / "Attachments"]
    assert not (tmp_path / "etc").exists()


def test_audio_that_cannot_be_decoded_is_kept_with_a_note_that_says_so(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    service.receive(voice(), b"not audio at all")
    outcome = service.process(CaptureKey(100, 7))
    assert outcome.error
    fields, body = parse_note((vault / outcome.note_path).read_text())
    assert fields["transcription_error"] == outcome.error
    assert "Not transcribed" in body
    assert (vault / "Attachments" / "2026-12-03 0905 Voice note.ogg").read_bytes() == b"not audio at all"


def text_message(text: str, message_id: int = 9) -> CaptureRecord:
    return CaptureRecord(CaptureKey(100, message_id), 100, CaptureKind.TEXT, SENT, text=text)


def test_an_edited_text_updates_its_note_until_the_owner_edits_it(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    service.receive(text_message("Buy milk"), None)
    path = vault / service.process(CaptureKey(100, 9)).note_path
    assert service.edit(CaptureKey(100, 9), "Buy milk and bread")
    assert "Buy milk and bread" in path.read_text()

    path.write_text(path.read_text() + "\nMy own line\n")
    assert not service.edit(CaptureKey(100, 9), "Buy oat milk")
    assert "My own line" in path.read_text()
    assert "Buy oat milk" not in path.read_text()


def test_an_edit_before_the_job_runs_is_used_by_the_job(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    service.receive(text_message("Draft"), None)
    assert service.edit(CaptureKey(100, 9), "Final #todo")
    fields, body = parse_note((vault / service.process(CaptureKey(100, 9)).note_path).read_text())
    assert body.strip() == "Final #todo"
    assert "todo" in fields["tags"]


def test_forwarded_messages_name_their_origin(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault)
    record = CaptureRecord(
        CaptureKey(100, 3), 100, CaptureKind.TEXT, SENT, text="Quote", forwarded_from="Ada: Lovelace"
    )
    service.receive(record, None)
    fields, _ = parse_note((vault / service.process(CaptureKey(100, 3)).note_path).read_text())
    assert fields["forwarded_from"] == "Ada: Lovelace"


def test_captures_are_linked_from_an_existing_daily_note(tmp_path: Path, vault: Path) -> None:
    (vault / ".obsidian" / "daily-notes.json").write_text('{"folder": "Daily", "format": "DD.MM.YYYY"}')
    (vault / "Daily").mkdir()
    daily = vault / "Daily" / "03.12.2026.md"
    daily.write_text("# Thursday\n\n## Voice notes\n\n## Later\n")
    service = make_service(tmp_path, vault, daily_note_heading="Voice notes")
    service.receive(text_message("Call mum"), None)
    service.process(CaptureKey(100, 9))
    text = daily.read_text()
    assert "- 09:05 [[Inbox/2026-12-03 0905 Call mum|2026-12-03 0905 Call mum]]" in text
    assert text.index("Call mum") < text.index("## Later")


def test_no_daily_note_no_link_and_none_created(tmp_path: Path, vault: Path) -> None:
    service = make_service(tmp_path, vault, daily_note_heading="Voice notes")
    service.receive(text_message("Call mum"), None)
    service.process(CaptureKey(100, 9))
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", "Inbox"]


def test_store_keeps_language_choices_and_pending_captures(tmp_path: Path) -> None:
    store = CaptureStore(tmp_path / "c.sqlite")
    store.set_language(5, "ru")
    store.set_language(5, None)
    store.set_language(6, "en")
    assert store.language(5) is None and store.language(6) == "en" and store.language(7) is None
    assert store.add(text_message("a", 1)) and store.add(text_message("b", 2))
    assert [r.key.message_id for r in store.pending()] == [1, 2]
    store.close()
    reopened = CaptureStore(tmp_path / "c.sqlite")
    assert reopened.get(CaptureKey(100, 2)) == text_message("b", 2)
