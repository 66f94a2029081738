"""The search index over the vault: passages and keywords in SQLite (FTS5), vectors in Milvus."""

from __future__ import annotations

from pathlib import Path

from homevoice.engines.embed.base import Embedder
from homevoice.knowledge.model import IndexProgress, IndexReport, Passage, SearchMode
from homevoice.settings_knowledge import RagSettings


class KnowledgeIndex:
    """Thread-safe; one per process (Milvus Lite holds a lock on its file)."""

    def __init__(self, settings: RagSettings, vault_dir: Path, index_dir: Path, embedder: Embedder) -> None:
        raise NotImplementedError

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        """Bring the index up to date with the vault: new and changed sources (by content hash)
        are chunked and embedded, deleted ones leave; an unchanged vault takes seconds."""
        raise NotImplementedError

    def search(self, query: str, limit: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Passage]:
        """Best passages first. Raises KnowledgeError(code="empty_query") for blank text."""
        raise NotImplementedError

    def stats(self) -> dict[str, int]:
        """``{"sources": N, "chunks": M}``."""
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
