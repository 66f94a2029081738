"""The JSON shapes of search results, citations and answers, shared by the HTTP API and the CLI."""

from __future__ import annotations

from typing import Any

from homevoice.knowledge.model import Answer, Passage


def search_result(passage: Passage) -> dict[str, Any]:
    return {
        "path": passage.path,
        "title": passage.title,
        "heading": passage.heading,
        "page": passage.page,
        "text": passage.text,
        "score": round(passage.score, 6),
        "link": passage.link,
    }


def citation(passage: Passage) -> dict[str, Any]:
    """A passage the answer was drawn from, without its text."""
    return {
        "path": passage.path,
        "title": passage.title,
        "heading": passage.heading,
        "page": passage.page,
        "link": passage.link,
        "score": round(passage.score, 6),
    }


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "answer": answer.text,
        "citations": [citation(p) for p in answer.citations],
        "model": answer.model,
    }
