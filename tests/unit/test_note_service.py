"""Notes saved from the web page: the note and its recording in the vault, names from hostile
titles, never an overwrite, the daily-note link, and the refusals."""

from __future__ import annotations

import errno
from datetime import UTC, datetime
from pathlib import Path

import pytest

from homevoice.capture.web_note import audio_suffix
from homevoice.errors import HomevoiceError
from homevoice.services.notes import MAX_NOTE_CHARS, NewNote, NoteService
from homevoice.settings import load_settings
from homevoice.settings_capture import VaultSettings
from homevoice.vault import writer as writer_module
from homevoice.vault.errors import VaultError
from homevoice.vault.frontmatter import parse_note
from homevoice.vault.writer import VaultWriter
from tests.fakes.obsidian import obsidian_vault

NOW = datetime(2026, 12, 4, 12, 30, 45, 123456, tzinfo=UTC)
"""15:30 in Moscow."""
AUDIO = b"\x1aE\xdf\xa3 not really webm \x00\xff"


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    return obsidian_vault(tmp_path / "My Vault")


def make_service(vault: Path, **settings: object) -> NoteService:
    vault_settings = VaultSettings(timezone="Europe/Moscow", **settings)  # type: ignore[arg-type]
    return NoteService(vault_settings, vault, now=lambda: NOW)


def test_a_text_note_lands_in_the_inbox(vault: Path) -> None:
    saved = make_service(vault).save(
        NewNote("Call mum about the #garden\r\nand the #Garden #idea", language="en")
    )
    assert saved.path == "Inbox/2026-12-04 1530 Call mum about the garden and the Garden idea.md"
    assert saved.title == "Call mum about the garden and the Garden idea"
    assert saved.audio_path is None
    fields, body = parse_note((vault / saved.path).read_text())
    assert fields == {
        "created": datetime.fromisoformat("2026-12-04T15:30:45+03:00"),
        "source": "web",
        "type": "text",
        "tags": ["web", "garden", "idea"],
        "language": "en",
        "status": "unprocessed",
    }
    assert body == "Call mum about the #garden\nand the #Garden #idea\n"
    assert load_settings(vault={"path": vault}).vault_name == "My Vault"


def test_a_recording_is_stored_byte_for_byte_and_embedded(vault: Path) -> None:
    note = NewNote(" Сходить в магазин ", title="Покупки", audio=AUDIO, audio_name="rec.WEBM")
    saved = make_service(vault).save(note)
    assert saved.path == "Inbox/2026-12-04 1530 Покупки.md"
    assert saved.audio_path == "Attachments/2026-12-04 1530 Покупки.webm"
    assert (vault / saved.audio_path).read_bytes() == AUDIO
    fields, body = parse_note((vault / saved.path).read_text())
    assert fields["type"] == "transcript" and "language" not in fields
    assert fields["audio"] == "[[Attachments/2026-12-04 1530 Покупки.webm]]"
    assert fields["status"] == "unprocessed" and fields["tags"] == ["web"]
    assert body == "![[Attachments/2026-12-04 1530 Покупки.webm]]\n\nСходить в магазин\n"


def test_attachments_beside_the_note_when_obsidian_says_so(vault: Path) -> None:
    (vault / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "./media"}')
    saved = make_service(vault, inbox="Notes/From web").save(
        NewNote("x", audio=AUDIO, audio_type="audio/ogg")
    )
    assert saved.audio_path == "Notes/From web/media/2026-12-04 1530 x.ogg"


@pytest.mark.parametrize(
    ("name", "content_type", "suffix"),
    [
        ("voice.OGG", None, ".ogg"),
        ("voice.oga", "audio/ogg", ".ogg"),
        ("voice.opus", None, ".ogg"),
        ("../../talk.mp3", None, ".mp3"),
        ("blob", "audio/webm;codecs=opus", ".webm"),
        ("", "audio/mp4", ".m4a"),
        (None, "Audio/X-WAV", ".wav"),
        ("evil.md", "audio/mpeg", ".mp3"),
        ("page.html", None, ".webm"),
        ("x.exe", "application/octet-stream", ".webm"),
        ("clip.MOV", "video/quicktime", ".mov"),
    ],
)
def test_only_recording_suffixes_reach_the_vault(
    name: str | None, content_type: str | None, suffix: str
) -> None:
    assert audio_suffix(name, content_type) == suffix


@pytest.mark.parametrize(
    "title",
    [
        "../../x",
        "..",
        "/etc/passwd",
        "C:\\Windows\\system32",
        "CON",
        "nul.txt",
        "a\x00b",
        "x" * 500,
        "я" * 500,
        "🎙️ Идея ✨",
        'a/b\\c:d*e?f"g<h>i|j#k^l[m]n',
        "\u202egpj.exe",
        "line\nbreak\r\ttab",
        "   ",
        "...",
    ],
)
def test_hostile_titles_give_a_safe_name_inside_the_inbox(vault: Path, title: str) -> None:
    saved = make_service(vault).save(NewNote("Body", title=title, audio=AUDIO, audio_name="a.webm"))
    folder, _, name = saved.path.partition("/")
    assert folder == "Inbox" and "/" not in name and "\\" not in name and "\x00" not in name
    assert name.startswith("2026-12-04 1530 ") and name.endswith(".md")
    assert len(name.encode()) <= 200
    assert (vault / saved.path).resolve().parent == (vault / "Inbox").resolve()
    assert saved.audio_path is not None and (vault / saved.audio_path).resolve().parent == (
        vault / "Attachments"
    )
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", "Attachments", "Inbox"]


def test_a_blank_title_falls_back_to_the_text_then_to_note(vault: Path) -> None:
    assert make_service(vault).save(NewNote("First words here", title="  ")).title == "First words here"
    assert make_service(vault).save(NewNote("###", title="")).title == "Note"


