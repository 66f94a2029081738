"""Knowledge: search the vault, answer from it through the LLM, expand raw notes.

The index (``KnowledgeIndex``, ``knowledge/index.py``) owns retrieval; this service adds the LLM.
Blocking, like the other services: async adapters call it in a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol

from homevoice.engines.embed.base import Embedder
from homevoice.engines.llm.base import ChatModel
from homevoice.knowledge.answer import (
    ANSWER_MAX_TOKENS,
    answer_filter,
    answer_messages,
    finish_answer,
    nothing_found,
)
from homevoice.knowledge.model import Answer, IndexProgress, IndexReport, KnowledgeError, Passage, SearchMode
from homevoice.settings import Settings

if TYPE_CHECKING:  # the index (Milvus, SQLite) is loaded only where it is built
    from homevoice.knowledge.index import KnowledgeIndex

log = logging.getLogger(__name__)

RAG_MODEL = "homevoice-rag"
"""The model name under which ``/v1/chat/completions`` answers from the vault."""

_NO_LLM = (
    "Answers need an LLM, and none is configured. Set HOMEVOICE_LLM__BASE_URL to an OpenAI-compatible "
    "API root: `http://127.0.0.1:11434/v1` for Ollama (and HOMEVOICE_LLM__MODEL, for example "
    "qwen2.5:7b-instruct), or `http://127.0.0.1:8080/v1` for llama.cpp's llama-server. "
    "Search works without one."
)


class StreamingChat(ChatModel, Protocol):
    """A chat model that can also stream its answer (``OpenAIChat`` does)."""

    def stream_chat(
        self, messages: list[dict[str, Any]], *, temperature: float = 0.0, max_tokens: int | None = None
    ) -> Iterator[str]: ...


@dataclass(frozen=True)
class ExpandReport:
    written: list[str]
    """Vault paths of the expanded notes written."""
    processed: list[str]
    """Vault paths of the source notes now marked ``status: processed``."""
    skipped: list[str] = field(default_factory=list)
    """Source notes edited while they were expanded: left unmarked; the next run links them to the
    expanded note that already lists them."""


class KnowledgeService:
    def __init__(
        self,
        settings: Settings,
        index: KnowledgeIndex,
        *,
        embedder: Embedder | None = None,
        chat: StreamingChat | None = None,
    ) -> None:
        """``embedder`` groups notes by topic for expand (default: the index's own); ``chat``
        replaces the configured LLM (tests)."""
        self.settings = settings
        self.index = index
        self.embedder = embedder if embedder is not None else getattr(index, "embedder", None)
        self._chat = chat
        self._chat_lock = threading.Lock()
        self._expand_lock = threading.Lock()

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        return self.index.refresh(progress)

    def search(self, query: str, limit: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Passage]:
        """Ranked passages, one per note or PDF at most (``KnowledgeIndex.search``); ``empty_query`` for blank text."""
        return self.index.search(query, limit, mode)

    @property
    def model_name(self) -> str:
        """The LLM's model name, as reported with answers."""
        return self.settings.llm.model

    def llm(self) -> StreamingChat:
        """The configured LLM, created on first use; ``llm_not_configured`` when there is none."""
        with self._chat_lock:
            if self._chat is None:
                if not self.settings.llm.base_url:
                    raise KnowledgeError(_NO_LLM, code="llm_not_configured")
                from homevoice.engines.llm.openai_chat import OpenAIChat

                self._chat = OpenAIChat(self.settings.llm)
            return self._chat

    def ask(
        self, question: str, *, history: Sequence[dict[str, Any]] = (), limit: int | None = None
    ) -> Answer:
        """Answer from the notes; ``llm_not_configured`` (KnowledgeError) when no LLM is set.

        The LLM is needed only when the search finds passages: "nothing in your notes" is answered
        without one, as ``expand`` with nothing to expand needs none.

        The citations are the passages the LLM was given; links it invents are removed.
        """
        passages = self._search(question, limit)
        if not passages:
            return Answer(nothing_found(question), [], self.model_name)
        chat = self.llm()
        messages, given = answer_messages(question, passages, history, self.settings.rag.context_chars)
        reply = chat.chat(messages, max_tokens=ANSWER_MAX_TOKENS)
        return Answer(finish_answer(reply.content or "", given), given, self.model_name)

    def stream_ask(
        self, question: str, *, history: Sequence[dict[str, Any]] = (), limit: int | None = None
    ) -> tuple[list[Passage], Iterator[str]]:
        """The citations at once, then the answer's text as it is generated.

        Blocks until the LLM sends its first piece, so an unreachable LLM raises here rather than
        in the middle of a stream that has already started.
        """
        passages = self._search(question, limit)
        if not passages:
            return [], iter([nothing_found(question)])
        chat = self.llm()
        messages, given = answer_messages(question, passages, history, self.settings.rag.context_chars)
        pieces = _filtered(chat.stream_chat(messages, max_tokens=ANSWER_MAX_TOKENS), given)
        first = next(pieces, None)
        return given, _chain(first, pieces)

    def expand(self, *, day: date | None = None) -> ExpandReport:
        """Expand the notes marked ``status: unprocessed`` (all days, or only ``day``)."""
        from homevoice.knowledge.expand import Expander

        with self._expand_lock:  # a daily run and a manual one must not expand the same notes twice
            expander = Expander(self.settings, self.embedder, self.llm, self.model_name)
            written, processed, skipped = expander.run(day)
        log.info("expanded: %d note(s) written, %d marked processed", len(written), len(processed))
        return ExpandReport(written, processed, skipped)

    def close(self) -> None:
        with self._chat_lock:
            close = getattr(self._chat, "close", None)
            if callable(close):
                close()
            self._chat = None
        self.index.close()

    def _search(self, question: str, limit: int | None) -> list[Passage]:
        if not question.strip():
            raise KnowledgeError("The question is empty; ask something about your notes.", code="empty_query")
        passages = self.index.search(question, limit or self.settings.rag.context_passages, SearchMode.HYBRID)
        log.debug("question: %d passage(s) found", len(passages))
        return passages


def _filtered(pieces: Iterator[str], given: list[Passage]) -> Iterator[str]:
    links = answer_filter(given)
    started = False
    try:
        for piece in pieces:
            out = links.feed(piece)
            if not started:
                out = out.lstrip()  # models often open with a newline or a space
            if out:
                started = True
                yield out
        rest = links.finish()
        out = rest.rstrip() if started else rest.strip()
        if out:
            yield out
    finally:
        close = getattr(pieces, "close", None)
        if callable(close):
            close()  # ends the HTTP stream to the LLM when the reader stops early


def _chain(first: str | None, rest: Iterator[str]) -> Iterator[str]:
    if first is None:
        return
    try:
        yield first
        yield from rest
    finally:
        close = getattr(rest, "close", None)
        if callable(close):
            close()
