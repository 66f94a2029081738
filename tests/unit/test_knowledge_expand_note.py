"""The pieces of expand that need no vault: reading the model's reply, building the note, marking
a source's frontmatter, when a note was made, and grouping by topic."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import numpy as np
import pytest

from homevoice.knowledge.expand import note_moment, topic_groups
from homevoice.knowledge.expand_note import (
    SourceNote,
    expanded_filename,
    expanded_markdown,
    expansion_messages,
    parse_expansion,
    topic_title,
)
from homevoice.knowledge.marking import marked_text
from homevoice.vault.frontmatter import parse_note
from tests.fakes.knowledge import FakeEmbedder

MOSCOW = ZoneInfo("Europe/Moscow")
LINK = "[[Expanded/2026-01-02 Walk]]"


def note(path: str, body: str, hour: int = 9) -> SourceNote:
    moment = datetime(2026, 1, 2, hour, 30, tzinfo=MOSCOW)
    title = path.rsplit("/", 1)[-1].removesuffix(".md")
    return SourceNote(path, title, body, moment, moment.date(), body.encode())


def test_a_well_formed_reply_fills_every_section() -> None:
    reply = """## Summary
A walk in the park; cherry trees bloom.

## Ideas
- Plant a cherry tree
* Read about grafting

## Tasks
- [ ] Buy compost
1. Fix the fence

## Open questions
- Which variety?
"""
    parsed = parse_expansion(reply, [])
    assert parsed.summary == "A walk in the park; cherry trees bloom."
    assert parsed.ideas == ["Plant a cherry tree", "Read about grafting"]
    assert parsed.tasks == ["Buy compost", "Fix the fence"]
    assert parsed.questions == ["Which variety?"]


def test_other_heading_styles_and_stray_text_are_understood() -> None:
    reply = """Here is your note!
