"""What both stores offer for one question: candidate passages and the scores ranking needs.

Used under the index's lock. Hits are grouped by the source key in their id (``<key>-<ordinal>``),
so ranking needs no catalog lookup; the catalog is asked only for what ranking uses.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt

from homevoice.engines.embed.base import Vectors
from homevoice.knowledge import ranking
from homevoice.knowledge.catalog import Catalog
from homevoice.knowledge.model import Chunk, Passage
from homevoice.knowledge.ranking import Hit, Ranked
from homevoice.knowledge.vectors import VectorStore


def source_of(passage_id: str) -> str:
    return passage_id.rpartition("-")[0]


def to_passages(ranked: Sequence[Ranked], chunks: Mapping[str, Chunk]) -> list[Passage]:
    """Search results; a passage that left the catalog meanwhile is left out."""
    return [
        Passage(
            path=chunks[item.id].path,
            title=chunks[item.id].title,
            heading=chunks[item.id].heading,
            page=chunks[item.id].page,
            text=chunks[item.id].text,
            score=item.score,
            vector_rank=item.vector_rank,
            keyword_rank=item.keyword_rank,
        )
        for item in ranked
        if item.id in chunks
    ]


def _hits(pairs: Sequence[tuple[str, float]]) -> list[Hit]:
    return [Hit(item, source_of(item), score) for item, score in pairs]


class Candidates:
    def __init__(
        self,
        catalog: Catalog,
        vectors: VectorStore,
        query: Vectors | None,
        terms: Sequence[str],
        limit: int,
        script_sums: Mapping[str, tuple[int, npt.NDArray[np.float64]]] | None = None,
    ) -> None:
        self._catalog = catalog
        self._vectors = vectors
        self._query = query
        self._terms = list(terms)
        self._limit = limit
        self._sums = script_sums if script_sums is not None else catalog.script_sums()
        self.size = 0
        """Passages considered, for the log."""

    def vector_hits(self) -> list[Hit]:
        """Plain e5: passages by raw cosine."""
        if self._query is None:
            return []
        hits = _hits(self._vectors.search(self._query, self._limit))
        self.size = len(hits)
        return hits

    def keyword_hits(self) -> list[Hit]:
        """Plain BM25 over stemmed keywords (title, heading and text weighted)."""
        hits = _hits(self._catalog.keyword_search(self._terms, self._limit, ranking.COLUMN_WEIGHTS))
        self.size = max(self.size, len(hits))
        return hits

    def _calibrated(self, offsets: Mapping[str, float]) -> dict[str, tuple[str, float]]:
        """The best passages of every script, by cosine less the script's offset (see ranking)."""
        assert self._query is not None
        calibrated: dict[str, tuple[str, float]] = {}
        for script, offset in offsets.items():
            for item, cosine in self._vectors.search(self._query, self._limit, script):
                calibrated[item] = (source_of(item), cosine - offset)
        return calibrated

    def hybrid(self, limit: int) -> list[Ranked]:
        keyword = self.keyword_hits()
        if self._query is None or not self._sums:
            return ranking.plain(keyword, limit, vector=False)  # nothing embedded yet
        offsets = ranking.script_offsets(self._query.astype(np.float64), self._sums)
        calibrated = self._calibrated(offsets)
        vector_ranks = ranking.source_ranks(
            [Hit(item, source, score) for item, (source, score) in calibrated.items()]
        )
        total = self._catalog.counts()[1]
        weights = ranking.term_weights(self._terms, self._catalog.document_frequencies(self._terms), total)
        wanted = [*calibrated, *(hit.id for hit in keyword if hit.id not in calibrated)]
        passage_terms = self._catalog.passage_terms(wanted) if weights else {}
        shares = {item: ranking.coverage(weights, found) for item, found in passage_terms.items()}
        # A keyword match beyond the vector candidates gets its own cosine, calibrated the same way;
        # without keyword evidence it would rank below all of them, so it is not fetched.
        missing = [
            hit.id
            for hit in keyword
            if hit.id not in calibrated and ranking.keyword_evidence(shares.get(hit.id, 0.0))
        ]
        for item, (script, vector) in self._vectors.vectors(missing).items():
            calibrated[item] = (source_of(item), float(vector @ self._query) - offsets.get(script, 0.0))
        self.size = len(wanted)
        return ranking.fuse(
            calibrated,
            shares,
            limit,
            vector_ranks=vector_ranks,
            keyword_ranks=ranking.source_ranks(keyword),
        )
