"""KnowledgeService.expand over a real vault folder, with a word-hashing embedder and a scripted LLM."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from homevoice.engines.llm.base import LlmError
from homevoice.knowledge import expand as expand_module
from homevoice.knowledge.model import KnowledgeError
from homevoice.services.knowledge import ExpandReport, KnowledgeService
from homevoice.settings import load_settings
from homevoice.vault.frontmatter import frontmatter_end, parse_note
from tests.fakes.knowledge import FakeChat, FakeEmbedder, FakeIndex

NOTES = {
    "Inbox/2026-01-02 0930 Walk.md": ("2026-01-02T09:30:00+03:00", "Cherry trees bloom in the park garden."),
    "Inbox/2026-01-02 1015 Compost.md": ("2026-01-02T10:15:00+03:00", "Garden: cherry trees need compost."),
    "Inbox/2026-01-02 1400 Budget.md": ("2026-01-02T14:00:00+03:00", "Budget meeting: travel costs down."),
    "Inbox/2026-01-03 0800 Dentist.md": ("2026-01-03T08:00:00+03:00", "Call the dentist on Monday."),
    # January 2 after midnight in Moscow, still January 1 in UTC: the vault's zone decides the day.
    "Inbox/Late.md": ("2026-01-01T22:30:00+00:00", "Budget travel costs for flights."),
}


def capture(created: str, body: str, status: str = "unprocessed") -> str:
    return (
        f"---\ncreated: {created}\nsource: telegram\ntags:\n- telegram\n- voice\n"
        f"stt_model: base\nstatus: {status}\n---\n\n{body}\n\n![[Attachments/voice.ogg]]\n"
    )


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    root = tmp_path / "vault"
    for path, (created, body) in NOTES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(capture(created, body))
    (root / "Inbox/Done.md").write_text(capture("2026-01-02T09:00:00+03:00", "Old.", status="processed"))
    (root / "Inbox/Plain.md").write_text("No properties at all, status: unprocessed\n")
    (root / "Templates").mkdir()
    (root / "Templates/Voice.md").write_text(capture("2026-01-02T09:00:00+03:00", "{{template}}"))
    (root / ".obsidian").mkdir()
    (root / ".obsidian/x.md").write_text(capture("2026-01-02T09:00:00+03:00", "hidden"))
    return root


def reply(messages: list[dict[str, Any]]) -> str:
    notes = messages[-1]["content"]
    first = notes.split("\n### ")[1].splitlines()[1]
    return f"## Summary\n{first}\n## Tasks\n- Follow up [[Invented]]\n## Ideas\nnone"


def service(tmp_path: Path, vault: Path, chat: FakeChat | None = None, **llm: Any) -> KnowledgeService:
    settings = load_settings(
        data_dir=tmp_path,
        vault={"path": vault, "timezone": "Europe/Moscow"},
        llm=llm or {"base_url": "http://127.0.0.1:9/v1", "model": "tiny"},
        rag={"expand_similarity": 0.3},
    )
    return KnowledgeService(settings, FakeIndex(), embedder=FakeEmbedder(), chat=chat)  # type: ignore[arg-type]


def body_of(path: Path) -> str:
    text = path.read_text()
    return text[frontmatter_end(text) :]


def test_notes_are_expanded_by_day_and_topic_and_marked(tmp_path: Path, vault: Path) -> None:
    before = {path: body_of(vault / path) for path in NOTES}
    chat = FakeChat(reply)
    report = service(tmp_path, vault, chat).expand()
    assert len(chat.calls) == 3  # the budget (with the late note), the garden, the dentist
    assert sorted(report.processed) == sorted(NOTES)
    assert report.skipped == []
    assert report.written == [
        "Expanded/2026-01-02 Late.md",
        "Expanded/2026-01-02 Walk.md",
        "Expanded/2026-01-03 Dentist.md",
    ]
    sources_of: dict[str, list[str]] = {}
    for written in report.written:
        fields, body = parse_note((vault / written).read_text())
        assert fields["type"] == "expanded"
        sources_of[written] = fields["sources"]
        for link in fields["sources"]:
            assert f"- {link}" in body.split("## Sources")[1]
        assert "- [ ] Follow up" in body and "Invented" not in body
    assert sources_of["Expanded/2026-01-02 Late.md"] == ["[[Inbox/Late]]", "[[Inbox/2026-01-02 1400 Budget]]"]
    assert sources_of["Expanded/2026-01-02 Walk.md"] == [
        "[[Inbox/2026-01-02 0930 Walk]]",
        "[[Inbox/2026-01-02 1015 Compost]]",
    ]
    assert parse_note((vault / report.written[0]).read_text())[0]["day"] == date(2026, 1, 2)
    for path in NOTES:
        fields, _ = parse_note((vault / path).read_text())
        assert fields["status"] == "processed"
        expanded = fields["expanded"]
        assert expanded in {f"[[{w[:-3]}]]" for w in report.written}
        assert f"[[{path[:-3]}]]" in sources_of[f"{expanded[2:-2]}.md"]
        assert body_of(vault / path) == before[path]
    assert parse_note((vault / "Templates/Voice.md").read_text())[0]["status"] == "unprocessed"
    assert service(tmp_path, vault, chat).expand() == ExpandReport([], [], [])
    assert len(chat.calls) == 3


def test_a_rerun_after_a_crash_before_marking_only_marks(
    tmp_path: Path, vault: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_: object) -> bool:
        raise KeyboardInterrupt  # as if killed right after the expanded note was written

    chat = FakeChat(reply)
    with monkeypatch.context() as patch:
        patch.setattr(expand_module, "mark_processed", crash)
        with pytest.raises(KeyboardInterrupt):
            service(tmp_path, vault, chat).expand()
    assert sorted(p.name for p in (vault / "Expanded").iterdir()) == ["2026-01-02 Late.md"]
    report = service(tmp_path, vault, chat).expand()
    assert report.written == ["Expanded/2026-01-02 Walk.md", "Expanded/2026-01-03 Dentist.md"]
    assert sorted(report.processed) == sorted(NOTES)
    assert sorted(p.name for p in (vault / "Expanded").iterdir()) == [
        "2026-01-02 Late.md",
        "2026-01-02 Walk.md",
        "2026-01-03 Dentist.md",
    ]
    budget = parse_note((vault / "Inbox/2026-01-02 1400 Budget.md").read_text())[0]
    assert budget["expanded"] == "[[Expanded/2026-01-02 Late]]"
    assert len(chat.calls) == 3  # the first group was asked once


def test_a_note_edited_while_expanding_is_left_unmarked(tmp_path: Path, vault: Path) -> None:
    edited = vault / "Inbox/2026-01-03 0800 Dentist.md"

    def edit_then_reply(messages: list[dict[str, Any]]) -> str:
        if "dentist" in messages[-1]["content"]:
            edited.write_text(edited.read_text() + "\nAnd the eye doctor.\n")
        return reply(messages)

    report = service(tmp_path, vault, FakeChat(edit_then_reply)).expand()
    assert report.skipped == ["Inbox/2026-01-03 0800 Dentist.md"]
    assert edited.read_text().endswith("And the eye doctor.\n")
    assert parse_note(edited.read_text())[0]["status"] == "unprocessed"
    again = service(tmp_path, vault, FakeChat(reply)).expand()
    assert again == ExpandReport([], ["Inbox/2026-01-03 0800 Dentist.md"], [])


def test_one_day_only_and_name_collisions(tmp_path: Path, vault: Path) -> None:
    (vault / "Expanded").mkdir()
    (vault / "Expanded/2026-01-03 dentist.md").write_text("The owner's own note.\n")
    report = service(tmp_path, vault, FakeChat(reply)).expand(day=date(2026, 1, 3))
    assert report.written == ["Expanded/2026-01-03 Dentist 2.md"]
    assert report.processed == ["Inbox/2026-01-03 0800 Dentist.md"]
    assert (vault / "Expanded/2026-01-03 dentist.md").read_text() == "The owner's own note.\n"


def test_hostile_titles_stay_inside_the_expanded_folder(tmp_path: Path, vault: Path) -> None:
    hostile = vault / "Inbox/Hostile.md"
    hostile.write_text(
        '---\ntitle: "../../etc/passwd: CON *?<>|#^[[x]]\\n---"\ncreated: 2026-01-04T10:00:00+03:00\n'
        "status: unprocessed\n---\nSomething.\n"
    )
    report = service(tmp_path, vault, FakeChat(reply)).expand(day=date(2026, 1, 4))
    (written,) = report.written
    assert written.startswith("Expanded/2026-01-04 ") and written.count("/") == 1
    assert (vault / written).is_file() and not (tmp_path / "etc").exists()


def test_the_llm_is_needed_only_when_there_is_something_to_expand(tmp_path: Path, vault: Path) -> None:
    without = service(tmp_path, vault, base_url=None)
    assert without.expand(day=date(2025, 1, 1)) == ExpandReport([], [], [])
    with pytest.raises(KnowledgeError) as raised:
        without.expand()
    assert raised.value.code == "llm_not_configured"


def test_an_llm_failure_stops_the_run_and_leaves_notes_unprocessed(tmp_path: Path, vault: Path) -> None:
    failure = LlmError("The LLM answered HTTP 500.", code="llm_unavailable")
    with pytest.raises(LlmError):
        service(tmp_path, vault, FakeChat(error=failure)).expand()
    assert not (vault / "Expanded").exists() or not list((vault / "Expanded").iterdir())
    assert all(parse_note((vault / p).read_text())[0]["status"] == "unprocessed" for p in NOTES)