**Резюме:**
Прогулка в парке.
Задачи: купить компост
- none
**Weather**
Sunny.
Open questions:
- нет
```"""
    parsed = parse_expansion(reply, [])
    assert parsed.summary == "Here is your note!\nПрогулка в парке.\n**Weather**\nSunny."
    assert parsed.tasks == ["купить компост"]
    assert parsed.ideas == [] and parsed.questions == []


def test_links_in_the_reply_are_only_to_sources() -> None:
    parsed = parse_expansion("## Ideas\n- see [[Inbox/Walk]] and [[Made up]]", ["[[Inbox/Walk]]"])
    assert parsed.ideas == ["see [[Inbox/Walk]] and"]


def test_the_note_is_built_by_code_with_every_source() -> None:
    sources = [
        note("Inbox/2026-01-02 0930 Walk.md", "Cherry trees."),
        note("Inbox/Garden.md", "Compost.", 10),
    ]
    parsed = parse_expansion("## Summary\nWalk.\n## Tasks\n- Buy compost\n## Sources\n- [[Inbox/Other]]", [])
    created = datetime(2026, 1, 2, 21, 0, tzinfo=MOSCOW)
    text = expanded_markdown(date(2026, 1, 2), sources, parsed, created, "qwen")
    fields, body = parse_note(text)
    assert fields["type"] == "expanded" and fields["day"] == date(2026, 1, 2)
    assert fields["sources"] == ["[[Inbox/2026-01-02 0930 Walk]]", "[[Inbox/Garden]]"]
    assert fields["created"] == created and fields["llm_model"] == "qwen"
    assert not {"stt_model", "audio", "status"} & fields.keys()
    headings = [line for line in body.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Ideas", "## Tasks", "## Open questions", "## Sources"]
    assert "- [ ] Buy compost" in body and "_None._" in body
    assert body.endswith("## Sources\n\n- [[Inbox/2026-01-02 0930 Walk]]\n- [[Inbox/Garden]]\n")
    assert "**Sources**\n- [[Inbox/Other]]" not in body and "Inbox/Other" not in body.split("## Sources")[1]


def test_filenames_come_from_the_day_and_a_cleaned_topic() -> None:
    assert topic_title("2026-01-02 0930 Walk") == "Walk"
    assert (
        expanded_filename(date(2026, 1, 2), [note("Inbox/2026-01-02 0930 Walk.md", "x")])
        == "2026-01-02 Walk.md"
    )
    hostile = note('Inbox/../CON:*?"<>|#^[[x]].md', "x")
    name = expanded_filename(date(2026, 1, 2), [hostile])
    assert name.startswith("2026-01-02 ") and name.endswith(".md")
    assert not set(name) & set('/\\:*?"<>|#^[]')


def test_the_request_carries_each_note_with_its_time_in_the_language() -> None:
    messages = expansion_messages([note("Inbox/Walk.md", "Вишни цветут. " * 200)], "ru", 1000)
    assert "Russian" in messages[0]["content"]
    assert "My notes from 2026-01-02" in messages[1]["content"]
    assert "### 09:30 Walk\nВишни" in messages[1]["content"]
    assert len(messages[1]["content"]) < 1100


CAPTURE = (
    "---\ncreated: 2026-01-02T09:30:00+03:00\nsource: telegram\ntags:\n- telegram\n- voice\n"
    "status: unprocessed\ntelegram_chat_id: 5\n---\n\n# Walk\n\nCherry trees bloom.\n---\nstatus: not a property\n"
)


def test_marking_changes_two_properties_and_not_one_body_byte() -> None:
    marked = marked_text(CAPTURE, LINK)
    assert marked is not None
    assert marked.endswith(CAPTURE[CAPTURE.index("\n# Walk") :])
    assert marked.startswith(
        "---\ncreated: 2026-01-02T09:30:00+03:00\nsource: telegram\ntags:\n- telegram\n- voice\n"
    )
    fields, _ = parse_note(marked)
    assert fields["status"] == "processed" and fields["expanded"] == LINK
    assert fields["telegram_chat_id"] == 5
    assert 'expanded: "[[Expanded/2026-01-02 Walk]]"\n' in marked


def test_marking_keeps_crlf_and_replaces_an_old_link() -> None:
    text = '---\r\nstatus: "unprocessed"\r\nexpanded:\r\n  - "[[Old]]"\r\nx: 1\r\n---\r\nBody\r\n'
    marked = marked_text(text, LINK)
    assert (
        marked
        == f'---\r\nstatus: processed\r\nx: 1\r\nexpanded: "{LINK[2:-2].join(["[[", "]]"])}"\r\n---\r\nBody\r\n'
    )


def test_marking_falls_back_to_rewriting_odd_frontmatter_and_refuses_without_status() -> None:
    odd = "---\n{status: unprocessed, tags: [a]}\n---\nBody stays\n"
    marked = marked_text(odd, LINK)
    assert marked is not None and marked.endswith("---\nBody stays\n")
    assert parse_note(marked)[0] == {"status": "processed", "tags": ["a"], "expanded": LINK}
    assert marked_text("---\ntitle: x\n---\nBody\n", LINK) is None
    assert marked_text("No frontmatter\n", LINK) is None


@pytest.mark.parametrize(
    ("created", "expected"),
    [
        (datetime(2026, 1, 2, 23, 30, tzinfo=UTC), datetime(2026, 1, 3, 2, 30, tzinfo=MOSCOW)),
        (datetime(2026, 1, 2, 23, 30), datetime(2026, 1, 2, 23, 30, tzinfo=MOSCOW)),
        ("2026-01-02T23:30:00Z", datetime(2026, 1, 3, 2, 30, tzinfo=MOSCOW)),
        (date(2026, 1, 2), datetime(2026, 1, 2, tzinfo=MOSCOW)),
        ("not a date", datetime(2026, 1, 5, 3, 0, tzinfo=MOSCOW)),
        (None, datetime(2026, 1, 5, 3, 0, tzinfo=MOSCOW)),
    ],
)
def test_a_note_is_dated_by_created_else_mtime_in_the_vault_zone(created: object, expected: datetime) -> None:
    mtime = datetime(2026, 1, 5, 0, 0, tzinfo=UTC).timestamp()
    moment = note_moment(created, mtime, MOSCOW)
    assert moment == expected and moment.utcoffset() == timedelta(hours=3)
    assert note_moment(created, mtime, timezone(timedelta(hours=-5))).utcoffset() == timedelta(hours=-5)


def test_topic_groups_are_greedy_by_similarity() -> None:
    embedder = FakeEmbedder()
    texts = [
        "cherry trees bloom in the garden park",
        "quarterly budget travel costs meeting",
        "garden cherry trees compost fence",
        "budget travel costs flights cut",
        "dentist appointment monday",
    ]
    vectors = embedder.embed_passages(texts)
    assert topic_groups(vectors, 0.3) == [[0, 2], [1, 3], [4]]
    assert topic_groups(vectors, 0.0) == [[0, 1, 2, 3, 4]]
    assert topic_groups(vectors, 1.01) == [[0], [1], [2], [3], [4]]
    assert topic_groups(np.zeros((0, 4), dtype=np.float32), 0.5) == []
