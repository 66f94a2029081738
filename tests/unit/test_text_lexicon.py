"""The user's lexicon: file format, clear errors naming the line, whole-word replacement."""

from __future__ import annotations

from pathlib import Path

import pytest

from homevoice.errors import HomevoiceError
from homevoice.text import Lexicon, load_lexicon, normalize, prepare


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "lexicon.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_reads_entries_and_skips_comments(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "# how to say things\n\nSQL = сиквел\n  Кремль =  Кр+емль  \nNew York = Нью-Йорк\n# end\n",
    )
    lexicon = load_lexicon(path)
    assert lexicon.entries == (("SQL", "сиквел"), ("Кремль", "Кр+емль"), ("New York", "Нью-Йорк"))
    assert len(lexicon) == 3


def test_a_byte_order_mark_is_not_part_of_the_first_word(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffSQL = сиквел\n".encode())
    assert load_lexicon(path).entries == (("SQL", "сиквел"),)


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("SQL = сиквел\n# ok\nNoEquals\n", 3, "no '='"),
        ("= сиквел\n", 1, "nothing before"),
        ("SQL =\n", 1, "nothing after"),
        ("SQL = сиквел\nsql = эс кью эль\n", 2, "already on line 1"),
    ],
)
def test_a_bad_line_is_named(tmp_path: Path, text: str, line: int, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(HomevoiceError) as info:
        load_lexicon(path)
    assert info.value.code == "invalid_lexicon"
    assert f"line {line}" in str(info.value)
    assert problem in str(info.value)
    assert str(path) in str(info.value)


def test_a_missing_file_is_invalid_lexicon(tmp_path: Path) -> None:
    with pytest.raises(HomevoiceError) as info:
        load_lexicon(tmp_path / "missing.txt")
    assert info.value.code == "invalid_lexicon"
    assert "missing.txt" in str(info.value)


def test_a_file_that_is_not_utf8_is_invalid_lexicon(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.txt"
    path.write_bytes("Кремль = Кр+емль\n".encode("cp1251"))
    with pytest.raises(HomevoiceError) as info:
        load_lexicon(path)
    assert info.value.code == "invalid_lexicon"
    assert "UTF-8" in str(info.value)


def test_apply_matches_whole_words_ignoring_case() -> None:
    lexicon = Lexicon.from_mapping({"SQL": "сиквел", "New York": "Нью-Йорк"})
    text = "мой sql, SQLite и NEW  YORK"
    assert lexicon.apply(text) == "мой сиквел, SQLite и Нью-Йорк"


def test_apply_keeps_the_replacement_as_written() -> None:
    lexicon = Lexicon.from_mapping({"замок": "з+амок"})
    assert lexicon.apply("Старый ЗАМОК") == "Старый з+амок"


def test_longer_entries_win() -> None:
    lexicon = Lexicon.from_mapping({"York": "Йорк", "New York": "Нью-Йорк"})
    assert lexicon.apply("New York, York") == "Нью-Йорк, Йорк"


def test_the_lexicon_runs_before_numbers() -> None:
    lexicon = Lexicon.from_mapping({"COVID-19": "ковид девятнадцать", "Win11": "виндоус 11"})
    assert normalize("COVID-19 и Win11", "ru", lexicon) == "ковид девятнадцать и виндоус одиннадцать"


def test_prepare_applies_the_lexicon() -> None:
    lexicon = Lexicon.from_mapping({"ИИ": "искусственный интеллект"})
    assert prepare("Про ИИ.", lexicon=lexicon).text == "Про искусственный интеллект."


@pytest.mark.parametrize("entries", [(("", "x"),), (("x", " "),), (("a", "b"), ("A", "c"))])
def test_an_invalid_lexicon_cannot_be_built(entries: tuple[tuple[str, str], ...]) -> None:
    with pytest.raises(ValueError):
        Lexicon(entries)


def test_an_empty_lexicon_changes_nothing() -> None:
    assert Lexicon().apply("как есть") == "как есть"
