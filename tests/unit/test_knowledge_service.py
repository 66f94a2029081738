"""KnowledgeService.ask and stream_ask over a fake index and a scripted chat model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from homevoice.engines.llm.base import LlmError
from homevoice.knowledge.model import KnowledgeError, SearchMode
from homevoice.services.knowledge import KnowledgeService
from homevoice.settings import Settings, load_settings
from tests.fakes.knowledge import FakeChat, FakeIndex, passage

PASSAGES = [
    passage("Garden/Roses.md", "Prune the roses in March, above an outward bud.", heading="Pruning"),
    passage("Garden/Tomatoes.md", "Sow tomato seeds indoors in late February."),
    passage("Work/Budget.md", "Travel costs go down by ten percent next quarter."),
]


def make_settings(tmp_path: Path, **llm: Any) -> Settings:
    return load_settings(data_dir=tmp_path, llm=llm, rag={"context_passages": 4})


def make_service(tmp_path: Path, chat: FakeChat | None = None, **llm: Any) -> KnowledgeService:
    llm = llm or {"base_url": "http://127.0.0.1:9/v1", "model": "tiny"}
    return KnowledgeService(make_settings(tmp_path, **llm), FakeIndex(PASSAGES), chat=chat)  # type: ignore[arg-type]


def test_ask_gives_the_found_passages_and_cleans_the_reply(tmp_path: Path) -> None:
    chat = FakeChat("In March [[Garden/Roses#Pruning]], says [[Garden/Lilies]] [2].")
    service = make_service(tmp_path, chat)
    answer = service.ask("When to prune roses and sow tomato?")
    assert answer.text == "In March [[Garden/Roses#Pruning]], says [[Garden/Tomatoes]]."
    assert [p.path for p in answer.citations] == ["Garden/Roses.md", "Garden/Tomatoes.md"]
    assert answer.model == "tiny"
    (messages,) = chat.calls
    assert "[1] [[Garden/Roses#Pruning]]" in messages[-1]["content"]
    assert service.index.searches == [("When to prune roses and sow tomato?", 4, SearchMode.HYBRID)]  # type: ignore[attr-defined]


def test_limit_and_history_reach_the_search_and_the_prompt(tmp_path: Path) -> None:
    chat = FakeChat("Yes.")
    service = make_service(tmp_path, chat)
    history = [{"role": "user", "content": "Roses?"}, {"role": "assistant", "content": "In March."}]
    service.ask("And the tomatoes?", history=history, limit=1)
    assert service.index.searches[-1][1] == 1  # type: ignore[attr-defined]
    assert [m["content"] for m in chat.calls[0][1:3]] == ["Roses?", "In March."]


def test_nothing_found_does_not_ask_the_llm(tmp_path: Path) -> None:
    chat = FakeChat("made up")
    service = make_service(tmp_path, chat)
    answer = service.ask("Что я писал про вулканы?")
    assert answer.text == "В ваших заметках об этом ничего нет." and answer.citations == []
    citations, pieces = service.stream_ask("volcanoes?")
    assert citations == [] and "".join(pieces) == "There is nothing in your notes about that."
    assert chat.calls == []


def test_without_an_llm_search_works_and_ask_says_how_to_configure(tmp_path: Path) -> None:
    service = KnowledgeService(make_settings(tmp_path), FakeIndex(PASSAGES))  # type: ignore[arg-type]
    assert service.search("roses prune")[0].path == "Garden/Roses.md"
    for call in (lambda: service.ask("roses?"), lambda: service.stream_ask("roses?")):
        with pytest.raises(KnowledgeError) as raised:
            call()
        assert raised.value.code == "llm_not_configured"
        assert "HOMEVOICE_LLM__BASE_URL" in raised.value.message and "Ollama" in raised.value.message


def test_without_an_llm_nothing_found_is_still_answered(tmp_path: Path) -> None:
    service = KnowledgeService(make_settings(tmp_path), FakeIndex(PASSAGES))  # type: ignore[arg-type]
    assert service.ask("volcanoes?").text == "There is nothing in your notes about that."


def test_an_empty_question_is_refused_first(tmp_path: Path) -> None:
    service = KnowledgeService(make_settings(tmp_path), FakeIndex(PASSAGES))  # type: ignore[arg-type]
    with pytest.raises(KnowledgeError) as raised:
        service.ask("  \n")
    assert raised.value.code == "empty_query"


def test_stream_ask_streams_the_cleaned_answer(tmp_path: Path) -> None:
    chat = FakeChat("\n Prune in March [[Garden/Roses#Pruning]] not [[Nowhere]].", chunk_chars=2)
    service = make_service(tmp_path, chat)
    citations, pieces = service.stream_ask("prune roses")
    assert [p.path for p in citations] == ["Garden/Roses.md"]
    chunks = list(pieces)
    assert len(chunks) > 3
    assert "".join(chunks) == "Prune in March [[Garden/Roses#Pruning]] not."


def test_llm_failures_surface_as_they_are(tmp_path: Path) -> None:
    failure = LlmError("Cannot reach the LLM at http://127.0.0.1:9/v1.", code="llm_unavailable")
    service = make_service(tmp_path, FakeChat(error=failure))
    with pytest.raises(LlmError) as raised:
        service.ask("prune roses")
    assert raised.value is failure
    with pytest.raises(LlmError):
        service.stream_ask("prune roses")  # before any text is streamed


def test_the_real_client_is_made_lazily_and_closed(tmp_path: Path) -> None:
    service = make_service(tmp_path)
    assert service._chat is None
    client = service.llm()
    assert client is service.llm() and type(client).__name__ == "OpenAIChat"
    service.close()
    assert service._chat is None and service.index.closed  # type: ignore[attr-defined]