def test_the_same_title_twice_gives_two_notes(vault: Path) -> None:
    service = make_service(vault)
    first = service.save(NewNote("one", title="Idea", audio=AUDIO))
    second = service.save(NewNote("two", title="idea", audio=AUDIO))
    assert first.path == "Inbox/2026-12-04 1530 Idea.md"
    assert second.path == "Inbox/2026-12-04 1530 idea 2.md"
    assert second.audio_path == "Attachments/2026-12-04 1530 idea 2.webm"
    assert second.title == "idea 2"
    assert "one" in (vault / first.path).read_text() and "two" in (vault / second.path).read_text()


def test_a_name_taken_meanwhile_is_chosen_again(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    service = make_service(vault)
    create = VaultWriter.create
    taken: list[str] = []

    def someone_else_first(writer: VaultWriter, rel: str, data: bytes) -> bool:
        if rel.endswith(".md") and not taken:  # sync drops a file of that name just before us
            taken.append(rel)
            create(writer, rel, b"the owner's note")
        return create(writer, rel, data)

    monkeypatch.setattr(VaultWriter, "create", someone_else_first)
    saved = service.save(NewNote("mine", title="Idea"))
    assert taken == ["Inbox/2026-12-04 1530 Idea.md"]
    assert saved.path == "Inbox/2026-12-04 1530 Idea 2.md"
    assert (vault / taken[0]).read_bytes() == b"the owner's note"


def test_names_taken_again_and_again_end_in_an_error(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    create = VaultWriter.create
    monkeypatch.setattr(
        VaultWriter, "create", lambda w, rel, data: False if rel.endswith(".md") else create(w, rel, data)
    )
    with pytest.raises(VaultError) as raised:
        make_service(vault).save(NewNote("Secret", audio=AUDIO))
    assert raised.value.code == "vault_unwritable" and "Secret" not in raised.value.message
    assert list((vault / "Attachments").iterdir()) == []


def test_no_recording_is_left_without_its_note(vault: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    create = VaultWriter.create

    def full_for_notes(writer: VaultWriter, rel: str, data: bytes) -> bool:
        if rel.endswith(".md"):
            raise VaultError("Cannot write: No space left on device.", code="vault_unwritable")
        return create(writer, rel, data)

    monkeypatch.setattr(VaultWriter, "create", full_for_notes)
    with pytest.raises(VaultError):
        make_service(vault).save(NewNote("x", audio=AUDIO))
    assert list((vault / "Attachments").iterdir()) == []


def test_a_full_disk_is_reported_without_the_note_s_words(
    vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(path: Path, data: bytes, mode: int | None = None) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(writer_module, "_write_new", full)
    with pytest.raises(VaultError) as raised:
        make_service(vault).save(NewNote("Secret words", title="Secret title"))
    assert raised.value.code == "vault_unwritable"
    assert "No space left on device" in raised.value.message and "'Inbox'" in raised.value.message
    assert "Secret" not in raised.value.message


def test_a_missing_vault_is_an_error_not_a_new_folder(tmp_path: Path) -> None:
    with pytest.raises(VaultError) as raised:
        make_service(tmp_path / "unmounted").save(NewNote("x"))
    assert raised.value.code == "vault_unwritable"
    assert not (tmp_path / "unmounted").exists()


@pytest.mark.parametrize(
    ("note", "code"),
    [
        (NewNote(""), "empty_note"),
        (NewNote(" \r\n\t "), "empty_note"),
        (NewNote("x" * (MAX_NOTE_CHARS + 1)), "note_too_long"),
        (NewNote("x", audio=b"", audio_name="rec.webm"), "empty_audio"),
        (NewNote("x", language="../../etc"), "unsupported_language"),
        (NewNote("x", language="en\nstatus: processed"), "unsupported_language"),
    ],
)
def test_refusals(vault: Path, note: NewNote, code: str) -> None:
    with pytest.raises(HomevoiceError) as raised:
        make_service(vault).save(note)
    assert raised.value.code == code
    assert not (vault / "Inbox").exists()


def test_the_longest_note_and_language_codes(vault: Path) -> None:
    service = make_service(vault)
    longest = service.save(NewNote("x" * MAX_NOTE_CHARS, language="auto"))
    fields, _ = parse_note((vault / longest.path).read_text())
    assert "language" not in fields
    regional = service.save(NewNote("y", language=" en-GB "))
    assert parse_note((vault / regional.path).read_text())[0]["language"] == "en-GB"


def test_the_daily_note_links_the_new_note(vault: Path) -> None:
    (vault / ".obsidian" / "daily-notes.json").write_text('{"folder": "Daily", "format": "DD.MM.YYYY"}')
    (vault / "Daily").mkdir()
    daily = vault / "Daily" / "04.12.2026.md"
    daily.write_text("# Friday\n\n## Notes\n\n## Later\n")
    make_service(vault, daily_note_heading="Notes").save(NewNote("Call mum"))
    text = daily.read_text()
    assert "## Notes\n- 15:30 [[Inbox/2026-12-04 1530 Call mum|2026-12-04 1530 Call mum]]\n" in text
    assert text.index("Call mum") < text.index("## Later")


def test_no_heading_or_no_daily_note_no_link(vault: Path) -> None:
    (vault / "2026-12-04.md").write_text("## Notes\n")
    make_service(vault).save(NewNote("Call mum"))
    assert (vault / "2026-12-04.md").read_text() == "## Notes\n"
    (vault / "2026-12-04.md").unlink()
    make_service(vault, daily_note_heading="Notes").save(NewNote("Call dad"))
    assert sorted(p.name for p in vault.iterdir()) == [".obsidian", "Inbox"]
