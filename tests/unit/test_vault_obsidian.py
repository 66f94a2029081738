"""Reading where Obsidian puts attachments and daily notes; moment.js date formats."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from homevoice.vault import DailyNotes, VaultLayout, moment_format


def _settings(root: Path, name: str, content: str) -> None:
    folder = root / ".obsidian"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(content, encoding="utf-8")


def test_defaults_without_settings(tmp_path: Path) -> None:
    layout = VaultLayout.read(tmp_path)
    assert layout.root == tmp_path
    assert layout.attachment_folder == "/"
    assert layout.daily == DailyNotes(folder="", format="YYYY-MM-DD", template="")
    assert layout.attachment_dir("Inbox") == ""
    assert layout.daily_note_path(date(2026, 12, 3)) == "2026-12-03.md"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '{"attachmentFolderPath": 5}', ""])
def test_broken_app_json_means_defaults(tmp_path: Path, content: str) -> None:
    _settings(tmp_path, "app.json", content)
    _settings(tmp_path, "daily-notes.json", content)
    layout = VaultLayout.read(tmp_path)
    assert layout.attachment_folder == "/"
    assert layout.daily == DailyNotes("", "YYYY-MM-DD", "")


@pytest.mark.parametrize(
    ("setting", "note_folder", "expected"),
    [
        ("/", "Inbox", ""),
        ("./", "Inbox/Voice", "Inbox/Voice"),
        ("./", "", ""),
        ("./attachments", "Inbox", "Inbox/attachments"),
        ("./attachments/", "", "attachments"),
        ("Files/Audio", "Inbox", "Files/Audio"),
        ("/Files/", "Inbox", "Files"),
    ],
)
def test_attachment_dir(tmp_path: Path, setting: str, note_folder: str, expected: str) -> None:
    _settings(tmp_path, "app.json", json.dumps({"attachmentFolderPath": setting}))
    layout = VaultLayout.read(tmp_path)
    assert layout.attachment_folder == setting
    assert layout.attachment_dir(note_folder) == expected


def test_daily_notes_settings(tmp_path: Path) -> None:
    settings = {"folder": "/Journal/Daily/", "format": "YYYY/MM/YYYY-MM-DD dddd", "template": "T/Day"}
    _settings(tmp_path, "daily-notes.json", json.dumps(settings))
    layout = VaultLayout.read(tmp_path)
    assert layout.daily == DailyNotes(
        folder="Journal/Daily", format="YYYY/MM/YYYY-MM-DD dddd", template="T/Day"
    )
    assert layout.daily_note_path(date(2026, 12, 3)) == "Journal/Daily/2026/12/2026-12-03 Thursday.md"


def test_daily_notes_empty_format_means_default(tmp_path: Path) -> None:
    _settings(tmp_path, "daily-notes.json", json.dumps({"folder": "Daily", "format": ""}))
    assert VaultLayout.read(tmp_path).daily_note_path(date(2026, 1, 5)) == "Daily/2026-01-05.md"


def test_layout_without_daily_notes_uses_defaults_for_path(tmp_path: Path) -> None:
    layout = VaultLayout(root=tmp_path, attachment_folder="/", daily=None)
    assert layout.daily_note_path(date(2026, 1, 5)) == "2026-01-05.md"


MOMENT = datetime(2026, 3, 1, 14, 5, 9)  # a Sunday afternoon


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("YYYY-MM-DD", "2026-03-01"),
        ("DD.MM.YYYY", "01.03.2026"),
        ("YYYY/MM/YYYY-MM-DD dddd", "2026/03/2026-03-01 Sunday"),
        ("D MMMM YY", "1 March 26"),
        ("ddd, MMM Do", "Sun, Mar 1st"),
        ("dd d", "Su 0"),
        ("M/D", "3/1"),
        ("HH:mm:ss", "14:05:09"),
        ("h:mm A", "2:05 PM"),
        ("hh a", "02 pm"),
        ("H m s", "14 5 9"),
        ("DDDD DDD", "060 60"),
        ("[Week of] YYYY-MM-DD", "Week of 2026-03-01"),
        ("[YYYY] YYYY", "YYYY 2026"),
        ("[Journal]_YYYY", "Journal_2026"),
        ("Journal_YYYY", "Journpml_2026"),  # as in moment.js: unescaped "a" is am/pm
    ],
)
def test_moment_format(fmt: str, expected: str) -> None:
    assert moment_format(MOMENT, fmt) == expected


@pytest.mark.parametrize(
    ("day", "ordinal"),
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (31, "31st"),
    ],
)
def test_moment_ordinals(day: int, ordinal: str) -> None:
    assert moment_format(date(2026, 1, day), "Do") == ordinal


def test_moment_date_has_midnight_time() -> None:
    assert moment_format(date(2026, 1, 1), "YYYY-MM-DD HH:mm A") == "2026-01-01 00:00 AM"
    assert moment_format(date(2026, 1, 1), "h a") == "12 am"
