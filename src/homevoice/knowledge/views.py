"""The JSON shapes of search results, citations and answers, shared by the HTTP API and the CLI.

With ``vault_name``, each result and citation also gets ``obsidian_uri``, a link that opens the
file in Obsidian (a web page or a terminal cannot follow a wikilink).
"""

from __future__ import annotations

from typing import Any

from homevoice.knowledge.model import Answer, Passage
from homevoice.vault.obsidian import obsidian_uri


def search_result(passage: Passage, vault_name: str | None = None) -> dict[str, Any]:
    result = {
        "path": passage.path,
        "title": passage.title,
        "heading": passage.heading,
        "page": passage.page,
        "text": passage.text,
        "score": round(passage.score, 6),
        "link": passage.link,
    }
    return _with_uri(result, passage, vault_name)


def citation(passage: Passage, vault_name: str | None = None) -> dict[str, Any]:
    """A passage the answer was drawn from, without its text."""
    cited = {
        "path": passage.path,
        "title": passage.title,
        "heading": passage.heading,
        "page": passage.page,
        "link": passage.link,
        "score": round(passage.score, 6),
    }
    return _with_uri(cited, passage, vault_name)


def answer_json(answer: Answer, vault_name: str | None = None) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "citations": [citation(p, vault_name) for p in answer.citations],
        "model": answer.model,
    }


def _with_uri(shape: dict[str, Any], passage: Passage, vault_name: str | None) -> dict[str, Any]:
    if vault_name is not None:
        shape["obsidian_uri"] = obsidian_uri(vault_name, passage.path)
    return shape
