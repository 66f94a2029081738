"""Builds the knowledge service from settings: the configured embedder over the index."""

from __future__ import annotations

from homevoice.engines.embed.loading import load_embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.services.knowledge import KnowledgeService
from homevoice.settings import Settings


def build_knowledge(settings: Settings) -> KnowledgeService:
    if settings.vault.path is None:
        settings.vault_dir.mkdir(parents=True, exist_ok=True)
    embedder = load_embedder(settings.rag)
    index = KnowledgeIndex(settings.rag, settings.vault_dir, settings.knowledge_dir, embedder)
    # The same embedder groups notes by topic when expanding them.
    return KnowledgeService(settings, index, embedder=embedder)
