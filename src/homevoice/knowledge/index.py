"""The search index over the vault: passages and keywords in SQLite (FTS5), vectors in Milvus."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Final

from homevoice.engines.embed.base import Embedder
from homevoice.knowledge import keywords, ranking
from homevoice.knowledge.candidates import Candidates, to_passages
from homevoice.knowledge.catalog import Catalog, PendingSource, ScriptSums
from homevoice.knowledge.model import IndexProgress, IndexReport, KnowledgeError, Passage, SearchMode
from homevoice.knowledge.process_lock import ProcessLock
from homevoice.knowledge.refresh import (
    Tally,
    embedding_text,
    plan_refresh,
    read_changed,
    script_sums,
    source_key,
)
from homevoice.knowledge.sources import vault_sources
from homevoice.knowledge.vectors import VectorStore
from homevoice.settings_knowledge import RagSettings

logger = logging.getLogger(__name__)

BATCH_CHUNKS: Final = 256
"""Passages embedded and written together: one commit per batch keeps an interrupted refresh cheap to resume."""
CANDIDATES: Final = 100
"""Passages fetched from each side before one per source is kept."""
MAX_LIMIT: Final = 50
PASSAGE_RECIPE: Final = "passages-1"
"""Names how passages are cut and embedded; a change here rebuilds every index."""


class KnowledgeIndex:
    """Thread-safe; one per process (Milvus Lite holds a lock on its file)."""

    def __init__(self, settings: RagSettings, vault_dir: Path, index_dir: Path, embedder: Embedder) -> None:
        self.settings = settings
        self.vault_dir = vault_dir
        self.embedder = embedder
        index_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        """Guards both stores; held only while they are read or written, never while embedding."""
        self._refresh_lock = threading.Lock()
        self._process_lock = ProcessLock(index_dir)
        self._sums: ScriptSums | None = None
        """The catalog's vector sums by script, read again after every write."""
        catalog: Catalog | None = None
        try:
            catalog = self._catalog = Catalog(index_dir / "index.sqlite")
            token = settings.milvus_token.get_secret_value() if settings.milvus_token else None
            self._vectors = VectorStore(settings.milvus_uri or str(index_dir / "vectors.db"), token)
            self._check_consistent()
        except BaseException:
            if catalog is not None:
                catalog.close()
            self._process_lock.release()
            raise

    def _check_consistent(self) -> None:
        """Start over when the passages or vectors cannot be trusted: another embedder, other
        passage sizes or recipe, or vectors gone missing."""
        built_with = self._catalog.meta("embedder")
        recipe = f"{PASSAGE_RECIPE};chunk_chars={self.settings.chunk_chars}"
        built_recipe = self._catalog.meta("recipe")
        _, chunks = self._catalog.counts()
        reason = None
        if built_with is not None and built_with != self.embedder.name:
            reason = f"the embedder changed from {built_with} to {self.embedder.name}"
        elif built_recipe is not None and built_recipe != recipe:
            reason = f"passages are now made differently ({recipe}, was {built_recipe})"
        elif self._vectors.count() < chunks:
            reason = "vectors are missing"
        if reason:
            logger.info("Rebuilding the knowledge index: %s", reason)
            self._vectors.drop()
            self._catalog.reset()
        self._catalog.set_meta("embedder", self.embedder.name)
        self._catalog.set_meta("recipe", recipe)

    def _ensure_open(self) -> None:
        if not self._process_lock.held:
            raise KnowledgeError("The knowledge index is closed.", code="index_unavailable")

    def _ensure_vectors(self) -> bool:
        """A collection for the embedder's dimension; True when it had to be made anew over old passages."""
        dimension = self.embedder.dimension
        if self._vectors.dimension == dimension:
            return False
        with self._lock:
            self._vectors.create(dimension)
            had_sources = bool(self._catalog.counts()[0])
            self._catalog.reset()
            self._sums = None
            self._catalog.set_meta("dimension", str(dimension))
        return had_sources

    def refresh(self, progress: IndexProgress | None = None) -> IndexReport:
        """Bring the index up to date with the vault: new and changed sources (by content hash)
        are chunked and embedded, deleted ones leave; an unchanged vault takes seconds."""
        with self._refresh_lock:
            with self._lock:
                self._ensure_open()
            started = time.monotonic()
            tally = self._refresh(progress)
            if tally.restart:  # the vectors had to be rebuilt: everything is new now
                tally = self._refresh(progress)
            counts = self.stats()
            sources, chunks = counts["sources"], counts["chunks"]
            result = IndexReport(
                added=tally.added,
                updated=tally.updated,
                removed=tally.removed,
                unchanged=tally.unchanged,
                failed=tally.failed,
                chunks=chunks,
                embedded=tally.embedded,
                seconds=time.monotonic() - started,
            )
            logger.info(
                "Knowledge index refreshed in %.1f s: %d added, %d updated, %d removed, %d unchanged, "
                "%d failed, %d passages embedded; %d sources, %d passages",
                result.seconds,
                result.added,
                result.updated,
                result.removed,
                result.unchanged,
                len(result.failed),
                result.embedded,
                sources,
                chunks,
            )
            return result

    def _refresh(self, progress: IndexProgress | None) -> Tally:
        if not self.vault_dir.is_dir():
            # An unmounted or mistyped vault must not empty the index.
            raise KnowledgeError(
                f"The vault folder {self.vault_dir} does not exist; check HOMEVOICE_VAULT__PATH.",
                code="index_unavailable",
            )
        found = vault_sources(self.vault_dir, self.settings)
        with self._lock:
            known = self._catalog.sources()
        plan = plan_refresh(found, known)
        tally = Tally(removed=len(plan.removed), unchanged=plan.unchanged)
        if plan.removed:
            with self._lock:
                # Vectors first: if the process dies in between, the catalog still names the source.
                self._vectors.delete_sources([source_key(path) for path in plan.removed])
                self._catalog.remove(plan.removed)
                self._sums = None
        total = len(plan.changed)
        if progress:
            progress(0, total)
        batch: list[PendingSource] = []
        for done, reading in enumerate(read_changed(plan, known, self.settings.chunk_chars), start=1):
            if reading.failure:
                tally.failed.append(reading.failure)
            elif reading.same_content:
                with self._lock:
                    self._catalog.touch(reading.item.path, reading.item.mtime_ns, reading.item.size)
                tally.unchanged += 1
            elif reading.pending is not None:
                if reading.pending.text.chunks and self._ensure_vectors():
                    return Tally(restart=True)
                batch.append(reading.pending)
                if reading.known:
                    tally.updated += 1
                else:
                    tally.added += 1
                if sum(len(item.ids) for item in batch) >= BATCH_CHUNKS:
                    tally.embedded += self._write(batch)
                    batch = []
            if progress:
                progress(done, total)
        tally.embedded += self._write(batch)
        if plan.changed or plan.removed:
            with self._lock:
                self._vectors.flush()
        return tally

    def _write(self, batch: list[PendingSource]) -> int:
        """Embed a batch of sources' passages, then store them (see Catalog for the order)."""
        if not batch:
            return 0
        texts = [
            embedding_text(item.text.title, chunk.heading, chunk.text)
            for item in batch
            for chunk in item.text.chunks
        ]
        vectors = self.embedder.embed_passages(texts)
        scripts, sums = script_sums(batch, vectors)
        with self._lock:
            self._catalog.begin_replace(batch)
            self._vectors.delete_sources([source_key(item.path) for item in batch])
            self._vectors.insert(
                [chunk_id for item in batch for chunk_id in item.ids],
                [source_key(item.path) for item in batch for _ in item.ids],
                scripts,
                vectors,
            )
            self._catalog.finish_replace(batch, sums)
            self._sums = None
        return len(texts)

    def search(self, query: str, limit: int = 5, mode: SearchMode = SearchMode.HYBRID) -> list[Passage]:
        """Best passages first. Raises KnowledgeError(code="empty_query") for blank text."""
        query = " ".join(query.split())
        if not query:
            raise KnowledgeError("The question is empty; say or type what to look for.", code="empty_query")
        limit = max(1, min(limit, MAX_LIMIT))
        vector = self.embedder.embed_query(query) if mode != SearchMode.KEYWORD else None
        terms = keywords.query_terms(query) if mode != SearchMode.VECTOR else []
        with self._lock:
            self._ensure_open()
            if self._sums is None:
                self._sums = self._catalog.script_sums()
            found = Candidates(self._catalog, self._vectors, vector, terms, CANDIDATES, self._sums)
            if mode == SearchMode.VECTOR:
                ranked = ranking.plain(found.vector_hits(), limit, vector=True)
            elif mode == SearchMode.KEYWORD:
                ranked = ranking.plain(found.keyword_hits(), limit, vector=False)
            else:
                ranked = found.hybrid(limit)
            chunks = self._catalog.chunks(item.id for item in ranked)
        logger.debug("Search (%s): %d results from %d candidates", mode, len(ranked), found.size)
        return to_passages(ranked, chunks)

    def stats(self) -> dict[str, int]:
        """``{"sources": N, "chunks": M}``."""
        with self._lock:
            self._ensure_open()
            sources, chunks = self._catalog.counts()
        return {"sources": sources, "chunks": chunks}

    def close(self) -> None:
        with self._lock:
            if not self._process_lock.held:
                return
            try:
                self._vectors.close()
                self._catalog.close()
            finally:
                self._process_lock.release()
