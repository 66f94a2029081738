"""Answers and search results as chat text: plain text, since Telegram cannot open ``obsidian://``
links, so each source is named by its title and its ``[[link]]`` for finding it in Obsidian."""

from __future__ import annotations

from collections.abc import Sequence

from homevoice.adapters.telegram import replies
from homevoice.knowledge.answer import passage_label
from homevoice.knowledge.model import Answer, Passage

EXCERPT_CHARS = 160


def answer_text(answer: Answer, language_code: str | None, question: str | None = None) -> str:
    """The answer, then its sources (title › heading — [[link]]), each source once.

    ``question``: what was heard, for a spoken question, so the sender sees what was answered.
    """
    parts = [replies.text("heard", language_code, question=question)] if question else []
    body = answer.text.strip()
    parts.append(body or replies.text("empty_answer", language_code))
    sources = _distinct(answer.citations)
    if sources:
        lines = [f"• {passage_label(p)} — {p.link}" for p in sources]
        parts.append(replies.text("sources", language_code) + "\n" + "\n".join(lines))
    return "\n\n".join(parts)


def found_text(passages: Sequence[Passage], query: str, language_code: str | None, limit: int = 5) -> str:
    """``/find``'s reply: per note its title and heading, its path in the vault and an excerpt."""
    notes = _distinct(passages, by_path=True)[:limit]
    if not notes:
        return replies.text("find_nothing", language_code, query=query)
    entries = [
        f"{number}. {passage_label(p)}\n{p.path}\n{excerpt(p.text)}" for number, p in enumerate(notes, 1)
    ]
    return replies.text("find_header", language_code, query=query) + "\n\n" + "\n\n".join(entries)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """The passage's start on one line, cut at a word with an ellipsis."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,.;:—-") + "…"


def _distinct(passages: Sequence[Passage], *, by_path: bool = False) -> list[Passage]:
    seen: set[str] = set()
    kept: list[Passage] = []
    for passage in passages:
        key = passage.path if by_path else passage.link
        if key not in seen:
            seen.add(key)
            kept.append(passage)
    return kept
