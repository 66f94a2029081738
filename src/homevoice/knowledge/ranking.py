"""The product's ranking: meanings and words fused per passage, then one passage per source.

Measured on a bilingual vault (bench/rag.py), three things matter, in this order:

1. Script calibration of the vector side. e5 gives every passage written in the question's
   language a higher cosine than any passage in the other language, whatever they say: a Russian
   question's best English note often ranks below mediocre Russian ones. Subtracting the question's
   similarity to the average passage of each script (``q · mean(passages of that script)``) removes
   that bias. A monolingual vault has one offset for all passages, so nothing changes there. A
   script with few passages is pulled towards the vault's overall mean (``SCRIPT_SHRINK`` passages'
   worth), so three English notes in a Russian vault do not get an arbitrary offset.
2. Note-level evidence: a source whose other passages also match (above their script's average)
   is more likely the one meant than a source with one lucky passage.
3. Keywords only when they say something: a passage's keyword evidence is the share of the
   question's information (idf-weighted terms) it contains. A weak partial match (below
   ``KEYWORD_GATE``) is as often an accident as not, especially for a question in the other
   language, so it counts for nothing; a strong one adds up to ``KEYWORD_WEIGHT`` of cosine, about
   the gap between close candidates, so exact names and codes settle close calls without
   overriding a clear semantic winner.

``VECTOR`` is plain e5 (raw cosine, best passage per source) and ``KEYWORD`` plain BM25, for comparison.
Pure functions over scores, so every rule is tested without an index.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

COLUMN_WEIGHTS: Final = (3.0, 2.0, 1.0)
"""BM25 weights of a passage's title (with aliases and tags), heading and text."""
SCRIPT_SHRINK: Final = 20.0
KEYWORD_WEIGHT: Final = 0.03
KEYWORD_GATE: Final = 0.3
NOTE_BONUS: Final = 0.15
NOTE_BONUS_PASSAGES: Final = 2


@dataclass(frozen=True)
class Hit:
    """A passage in one side's list: its id, source and score (higher is better)."""

    id: str
    source: str
    score: float


@dataclass(frozen=True)
class Ranked:
    id: str
    """The passage shown for the source."""
    source: str
    score: float
    vector_rank: int | None = None
    keyword_rank: int | None = None


def best_per_source(side: Sequence[Hit]) -> list[Hit]:
    """Each source's best passage, best first; ties keep their order."""
    seen: set[str] = set()
    out: list[Hit] = []
    for hit in sorted(side, key=lambda h: -h.score):
        if hit.source not in seen:
            seen.add(hit.source)
            out.append(hit)
    return out


def source_ranks(side: Sequence[Hit]) -> dict[str, int]:
    return {hit.source: rank for rank, hit in enumerate(best_per_source(side), start=1)}


def plain(side: Sequence[Hit], limit: int, *, vector: bool) -> list[Ranked]:
    """One side alone (``vector`` or not): the best passage of each source, by its own score."""
    best = best_per_source(side)[:limit]
    return [
        Ranked(hit.id, hit.source, hit.score, rank if vector else None, None if vector else rank)
        for rank, hit in enumerate(best, start=1)
    ]


def script_offsets(
    query: npt.NDArray[np.float64], sums: Mapping[str, tuple[int, npt.NDArray[np.float64]]]
) -> dict[str, float]:
    """The question's similarity to the average passage of each script (``sums``: count and vector sum)."""
    count = sum(n for n, _ in sums.values())
    if count == 0:
        return {}
    overall = sum((total for _, total in sums.values()), np.zeros_like(query)) / count
    return {
        script: float(query @ ((total + SCRIPT_SHRINK * overall) / (n + SCRIPT_SHRINK)))
        for script, (n, total) in sums.items()
    }


def idf(frequency: int, total: int) -> float:
    """BM25's inverse document frequency (the non-negative form); a term found nowhere weighs most."""
    return math.log(1.0 + (total - frequency + 0.5) / (frequency + 0.5))


def term_weights(terms: Sequence[str], frequencies: Mapping[str, int], total: int) -> dict[str, float]:
    return {term: idf(frequencies.get(term, 0), total) for term in terms}


def coverage(weights: Mapping[str, float], passage_terms: set[str]) -> float:
    """The share of the question's information found in a passage, from 0 to 1."""
    whole = sum(weights.values())
    if whole <= 0:
        return 0.0
    return sum(weight for term, weight in weights.items() if term in passage_terms) / whole


def keyword_evidence(share: float) -> float:
    """What a keyword match adds to a passage's cosine: nothing below the gate."""
    return KEYWORD_WEIGHT * share if share >= KEYWORD_GATE else 0.0


def fuse(
    calibrated: Mapping[str, tuple[str, float]],
    shares: Mapping[str, float],
    limit: int,
    *,
    vector_ranks: Mapping[str, int] | None = None,
    keyword_ranks: Mapping[str, int] | None = None,
) -> list[Ranked]:
    """Sources by their best passage plus a bonus for their next ones, best first.

    ``calibrated``: passage id -> (source, script-calibrated cosine); ``shares``: passage id ->
    keyword coverage. A passage's score is its cosine plus its keyword evidence.
    """
    by_source: dict[str, list[tuple[float, str]]] = {}
    for passage, (source, cosine) in calibrated.items():
        score = cosine + keyword_evidence(shares.get(passage, 0.0))
        by_source.setdefault(source, []).append((score, passage))
    ranked: list[Ranked] = []
    for source, scored in by_source.items():
        scored.sort(key=lambda item: (-item[0], item[1]))
        best, passage = scored[0]
        extra = sum(max(0.0, score) for score, _ in scored[1 : 1 + NOTE_BONUS_PASSAGES])
        ranked.append(
            Ranked(
                passage,
                source,
                best + NOTE_BONUS * extra,
                (vector_ranks or {}).get(source),
                (keyword_ranks or {}).get(source),
            )
        )
    ranked.sort(key=lambda item: (-item.score, item.source))
    return ranked[:limit]
