"""Knowledge: search the vault, answer from it through the LLM, expand raw notes.

The index (``KnowledgeIndex``, ``knowledge/index.py``) owns retrieval; this service adds the LLM.
Blocking, like the other services: async adapters call it in a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import Answer, IndexProgress, IndexReport, Passage, SearchMode
from homevoice.settings import Settings

RAG_MODEL = "homevoice-rag"
"""The model name under which ``/v1/chat/completions`` answers from the vault."""


@dataclass(frozen=True)
class ExpandReport:
    written: list[str]
    """Vault paths of the expanded notes written."""
    processed: list[str]
    """Vault paths of the source notes now marked ``status: processed``."""


class KnowledgeService:
    def __init__(self, settings: Settings, index: KnowledgeIndex) -> None:
        self.settings = settings
        self.index = index

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        return self.index.refresh(progress)

    def search(self, query: str, limit: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Passage]:
        """Ranked passages, at most one... (see KnowledgeIndex.search). ``empty_query`` for blank text."""
        return self.index.search(query, limit, mode)

    def ask(self, question: str, *, history: Sequence[dict[str, Any]] = ()) -> Answer:
        """Answer from the notes; ``llm_not_configured`` (KnowledgeError) when no LLM is set."""
        raise NotImplementedError

    def stream_ask(
        self, question: str, *, history: Sequence[dict[str, Any]] = ()
    ) -> tuple[list[Passage], Iterator[str]]:
        """The citations at once, then the answer's text as it is generated."""
        raise NotImplementedError

    def expand(self, *, day: date | None = None) -> ExpandReport:
        """Expand the notes marked ``status: unprocessed`` (all days, or only ``day``)."""
        raise NotImplementedError

    def close(self) -> None:
        self.index.close()
