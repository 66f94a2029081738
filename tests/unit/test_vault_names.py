"""Note titles and file names that every synced device accepts."""

from __future__ import annotations

from datetime import datetime

import pytest

from homevoice.vault import is_conflict_file, note_filename, safe_filename, title_from_text

WHEN = datetime(2026, 12, 3, 21, 45)


def test_title_keeps_words_and_cyrillic() -> None:
    assert title_from_text("Купить молоко #идея\nи хлеб") == "Купить молоко идея и хлеб"


@pytest.mark.parametrize(
    ("text", "title"),
    [
        ('a\\b/c:d*e?f"g<h>i|j#k^l[m]n', "a b c d e f g h i jk l m n"),
        ("  ...hidden. ", "hidden"),
        ("line\r\nbreak\ttab\x00nul\x1bescape", "line break tab nul escape"),
        ("right\u202eleft", "rightleft"),
        ("", ""),
        ("#", ""),
        ("/// ...", ""),
    ],
)
def test_title_removes_forbidden_characters(text: str, title: str) -> None:
    assert title_from_text(text) == title


def test_title_cuts_at_a_word_boundary() -> None:
    text = "раз два три четыре пять шесть семь восемь девять десять одиннадцать"
    title = title_from_text(text, max_chars=30)
    assert len(title) <= 30
    assert text.startswith(title)
    assert title == "раз два три четыре пять шесть"


def test_title_cuts_one_long_word_hard() -> None:
    assert title_from_text("я" * 100, max_chars=10) == "я" * 10


def test_note_filename_format() -> None:
    assert note_filename(WHEN, "Купить молоко") == "2026-12-03 2145 Купить молоко.md"
    assert note_filename(WHEN, "") == "2026-12-03 2145 Note.md"
    assert note_filename(WHEN, "///", fallback="Voice note") == "2026-12-03 2145 Voice note.md"
    assert note_filename(WHEN, "../../etc/passwd") == "2026-12-03 2145 etc passwd.md"


def test_note_filename_fits_in_200_bytes() -> None:
    name = note_filename(WHEN, "ж" * 500)
    assert len(name.encode()) <= 200
    assert name.startswith("2026-12-03 2145 жжж")
    assert name.endswith("ж.md")
    name.encode().decode()  # still valid UTF-8: cut on a character boundary


def test_note_filename_blocks_newline_injection() -> None:
    name = note_filename(WHEN, "title\n---\nkey: value")
    assert "\n" not in name
    assert "/" not in name and ":" not in name


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("a/b\\c.ogg", "c.ogg"),
        ("..", "voice.ogg"),
        (".", "voice.ogg"),
        ("", "voice.ogg"),
        ("CON", "CON_"),
        ("con.txt", "con_.txt"),
        ("LPT1.ogg", "LPT1_.ogg"),
        (".ogg", "voice.ogg"),
        ("report: final?.pdf", "report final.pdf"),
        ("голос.ogg", "голос.ogg"),
        ("trailing. .", "trailing"),
    ],
)
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name, "voice.ogg") == expected


def test_safe_filename_keeps_extension_when_cut() -> None:
    name = safe_filename("ы" * 500 + ".ogg", "voice.ogg")
    assert name.endswith(".ogg")
    assert len(name.encode()) <= 200
    assert set(name[: -len(".ogg")]) == {"ы"}


def test_safe_filename_never_empty_even_with_bad_fallback() -> None:
    assert safe_filename("..", "..") == "file"
    assert safe_filename("/", "CON") == "CON_"


@pytest.mark.parametrize(
    "name",
    [
        "Note.sync-conflict-20240101-120000-ABCDEF7.md",
        "note.SYNC-CONFLICT-20240101-120000-abcdef7.md",
        "Note (Conflicted copy Laptop 202401011200).md",
        "Note (conflicted copy 2024-01-01).md",
        "Note (Laptop's conflicted copy 2024-01-01).md",
        "Note (Conflict 2024-01-01 120000).md",
    ],
)
def test_conflict_files(name: str) -> None:
    assert is_conflict_file(name)


@pytest.mark.parametrize(
    "name",
    ["Note.md", "2026-12-03 2145 Conflict at work.md", "Meeting (conflict resolution).md", "sync.md"],
)
def test_ordinary_files_are_not_conflicts(name: str) -> None:
    assert not is_conflict_file(name)
