"""Appending to the owner's daily note without disturbing it."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from homevoice.vault import DailyNotes, VaultLayout, VaultWriter, append_to_daily_note, append_under_heading

DAY = date(2026, 12, 3)


def test_appends_at_end_of_section() -> None:
    text = "# Thursday\n\n## Voice notes\n- 09:00 first\n\n## Tasks\n- [ ] milk\n"
    result = append_under_heading(text, "Voice notes", "- 10:00 second")
    assert result == "# Thursday\n\n## Voice notes\n- 09:00 first\n- 10:00 second\n\n## Tasks\n- [ ] milk\n"


def test_empty_section_and_last_section() -> None:
    assert append_under_heading("## Log\n## Next\n", "Log", "x") == "## Log\nx\n## Next\n"
    assert append_under_heading("## Log\n- a", "Log", "- b") == "## Log\n- a\n- b\n"
    assert append_under_heading("## Log\n- a\n\n\n", "Log", "- b") == "## Log\n- a\n- b\n\n\n"


def test_any_heading_level_and_closing_hashes() -> None:
    assert append_under_heading("### Log ###\n- a\n", "Log", "- b") == "### Log ###\n- a\n- b\n"
    assert append_under_heading("# Log\n", "Log", "- b") == "# Log\n- b\n"


def test_line_stays_out_of_subsections() -> None:
    text = "## Log\n- a\n### Details\nmore\n"
    assert append_under_heading(text, "Log", "- b") == "## Log\n- a\n- b\n### Details\nmore\n"


def test_heading_must_match_exactly() -> None:
    text = "## Logbook\n- a\n"
    assert append_under_heading(text, "Log", "- b") == "## Logbook\n- a\n\n## Log\n- b\n"


def test_missing_heading_is_added_at_end() -> None:
    assert append_under_heading("Some text", "Голосовые", "- идея") == "Some text\n\n## Голосовые\n- идея\n"
    assert append_under_heading("", "Log", "- a") == "\n## Log\n- a\n"


def test_idempotent() -> None:
    text = "## Log\n- a\n"
    once = append_under_heading(text, "Log", "- b")
    assert once is not None
    assert append_under_heading(once, "Log", "- b") is None
    # The same line in another section does not count.
    assert append_under_heading("## Other\n- b\n## Log\n", "Log", "- b") == "## Other\n- b\n## Log\n- b\n"


def test_frontmatter_is_untouched() -> None:
    text = '---\ntitle: "## Log"\ntags:\n- daily\n---\n## Log\n- a\n'
    assert append_under_heading(text, "Log", "- b") == text.replace("- a\n", "- a\n- b\n")
    only_frontmatter = "---\nkey: '## Log'\n---\n"
    assert append_under_heading(only_frontmatter, "Log", "- b") == only_frontmatter + "\n## Log\n- b\n"


def test_headings_in_code_blocks_are_ignored() -> None:
    text = "```\n## Log\n```\n## Log\n- a\n"
    assert append_under_heading(text, "Log", "- b") == "```\n## Log\n```\n## Log\n- a\n- b\n"


def test_crlf_notes_keep_crlf() -> None:
    text = "## Log\r\n- a\r\n\r\n## Tasks\r\n"
    assert append_under_heading(text, "Log", "- b") == "## Log\r\n- a\r\n- b\r\n\r\n## Tasks\r\n"


def test_line_breaks_in_line_cannot_inject_headings() -> None:
    result = append_under_heading("## Log\n", "Log", "- a\n## Injected\n---")
    assert result == "## Log\n- a ## Injected ---\n"


@pytest.fixture
def vault(tmp_path: Path) -> tuple[VaultWriter, VaultLayout]:
    layout = VaultLayout(
        root=tmp_path,
        attachment_folder="/",
        daily=DailyNotes(folder="Daily", format="YYYY-MM-DD", template=""),
    )
    return VaultWriter(tmp_path), layout


def test_daily_note_is_never_created(vault: tuple[VaultWriter, VaultLayout], tmp_path: Path) -> None:
    writer, layout = vault
    assert append_to_daily_note(writer, layout, DAY, "Log", "- a") is None
    assert not (tmp_path / "Daily").exists()


def test_daily_disabled(tmp_path: Path) -> None:
    (tmp_path / "2026-12-03.md").write_text("## Log\n")
    layout = VaultLayout(root=tmp_path, attachment_folder="/", daily=None)
    assert append_to_daily_note(VaultWriter(tmp_path), layout, DAY, "Log", "- a") is None
    assert (tmp_path / "2026-12-03.md").read_text() == "## Log\n"


def test_appends_to_existing_daily_note(vault: tuple[VaultWriter, VaultLayout], tmp_path: Path) -> None:
    writer, layout = vault
    note = tmp_path / "Daily" / "2026-12-03.md"
    note.parent.mkdir()
    note.write_text("# Четверг\n## Log\n- a\n## Tasks\n", encoding="utf-8")
    assert append_to_daily_note(writer, layout, DAY, "Log", "- b [[Idea]]") == "Daily/2026-12-03.md"
    assert note.read_text(encoding="utf-8") == "# Четверг\n## Log\n- a\n- b [[Idea]]\n## Tasks\n"
    # A second delivery of the same line changes nothing.
    before = note.stat().st_mtime_ns
    assert append_to_daily_note(writer, layout, DAY, "Log", "- b [[Idea]]") == "Daily/2026-12-03.md"
    assert note.stat().st_mtime_ns == before


def test_non_utf8_bytes_survive(vault: tuple[VaultWriter, VaultLayout], tmp_path: Path) -> None:
    writer, layout = vault
    note = tmp_path / "Daily" / "2026-12-03.md"
    note.parent.mkdir()
    note.write_bytes(b"\xff\xfe odd\n## Log\n")
    assert append_to_daily_note(writer, layout, DAY, "Log", "- a") is not None
    assert note.read_bytes() == b"\xff\xfe odd\n## Log\n- a\n"


def test_retries_once_when_the_note_changes(
    vault: tuple[VaultWriter, VaultLayout], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, layout = vault
    note = tmp_path / "Daily" / "2026-12-03.md"
    note.parent.mkdir()
    note.write_text("## Log\n")
    real_replace = writer.replace_if_unchanged
    calls: list[str] = []

    def owner_edits_first(rel: str, data: bytes, expected: str) -> bool:
        calls.append(rel)
        if len(calls) == 1:
            note.write_text("## Log\n- owner\n")  # the owner typed between our read and write
        return real_replace(rel, data, expected)

    monkeypatch.setattr(writer, "replace_if_unchanged", owner_edits_first)
    assert append_to_daily_note(writer, layout, DAY, "Log", "- a") == "Daily/2026-12-03.md"
    assert len(calls) == 2
    assert note.read_text() == "## Log\n- owner\n- a\n"


def test_gives_up_when_the_note_keeps_changing(
    vault: tuple[VaultWriter, VaultLayout], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer, layout = vault
    note = tmp_path / "Daily" / "2026-12-03.md"
    note.parent.mkdir()
    note.write_text("## Log\n")
    monkeypatch.setattr(writer, "replace_if_unchanged", lambda *_args: False)
    assert append_to_daily_note(writer, layout, DAY, "Log", "- a") is None
    assert note.read_text() == "## Log\n"
