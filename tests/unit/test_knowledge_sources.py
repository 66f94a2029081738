"""Which vault files are indexed: every skip rule on a real folder tree."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from homevoice.knowledge.sources import templates_folder, vault_sources
from homevoice.settings_knowledge import RagSettings


def _write(root: Path, relative: str, text: str = "Some text.") -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _obsidian(root: Path, name: str, data: object) -> None:
    _write(root, f".obsidian/{name}", json.dumps(data))


def _paths(root: Path, **settings: object) -> list[str]:
    return [source.path for source in vault_sources(root, RagSettings(**settings))]  # type: ignore[arg-type]


def test_notes_and_pdfs_with_their_kind_and_stat(tmp_path: Path) -> None:
    note = _write(tmp_path, "Inbox/Walk.md")
    _write(tmp_path, "Books/Manual.PDF")
    _write(tmp_path, "Books/notes.txt")
    _write(tmp_path, "Books/draft.markdown")
    sources = vault_sources(tmp_path, RagSettings())
    assert [(s.path, s.kind) for s in sources] == [("Books/Manual.PDF", "pdf"), ("Inbox/Walk.md", "md")]
    walk = sources[1]
    assert walk.file == note
    assert (walk.mtime_ns, walk.size) == (note.stat().st_mtime_ns, note.stat().st_size)


def test_pdfs_left_out_when_not_wanted(tmp_path: Path) -> None:
    _write(tmp_path, "a.md")
    _write(tmp_path, "b.pdf")
    assert _paths(tmp_path, index_pdfs=False) == ["a.md"]


def test_hidden_settings_and_trash_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "note.md")
    _write(tmp_path, ".obsidian/plugins/x/README.md")
    _write(tmp_path, ".trash/old.md")
    _write(tmp_path, ".git/info.md")
    _write(tmp_path, "Projects/.hidden/secret.md")
    _write(tmp_path, "Projects/.draft.md")
    assert _paths(tmp_path) == ["note.md"]


def test_a_folder_named_templates_is_skipped_when_obsidian_names_none(tmp_path: Path) -> None:
    _write(tmp_path, "Templates/Daily.md")
    _write(tmp_path, "Work/templates/Meeting.md")
    _write(tmp_path, "Work/Templates of letters.md")
    assert _paths(tmp_path) == ["Work/Templates of letters.md"]


def test_the_configured_templates_folder_is_skipped(tmp_path: Path) -> None:
    _obsidian(tmp_path, "templates.json", {"folder": "/Meta/Tpl/"})
    _write(tmp_path, "Meta/Tpl/Daily.md")
    _write(tmp_path, "Meta/Tpl/deep/Meeting.md")
    _write(tmp_path, "Meta/Other.md")
    _write(tmp_path, "Templates/Not a template here.md")
    assert templates_folder(tmp_path) == "meta/tpl"
    assert _paths(tmp_path) == ["Meta/Other.md", "Templates/Not a template here.md"]


@pytest.mark.parametrize("content", ["{broken", "[]", '{"folder": 3}', '{"folder": ""}'])
def test_broken_templates_settings_fall_back_to_the_default(tmp_path: Path, content: str) -> None:
    _write(tmp_path, ".obsidian/templates.json", content)
    _write(tmp_path, "Templates/Daily.md")
    _write(tmp_path, "note.md")
    assert _paths(tmp_path) == ["note.md"]


def test_attachment_folder_skips_notes_but_keeps_pdfs(tmp_path: Path) -> None:
    _obsidian(tmp_path, "app.json", {"attachmentFolderPath": "Files/Attachments"})
    _write(tmp_path, "Files/Attachments/clipping.md")
    _write(tmp_path, "Files/Attachments/deep/export.md")
    _write(tmp_path, "Files/Attachments/manual.pdf")
    _write(tmp_path, "Files/kept.md")
    assert _paths(tmp_path) == ["Files/Attachments/manual.pdf", "Files/kept.md"]


def test_attachment_subfolder_of_each_note_folder(tmp_path: Path) -> None:
    _obsidian(tmp_path, "app.json", {"attachmentFolderPath": "./assets"})
    _write(tmp_path, "Work/assets/pasted.md")
    _write(tmp_path, "assets/root.md")
    _write(tmp_path, "Work/assets/scan.pdf")
    _write(tmp_path, "Work/note.md")
    _write(tmp_path, "Work/assets-list.md")
    assert _paths(tmp_path) == ["Work/assets/scan.pdf", "Work/assets-list.md", "Work/note.md"]


@pytest.mark.parametrize("setting", ["/", "./", "."])
def test_attachments_beside_notes_skip_nothing(tmp_path: Path, setting: str) -> None:
    _obsidian(tmp_path, "app.json", {"attachmentFolderPath": setting})
    _write(tmp_path, "a.md")
    _write(tmp_path, "Work/b.md")
    assert _paths(tmp_path) == ["a.md", "Work/b.md"]


def test_sync_conflict_copies_are_skipped(tmp_path: Path) -> None:
    _write(tmp_path, "Plan.md")
    _write(tmp_path, "Plan (Conflicted copy Laptop 202401011200).md")
    _write(tmp_path, "Plan (conflict 2024-01-01 120000).md")
    _write(tmp_path, "Plan.sync-conflict-20240101-123456-ABCDEFG.md")
    _write(tmp_path, "Plan (Laptop's conflicted copy 2024-01-01).pdf")
    _write(tmp_path, "Conflicts of interest.md")
    assert _paths(tmp_path) == ["Conflicts of interest.md", "Plan.md"]


def test_excluded_folders_as_people_type_them(tmp_path: Path) -> None:
    _write(tmp_path, "Archive/old.md")
    _write(tmp_path, "Archive2/kept.md")
    _write(tmp_path, "Work/Old/x.md")
    _write(tmp_path, "Work/Older.md")
    _write(tmp_path, "Private/diary.pdf")
    assert _paths(tmp_path, exclude=["Archive", "/Work/Old/", "private\\"]) == [
        "Archive2/kept.md",
        "Work/Older.md",
    ]


def test_links_out_of_the_vault_are_not_followed(tmp_path: Path) -> None:
    vault, outside = tmp_path / "vault", tmp_path / "home"
    _write(vault, "note.md")
    secret = _write(outside, "secret.md")
    _write(outside, "docs/more.md")
    (vault / "linked.md").symlink_to(secret)
    (vault / "linked folder").symlink_to(outside / "docs", target_is_directory=True)
    (vault / "alias.md").symlink_to(vault / "note.md")  # a link inside the vault is part of it
    (vault / "dangling.md").symlink_to(tmp_path / "missing.md")
    assert _paths(vault) == ["alias.md", "note.md"]


def test_a_link_loop_does_not_hang(tmp_path: Path) -> None:
    _write(tmp_path, "a/note.md")
    (tmp_path / "a" / "loop").symlink_to(tmp_path, target_is_directory=True)
    assert _paths(tmp_path) == ["a/note.md"]


def test_hostile_names(tmp_path: Path) -> None:
    names = [
        "quote \" and ' and `tick`.md",
        "new\nline.md",
        "-leading dash.md",
        "#hash [brackets] |pipe|.md",
        "Ёлка 🎄 ünïcode.md",
        "x" * 200 + ".md",
        "ends with dot..md",
    ]
    for name in names:
        _write(tmp_path, name)
    bad = os.fsencode(tmp_path) + b"/latin1-\xe9.md"
    with open(bad, "wb") as handle:  # noqa: PTH123 - a name that is not UTF-8 has no str path
        handle.write(b"text")
    found = _paths(tmp_path)
    assert sorted(found) == sorted(names)
    for path in found:
        path.encode("utf-8")


def test_a_missing_vault_has_no_sources(tmp_path: Path) -> None:
    assert _paths(tmp_path / "nowhere") == []
