"""Frontmatter that survives hostile captions, and Obsidian tags."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
import yaml  # type: ignore[import-untyped, unused-ignore]
from hypothesis import given, settings
from hypothesis import strategies as st

from homevoice.vault import hashtags, parse_note, render_note

CET = timezone(timedelta(hours=1))


def test_render_shape() -> None:
    text = render_note({"title": "Идея", "tags": ["voice", "идея"]}, "Body")
    assert text == "---\ntitle: Идея\ntags:\n- voice\n- идея\n---\n\nBody\n"


def test_datetimes_are_iso_with_offset() -> None:
    created = datetime(2026, 12, 3, 21, 45, tzinfo=CET)
    text = render_note({"created": created, "day": date(2026, 12, 3)}, "x")
    assert "created: 2026-12-03T21:45:00+01:00\n" in text
    assert "day: 2026-12-03\n" in text
    fields, _ = parse_note(text)
    assert fields == {"created": created, "day": date(2026, 12, 3)}


def test_naive_datetime_gets_local_offset() -> None:
    fields, _ = parse_note(render_note({"created": datetime(2026, 1, 2, 3, 4, 5, 678)}, ""))
    created = fields["created"]
    assert isinstance(created, datetime)
    assert created.tzinfo is not None
    assert created.replace(tzinfo=None) == datetime(2026, 1, 2, 3, 4, 5)


HOSTILE = [
    "---\nkey: injected\n---",
    "a: b",
    'it\'s "quoted"',
    "{{template}}",
    "!!python/object:os.system",
    "&anchor",
    "*alias",
    "- item",
    "# comment",
    "line one\n\nline three",
    "...",
    "trailing space ",
    "\ttab",
    "yes",
    "null",
    "123",
    "2026-12-03",
    "",
    "\u2028separator\x85",
]


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_values_stay_inside_their_string(value: str) -> None:
    fields = {"caption": value, "tags": [value], "after": "still here"}
    body = "Body\n---\nnot: frontmatter\n"
    text = render_note(fields, body)
    assert parse_note(text) == (fields, body)
    # Nothing inside the YAML can close the block early.
    header = text.split("\n---\n", 1)[0]
    assert all(line != "---" for line in header.splitlines()[1:])


def test_no_fields_means_no_frontmatter() -> None:
    assert render_note({}, "Just text") == "Just text\n"


def test_tuples_become_block_lists() -> None:
    assert "tags:\n- a\n- b\n" in render_note({"tags": ("a", "b")}, "")


@pytest.mark.parametrize(
    "text",
    [
        "No frontmatter\n",
        "---\nnot closed\n",
        "---\n: : bad [yaml\n---\nbody\n",
        "---\n- a list\n---\nbody\n",
        "Text\n---\nkey: value\n---\n",
        "",
    ],
)
def test_parse_without_usable_frontmatter(text: str) -> None:
    assert parse_note(text) == ({}, text)


def test_parse_crlf_and_empty_frontmatter() -> None:
    assert parse_note("---\r\ntitle: x\r\n---\r\n\r\nbody\r\n") == ({"title": "x"}, "body\r\n")
    assert parse_note("---\n---\nbody") == ({}, "body")


def test_parse_user_note_without_blank_line() -> None:
    assert parse_note("---\ntags: [a]\n---\n# Heading\n") == ({"tags": ["a"]}, "# Heading\n")


_value = st.text(st.characters(codec="utf-8"), max_size=60)


@settings(max_examples=300, deadline=None)
@given(
    fields=st.dictionaries(st.from_regex(r"[a-z][a-z_]{0,10}", fullmatch=True), _value | st.lists(_value)),
    body=st.text(max_size=200),
)
def test_round_trip_arbitrary_text(fields: dict[str, Any], body: str) -> None:
    parsed, parsed_body = parse_note(render_note(fields, body))
    assert parsed == fields
    expected_body = body if not body or body.endswith("\n") else body + "\n"
    if fields:
        assert parsed_body == expected_body


def test_safe_load_only() -> None:
    with pytest.raises(yaml.YAMLError):
        yaml.safe_load("!!python/object/apply:os.system ['true']")
    assert parse_note("---\nx: !!python/object/apply:os.system ['true']\n---\nb\n")[0] == {}


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("купить #идея и #Идея ещё", ["идея"]),
        ("#start of text", ["start"]),
        ("#123 is a number, #y1984 is a tag", ["y1984"]),
        ("nested #project/home/ tag", ["project/home"]),
        ("a#b and C#", []),
        ("see https://example.com/page#section and example.com/#frag", []),
        ("html &#123; entity", []),
        ("(#paren) [#bracket], «#кавычки»", ["paren", "bracket", "кавычки"]),
        ("# Heading and ## another", []),
        ("#snake_case #kebab-case #2024-01", ["snake_case", "kebab-case", "2024-01"]),
        ("end with punctuation #tag. #tag2!", ["tag", "tag2"]),
        ("", []),
    ],
)
def test_hashtags(text: str, tags: list[str]) -> None:
    assert hashtags(text) == tags
