"""An expanded note: the request to the LLM, the lenient reading of its reply, and the Markdown.

The model only supplies the text of four sections; the note around them (properties, headings,
the task checkboxes, the list of sources) is built here, so a confused model cannot break the note
or drop a source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Final

from homevoice.knowledge.links import clean_links
from homevoice.vault.frontmatter import render_note
from homevoice.vault.names import safe_filename, title_from_text

EXPAND_MAX_TOKENS: Final = 1024
_MIN_NOTE_CHARS: Final = 300
_LANGUAGES: Final = {"ru": "Russian", "en": "English"}
# Capture notes are named "2026-01-02 0930 Title": the date is in the expanded note's name already.
_DATE_PREFIX: Final = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T_]\d{2}[:.]?\d{2}(?:[:.]?\d{2})?)?[ _-]*")
_HEADING: Final = re.compile(
    r"^\s{0,3}(?:#{1,6}[ \t]*(?P<hash>.*?)[ \t#]*|\*\*(?P<bold>[^*]+?)\*\*[ \t]*:?)[ \t]*$"
)
_LABEL: Final = re.compile(r"^\s{0,3}(?P<name>[^\W\d_][\w -]{0,30}?)[ \t]*:[ \t]*(?P<rest>.*)$")
_EMBED: Final = re.compile(r"!\[\[[^\[\]\n]*\]\]")
_BULLET: Final = re.compile(r"^\s*(?:[-*+•]|\d{1,3}[.)])\s+")
_CHECKBOX: Final = re.compile(r"^\[[ xX]?\]\s*")
_PLACEHOLDERS: Final = frozenset({"none", "n/a", "nothing", "no", "нет", "ничего", "-", "—", "–"})
_SECTIONS: Final = (
    ("questions", ("question", "вопрос")),
    ("tasks", ("task", "todo", "to do", "to-do", "action", "задач", "дела", "сделать")),
    ("ideas", ("idea", "иде", "мысл")),
    ("summary", ("summary", "overview", "резюме", "кратко", "итог", "суть", "обзор")),
)

SYSTEM_PROMPT: Final = """You turn a person's raw notes from one day (often voice transcripts) into one tidy note.
Write in {language}. Use only what the notes say; add no facts.
Reply in Markdown with exactly these four headings, in this order, and nothing before the first:
## Summary
A few sentences: what the notes are about.
## Ideas
- one idea per line
## Tasks
- one thing to do per line
## Open questions
- one question per line
Under a heading with nothing to list, write "- none"."""


@dataclass(frozen=True)
class SourceNote:
    """A note waiting to be expanded, as it was read."""

    path: str
    """Vault-relative, POSIX separators."""
    title: str
    body: str
    moment: datetime
    """When it was made (its ``created`` property, else the file's mtime), in the vault's zone."""
    day: date
    data: bytes
    """The file as read: marking it processed replaces it only if it is still exactly this."""

    @property
    def link(self) -> str:
        return source_link(self.path)

    @property
    def text(self) -> str:
        """The body without embeds (``![[voice.ogg]]``): what the note says, for the LLM and topics."""
        return re.sub(r"\n{3,}", "\n\n", _EMBED.sub("", self.body)).strip()


@dataclass
class Expansion:
    summary: str = ""
    ideas: list[str] = field(default_factory=list)
    tasks: list[str] = field(default_factory=list)
    questions: list[str] = field(default_factory=list)


def source_link(path: str) -> str:
    target = path[:-3] if path.lower().endswith(".md") else path
    return f"[[{target}]]"


def topic_title(title: str) -> str:
    """A note's title without the date and time its name starts with."""
    return _DATE_PREFIX.sub("", title).strip() or title.strip()


def expansion_messages(notes: Sequence[SourceNote], language: str, budget_chars: int) -> list[dict[str, str]]:
    """The request: the day's notes in time order, each cut to its share of ``budget_chars``."""
    share = max(budget_chars // max(len(notes), 1), _MIN_NOTE_CHARS)
    parts = []
    for note in notes:
        text = note.text
        if len(text) > share:
            text = text[: share - 1].rstrip() + "…"
        parts.append(f"### {note.moment:%H:%M} {topic_title(note.title)}\n{text}")
    day = notes[0].day.isoformat() if notes else ""
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(language=_LANGUAGES.get(language, "English"))},
        {"role": "user", "content": f"My notes from {day}:\n\n" + "\n\n".join(parts)},
    ]


def parse_expansion(reply: str, allowed_links: Sequence[str]) -> Expansion:
    """The four sections from the model's reply, whatever heading style it used; text under no
    known heading goes to the summary. Links to anything but the sources are removed."""
    expansion = Expansion()
    summary: list[str] = []
    section = "summary"
    for raw in clean_links(reply, allowed_links).splitlines():
        line = raw.rstrip()
        if line.strip().startswith("```"):
            continue  # a fence around the whole reply
        heading = _HEADING.match(line)
        label = _LABEL.match(line) if heading is None else None
        if heading is not None:
            name = (heading.group("hash") or heading.group("bold") or "").strip()
            known = _section_of(name)
            section = known or "summary"
            if known is None and name:
                summary.append(f"**{name}**")
            continue
        if label is not None and _section_of(label.group("name")) is not None:
            section = _section_of(label.group("name")) or "summary"
            line = label.group("rest")
            if not line.strip():
                continue
        if section == "summary":
            summary.append(line)
            continue
        item = _CHECKBOX.sub("", _BULLET.sub("", line.strip())).strip()
        if item and item.casefold().strip(".!") not in _PLACEHOLDERS:
            getattr(expansion, section).append(item)
    expansion.summary = re.sub(r"\n{3,}", "\n\n", "\n".join(summary)).strip()
    return expansion


def expanded_filename(day: date, notes: Sequence[SourceNote]) -> str:
    """``2026-01-02 <first note's topic>.md``, safe on every synced device."""
    topic = title_from_text(topic_title(notes[0].title), 60) if notes else ""
    return safe_filename(f"{day.isoformat()} {topic or 'Notes'}.md", f"{day.isoformat()} Notes.md")


def expanded_markdown(
    day: date, notes: Sequence[SourceNote], expansion: Expansion, created: datetime, model: str
) -> str:
    links = [note.link for note in notes]
    fields = {
        "created": created.replace(microsecond=0),
        "type": "expanded",
        "day": day,
        "sources": links,
        "llm_model": model,
    }
    body = [
        "## Summary",
        expansion.summary or "_None._",
        "## Ideas",
        _items(expansion.ideas, "- "),
        "## Tasks",
        _items(expansion.tasks, "- [ ] "),
        "## Open questions",
        _items(expansion.questions, "- "),
        "## Sources",
        "\n".join(f"- {link}" for link in links),
    ]
    return render_note(fields, "\n\n".join(body))


def _items(items: Sequence[str], marker: str) -> str:
    return "\n".join(marker + item for item in items) if items else "_None._"


def _section_of(name: str) -> str | None:
    folded = name.casefold()
    for section, words in _SECTIONS:
        if any(word in folded for word in words):
            return section
    return None
