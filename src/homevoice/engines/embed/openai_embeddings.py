"""Embeddings from any OpenAI-compatible endpoint: Ollama, llama.cpp's server, vLLM, LocalAI.

Plain blocking HTTP with httpx: ``POST {base_url}/embeddings`` in batches. The dimension is
learned from the first reply; rows are normalised here because not every server does. Every
failure becomes an ``EmbeddingError`` whose message says what to check.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Sequence
from typing import Any, Final

import httpx
import numpy as np

from homevoice.engines.embed.base import EmbeddingError, Vectors
from homevoice.settings_knowledge import RagSettings

logger = logging.getLogger(__name__)

BATCH: Final = 64
_TIMEOUT_S: Final = 120.0
_BODY_EXCERPT: Final = 300
_CONFIG_HINT: Final = (
    "Check HOMEVOICE_RAG__EMBEDDINGS_BASE_URL (the API root ending in /v1: `http://127.0.0.1:11434/v1` "
    "for Ollama) and that the server is running."
)


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _BODY_EXCERPT else text[:_BODY_EXCERPT] + "…"


class OpenAIEmbedder:
    def __init__(self, settings: RagSettings, *, transport: httpx.BaseTransport | None = None) -> None:
        if not settings.embeddings_base_url:
            raise EmbeddingError(
                f"No embeddings endpoint is configured for the `openai` embedder. {_CONFIG_HINT}"
            )
        self.url = settings.embeddings_base_url.rstrip("/") + "/embeddings"
        self.model = settings.embeddings_model
        self.query_prefix = settings.query_prefix
        self.passage_prefix = settings.passage_prefix
        # The prefixes change every vector, so they are part of what the index was built with.
        self.name = f"openai:{self.model}"
        if self.query_prefix or self.passage_prefix:
            self.name += f"|{self.query_prefix}|{self.passage_prefix}"
        self._dimension: int | None = None
        self._lock = threading.Lock()
        headers = {"Accept": "application/json"}
        if settings.embeddings_api_key is not None:
            headers["Authorization"] = f"Bearer {settings.embeddings_api_key.get_secret_value()}"
        self._client = httpx.Client(
            headers=headers, timeout=httpx.Timeout(_TIMEOUT_S, connect=10.0), transport=transport
        )

    @property
    def dimension(self) -> int:
        """Learned from the endpoint's first reply (one small request if nothing was embedded yet)."""
        if self._dimension is None:
            self._request(["dimension"])
        assert self._dimension is not None
        return self._dimension

    @dimension.setter
    def dimension(self, value: int) -> None:
        self._dimension = value

    def close(self) -> None:
        self._client.close()

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self._dimension or 0), dtype=np.float32)
        parts = [
            self._request([self.passage_prefix + text for text in texts[start : start + BATCH]])
            for start in range(0, len(texts), BATCH)
        ]
        return np.concatenate(parts)

    def embed_query(self, text: str) -> Vectors:
        vector: Vectors = self._request([self.query_prefix + text])[0]
        return vector

    def _request(self, texts: list[str]) -> Vectors:
        body = {"model": self.model, "input": texts, "encoding_format": "float"}
        try:
            response = self._client.post(self.url, json=body)
        except httpx.HTTPError as error:
            raise EmbeddingError(
                f"Cannot reach the embeddings endpoint {self.url} ({type(error).__name__}: {error}). {_CONFIG_HINT}"
            ) from None
        if not response.is_success:
            raise self._status_error(response)
        try:
            payload = response.json()
        except ValueError:
            raise EmbeddingError(
                f"The embeddings endpoint {self.url} answered with something that is not JSON "
                f"({_excerpt(response.text)!r}). {_CONFIG_HINT}"
            ) from None
        return self._vectors(payload, len(texts))

    def _status_error(self, response: httpx.Response) -> EmbeddingError:
        status = response.status_code
        detail = _excerpt(response.text)
        if status in (401, 403):
            hint = "Check HOMEVOICE_RAG__EMBEDDINGS_API_KEY."
        elif status == 404:
            hint = (
                f"Check that the model `{self.model}` exists there (HOMEVOICE_RAG__EMBEDDINGS_MODEL; "
                f"`ollama pull {self.model}` for Ollama) and that the base URL ends in /v1."
            )
        elif status in (400, 413, 422):
            hint = f"Check that `{self.model}` is an embedding model (HOMEVOICE_RAG__EMBEDDINGS_MODEL)."
        else:
            hint = _CONFIG_HINT
        return EmbeddingError(f"The embeddings endpoint {self.url} answered HTTP {status} ({detail}). {hint}")

    def _vectors(self, payload: Any, expected: int) -> Vectors:
        try:
            items = sorted(payload["data"], key=lambda item: int(item.get("index", 0)))
            matrix = np.array([item["embedding"] for item in items], dtype=np.float32)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise EmbeddingError(
                f"The embeddings endpoint {self.url} answered without a list of embeddings "
                f"({_excerpt(json.dumps(payload))}). Is it an OpenAI-compatible API root ending in /v1?"
            ) from None
        if matrix.ndim != 2 or matrix.shape[0] != expected or matrix.shape[1] == 0:
            raise EmbeddingError(
                f"The embeddings endpoint {self.url} sent {matrix.shape[0] if matrix.ndim else 0} embeddings "
                f"for {expected} texts (shape {matrix.shape}). Check that `{self.model}` is an embedding model."
            )
        with self._lock:
            if self._dimension is None:
                self._dimension = int(matrix.shape[1])
                logger.info("Embeddings from %s (%s): %d dimensions", self.url, self.model, self._dimension)
        if matrix.shape[1] != self._dimension:
            raise EmbeddingError(
                f"The embeddings endpoint {self.url} changed dimension from {self._dimension} to "
                f"{matrix.shape[1]}; was HOMEVOICE_RAG__EMBEDDINGS_MODEL changed on the server?"
            )
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        if not np.all(np.isfinite(matrix)) or np.any(norms == 0):
            raise EmbeddingError(f"The embeddings endpoint {self.url} sent empty or invalid vectors.")
        unit: Vectors = (matrix / norms).astype(np.float32)
        return unit
