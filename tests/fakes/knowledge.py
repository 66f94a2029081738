"""Stand-ins for the knowledge feature's parts: an in-memory index, a word-hashing embedder and a
scripted chat model, so the LLM half is tested without Milvus, e5 or a model server."""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from homevoice.engines.embed.base import Vectors
from homevoice.engines.llm.base import ChatReply, LlmError
from homevoice.knowledge.model import IndexProgress, IndexReport, KnowledgeError, Passage, SearchMode

_WORD = re.compile(r"\w+")


def _words(text: str) -> set[str]:
    return {word.casefold() for word in _WORD.findall(text) if len(word) > 2}


class FakeIndex:
    """The ``KnowledgeIndex`` interface over a fixed list of passages: a passage matches when it
    shares a word (of three letters or more) with the query; more shared words rank higher."""

    def __init__(self, passages: Sequence[Passage] = ()) -> None:
        self.passages = list(passages)
        self.searches: list[tuple[str, int, SearchMode]] = []
        self.refreshed = 0
        self.closed = False

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        self.refreshed += 1
        if progress is not None:
            progress(len(self.passages), len(self.passages))
        return IndexReport(unchanged=len(self.passages), chunks=len(self.passages))

    def search(self, query: str, limit: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Passage]:
        if not query.strip():
            raise KnowledgeError("The search text is empty.", code="empty_query")
        self.searches.append((query, limit, mode))
        wanted = _words(query)
        scored = [(len(wanted & _words(p.text + " " + p.title)), p) for p in self.passages]
        ranked = sorted((item for item in scored if item[0]), key=lambda item: -item[0])
        return [_with_score(p, float(score)) for score, p in ranked[:limit]]

    def stats(self) -> dict[str, int]:
        return {"sources": len({p.path for p in self.passages}), "chunks": len(self.passages)}

    def close(self) -> None:
        self.closed = True


def _with_score(passage: Passage, score: float) -> Passage:
    return Passage(passage.path, passage.title, passage.heading, passage.page, passage.text, score)


def passage(path: str, text: str, heading: str | None = None, page: int | None = None) -> Passage:
    title = path.rsplit("/", 1)[-1].removesuffix(".md").removesuffix(".pdf")
    return Passage(path, title, heading, page, text, 0.0)


class FakeEmbedder:
    """Bag of words hashed into 64 dimensions: notes sharing words point the same way."""

    name = "fake-words"
    dimension = 64

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> np.ndarray[Any, Any]:
        vector = np.zeros(self.dimension, dtype=np.float32)
        for word in _words(text):
            vector[int(hashlib.sha256(word.encode()).hexdigest(), 16) % self.dimension] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(list(texts))
        return np.stack([self._vector(text) for text in texts]).astype(np.float32)

    def embed_query(self, text: str) -> Vectors:
        return self._vector(text)


@dataclass
class FakeChat:
    """A chat model that answers from a script: a fixed text, or a function of the messages."""

    reply: str | Callable[[list[dict[str, Any]]], str] = "An answer."
    error: LlmError | None = None
    chunk_chars: int = 3
    fail_after: int | None = None
    """Streaming raises ``error`` after this many pieces (a server dying mid-answer)."""
    calls: list[list[dict[str, Any]]] = field(default_factory=list)
    closed: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _answer(self, messages: list[dict[str, Any]]) -> str:
        with self._lock:
            self.calls.append(messages)
        if self.error is not None and self.fail_after is None:
            raise self.error
        return self.reply(messages) if callable(self.reply) else self.reply

    def chat(
        self,
        messages: list[dict[str, Any]],
        *,
        tools: list[dict[str, Any]] | None = None,
        tool_choice: str | dict[str, Any] | None = None,
        temperature: float = 0.0,
        max_tokens: int | None = None,
    ) -> ChatReply:
        return ChatReply(content=self._answer(messages))

    def stream_chat(
        self, messages: list[dict[str, Any]], *, temperature: float = 0.0, max_tokens: int | None = None
    ) -> Iterator[str]:
        text = self._answer(messages)
        for n, start in enumerate(range(0, len(text), self.chunk_chars)):
            if self.error is not None and n == self.fail_after:
                raise self.error
            yield text[start : start + self.chunk_chars]

    def close(self) -> None:
        self.closed = True


SAMPLE_NOTES = {
    "Garden/Roses.md": (
        "# Roses\n\n## Pruning\nPrune the roses in early March, just above an outward-facing bud. "
        "Remove dead wood first.\n\n## Feeding\nFeed the roses with compost in April and again after "
        "the first flowering.\n"
    ),
    "Work/Budget.md": (
        "---\ntitle: Budget 2026\n---\nThe travel budget goes down by ten percent next quarter. "
        "The team offsite moves to October.\n"
    ),
    "Recipes/Борщ.md": "# Борщ\n\nСвёклу тушить отдельно с уксусом, чтобы борщ остался красным.\n",
    "Templates/Daily.md": "# {{date}}\n\nPrune template placeholder.\n",
}
CAPTURES = {
    "Inbox/2026-01-02 0930 Walk.md": (
        "2026-01-02T09:30:00+03:00",
        "Walked in the park, the cherry trees are blooming. I should plant a cherry tree in the garden.",
    ),
    "Inbox/2026-01-02 1015 Compost.md": (
        "2026-01-02T10:15:00+03:00",
        "Garden: buy compost and tomato seeds, and fix the fence near the cherry tree.",
    ),
    "Inbox/2026-01-02 1400 Budget.md": (
        "2026-01-02T14:00:00+03:00",
        "Budget meeting with Anna: cut travel costs by ten percent. Who approves the offsite?",
    ),
}


def capture_note(created: str, body: str) -> str:
    """A note as the Telegram capture writes it: properties, then the transcript and the audio."""
    return (
        f"---\ncreated: {created}\nsource: telegram\ntype: voice\ntags:\n- telegram\n- voice\n"
        f"duration: 4.2\nlanguage: en\nstt_model: base\nstatus: unprocessed\n---\n\n"
        f"{body}\n\n![[Attachments/voice.ogg]]\n"
    )


def write_sample_vault(root: Path) -> Path:
    """A small vault: reference notes to search, a template to skip, voice notes to expand."""
    for path, text in SAMPLE_NOTES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    for path, (created, body) in CAPTURES.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(capture_note(created, body), encoding="utf-8")
    return root
