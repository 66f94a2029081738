"""Answering from the notes: the prompt, the passages it carries, the conversation so far, and the
clean-up of the reply. Pure functions; the service sends what they build to the LLM."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

from homevoice.knowledge.links import LinkFilter, clean_links
from homevoice.knowledge.model import Passage
from homevoice.text.language import detect_language

MAX_HISTORY_TURNS: Final = 3
"""Earlier question-and-answer pairs kept: enough for a follow-up ("and the second one?") without
crowding the passages out of a small context."""
HISTORY_MESSAGE_CHARS: Final = 1500
ANSWER_MAX_TOKENS: Final = 1024
_MIN_PIECE: Final = 200
"""A passage is cut to fit the budget only if at least this much of it fits; otherwise it is left out."""

_LANGUAGES: Final = {"ru": "Russian", "en": "English"}
_NOTHING_FOUND: Final = {
    "ru": "В ваших заметках об этом ничего нет.",
    "en": "There is nothing in your notes about that.",
}
_SOURCES: Final = {"ru": "Источники", "en": "Sources"}
# The footer this module appends in chats; removed from earlier answers so the model does not imitate it.
_FOOTER: Final = re.compile(r"\n+(?:Sources|Источники):\n(?:- \[\[[^\n]*\]\]\n?)+\Z")

SYSTEM_PROMPT: Final = """You answer questions about the user's own notes.
Use only the numbered passages from the notes given with the question; never add outside knowledge.
If the passages do not contain the answer, say plainly that your notes do not say, and nothing more.
Cite each passage you use by its link exactly as given, for example [[Notes/Garden#Roses]]; never write any other link.
Answer briefly, in {language}."""


def question_language(question: str) -> str:
    """``ru`` or ``en``: answers and fixed replies follow the question."""
    return detect_language(question)


def nothing_found(question: str) -> str:
    """The reply when the search finds no passage: the LLM is not asked, so it cannot make one up."""
    return _NOTHING_FOUND[question_language(question)]


def passage_label(passage: Passage) -> str:
    """Where a passage is from, for people: ``Title › Heading`` or ``Title, page 3``."""
    if passage.page is not None:
        return f"{passage.title}, page {passage.page}"
    return f"{passage.title} › {passage.heading}" if passage.heading else passage.title


def context_block(passages: Sequence[Passage], budget_chars: int) -> tuple[str, list[Passage]]:
    """The numbered passages as the model reads them, best first, at most ``budget_chars`` long,
    and the passages that made it in (the citations). The first one always does, cut if need be."""
    parts: list[str] = []
    given: list[Passage] = []
    used = 0
    for passage in passages:
        head = f"[{len(given) + 1}] {passage.link} ({passage_label(passage)})\n"
        room = budget_chars - used - len(head)
        text = passage.text.strip()
        if len(text) > room:
            if given and room < _MIN_PIECE:
                break
            text = _cut(text, max(room, _MIN_PIECE))
        piece = head + text
        parts.append(piece)
        given.append(passage)
        used += len(piece) + 2
    return "\n\n".join(parts), given


def message_text(content: Any) -> str:
    """The text of an OpenAI message's ``content``: a string, or a list of parts (text ones kept)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        texts = [part.get("text") for part in content if isinstance(part, Mapping)]
        return "\n".join(text for text in texts if isinstance(text, str))
    return ""


def recent_history(
    history: Sequence[Mapping[str, Any]], max_turns: int = MAX_HISTORY_TURNS
) -> list[dict[str, str]]:
    """The last ``max_turns`` user/assistant pairs as plain text; system prompts and tool messages
    from the client are dropped (the instructions here govern), long messages are cut."""
    kept: list[dict[str, str]] = []
    for message in history:
        role = message.get("role")
        text = message_text(message.get("content")).strip()
        if role not in ("user", "assistant") or not text:
            continue
        if role == "assistant":
            text = _FOOTER.sub("", text).strip()
        kept.append({"role": str(role), "content": _cut(text, HISTORY_MESSAGE_CHARS)})
    kept = kept[-2 * max_turns :]
    while kept and kept[0]["role"] != "user":
        kept.pop(0)  # a conversation the model reads starts with a question
    return kept


def answer_messages(
    question: str, passages: Sequence[Passage], history: Sequence[Mapping[str, Any]], budget_chars: int
) -> tuple[list[dict[str, str]], list[Passage]]:
    """The chat messages for one question, and the passages they carry."""
    block, given = context_block(passages, budget_chars)
    language = _LANGUAGES[question_language(question)]
    messages = [{"role": "system", "content": SYSTEM_PROMPT.format(language=language)}]
    messages += recent_history(history)
    messages.append(
        {"role": "user", "content": f"Passages from my notes:\n\n{block}\n\nQuestion: {question.strip()}"}
    )
    return messages, given


def answer_filter(given: Sequence[Passage]) -> LinkFilter:
    """For a streamed reply: keeps the given links, drops invented ones, resolves ``[n]``."""
    links = [passage.link for passage in given]
    return LinkFilter(links, links)


def finish_answer(text: str, given: Sequence[Passage]) -> str:
    links = [passage.link for passage in given]
    return clean_links(text, links, links).strip()


def sources_footer(citations: Sequence[Passage], question: str) -> str:
    """``Sources:`` and the distinct links, in the question's language; empty without citations."""
    links = list(dict.fromkeys(passage.link for passage in citations))
    if not links:
        return ""
    label = _SOURCES[question_language(question)]
    return f"\n\n{label}:\n" + "\n".join(f"- {link}" for link in links)


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, at a word boundary when one is near, marked with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 1)]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip() + "…"
