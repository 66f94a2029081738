"""The embedding contract: passages and questions in, unit vectors out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

from homevoice.errors import HomevoiceError

Vectors = npt.NDArray[np.float32]


class EmbeddingError(HomevoiceError):
    """The embedder failed (``embeddings_unavailable``: endpoint down or misconfigured)."""

    code = "embeddings_unavailable"


class Embedder(Protocol):
    name: str
    """Identifies the model; an index built with another name is rebuilt."""
    dimension: int

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        """``(len(texts), dimension)`` float32, each row L2-normalised."""
        ...

    def embed_query(self, text: str) -> Vectors:
        """``(dimension,)`` float32, L2-normalised; models like e5 embed questions differently."""
        ...
