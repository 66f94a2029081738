"""Markdown files and Obsidian vault folders as chapters of plain, speakable text."""

from __future__ import annotations

from pathlib import Path

import pytest

from homevoice.audiobooks.document import DocumentError
from homevoice.audiobooks.extract import load_document, load_document_bytes
from homevoice.audiobooks.extract.markdown import vault_notes
from homevoice.vault.markdown_text import Block, inline_text, markdown_blocks


def _chapters(source: str, filename: str = "notes.md") -> list[tuple[str, str]]:
    document = load_document_bytes(source.encode("utf-8"), filename)
    return [(c.title, c.text) for c in document.chapters]


def test_chapters_at_the_top_heading_level_with_text_before_the_first() -> None:
    source = "Opening words.\n\n## One\n\nFirst text.\n\n### Detail\n\nDeeper.\n\n## Two\n\nSecond text.\n"
    assert _chapters(source, "my_trip.md") == [
        ("my trip", "Opening words."),
        ("One", "First text.\n\nDetail\n\nDeeper."),
        ("Two", "Second text."),
    ]


def test_a_lone_opening_heading_is_the_book_title() -> None:
    source = "# The Book\n\nPreface.\n\n## First\n\nA.\n\n## Second\n\nB.\n"
    document = load_document_bytes(source.encode(), "file.md")
    assert document.title == "The Book"
    assert [(c.title, c.text) for c in document.chapters] == [
        ("The Book", "Preface."),
        ("First", "A."),
        ("Second", "B."),
    ]


def test_frontmatter_gives_title_author_and_language_and_is_not_read() -> None:
    source = "---\ntitle: Заметки\nauthor: Анна\nlang: ru\ntags: [x]\n---\n\nТекст заметки.\n"
    document = load_document_bytes(source.encode(), "file.md")
    assert (document.title, document.author, document.language) == ("Заметки", "Анна", "ru")
    assert [(c.title, c.text) for c in document.chapters] == [("Заметки", "Текст заметки.")]


def test_headings_inside_code_blocks_are_not_chapters() -> None:
    source = "## Real\n\nText.\n\n```sh\n## not a heading\necho hi\n```\n\n~~~\n# nor this\n~~~\n\nAfter.\n"
    assert _chapters(source) == [("Real", "Text.\n\nAfter.")]


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("See [[Other Note|the other one]] and [[Plain Note]].", "See the other one and Plain Note."),
        ("Go to [[Folder/Deep Note#Part]] now.", "Go to Deep Note now."),
        ("A [link](https://example.com/a_(b)) here.", "A link here."),
        ("Picture ![alt text](img.png) and ![[photo.jpg]] gone.", "Picture and gone."),
        (
            "**Bold**, *italic*, _under_, ~~struck~~ and ==marked==.",
            "Bold, italic, under, struck and marked.",
        ),
        ("snake_case_name stays whole.", "snake_case_name stays whole."),
        ("Tags #idea and #project/home go, #123 and C# stay.", "Tags and go, #123 and C# stay."),
        ("Call `run()` now.", "Call run() now."),
        (r"Escaped \*stars\* stay.", "Escaped *stars* stay."),
        ("Visit https://example.com/page today.", "Visit today."),
        ("A footnote[^1] mark.", "A footnote mark."),
        ("A line with a block id ^a1b2c3", "A line with a block id"),
        ("Inline <b>html</b> tags.", "Inline html tags."),
    ],
)
def test_inline_markup(markdown: str, text: str) -> None:
    assert inline_text(markdown) == text


def test_blocks_drop_comments_embeds_and_markers() -> None:
    source = """Intro <!-- hidden
comment --> visible %%obsidian
comment%% end.

> [!note] Callout title
> quoted line

- item one
- [ ] task two
  continued
1. numbered

| Name | Value |
|------|-------|
| a | 1 |

---

[ref]: https://example.com
[^1]: The footnote text.
"""
    assert markdown_blocks(source) == [
        Block("Intro visible end."),
        Block("Callout title"),
        Block("quoted line"),
        Block("item one"),
        Block("task two continued"),
        Block("numbered"),
        Block("Name, Value"),
        Block("a, 1"),
        Block("The footnote text."),
    ]


def test_note_with_only_markup_is_empty() -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(b"---\ntitle: x\n---\n![[a.png]]\n<!-- c -->\n```\ncode\n```\n", "n.md")
    assert caught.value.code == "empty_document"


def _write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_vault_is_one_chapter_per_note_in_path_order(tmp_path: Path) -> None:
    vault = tmp_path / "My Vault"
    _write(vault, "b.md", "Second note.")
    _write(vault, "a.md", "---\ntitle: First Title\n---\n# First Title\n\nFirst note.")
    _write(vault, "c/deep.md", "Deep note with [[b|a link]].")
    _write(vault, "c/empty.md", "---\ntags: [x]\n---\n")
    _write(vault, "c/picture.png", "not a note")
    _write(vault, ".obsidian/workspace.md", "Settings.")
    _write(vault, ".trash/old.md", "Deleted.")
    _write(vault, ".hidden/secret.md", "Hidden.")
    _write(vault, "Templates/daily.md", "Template.")
    _write(vault, "notes/templates/t.md", "Template too.")
    _write(vault, ".dotfile.md", "Hidden file.")
    _write(vault, "b (conflict 2024-01-01).md", "Obsidian Sync conflict.")
    _write(vault, "b.sync-conflict-20240101-123456-ABCDEFG.md", "Syncthing conflict.")
    _write(vault, "b (Conflicted copy 2024-01-01).md", "Dropbox conflict.")
    _write(vault, "conflicts of interest.md", "A real note about conflicts.")
    document = load_document(vault)
    assert document.title == "My Vault"
    assert [(c.title, c.text) for c in document.chapters] == [
        ("First Title", "First note."),
        ("b", "Second note."),
        ("deep", "Deep note with a link."),
        ("conflicts of interest", "A real note about conflicts."),
    ]


def test_vault_skips_links_out_of_the_vault(tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("Private.", encoding="utf-8")
    vault = tmp_path / "vault"
    _write(vault, "note.md", "Inside.")
    (vault / "link.md").symlink_to(outside)
    assert [p.name for p in vault_notes(vault)] == ["note.md"]


def test_vault_without_notes_is_empty(tmp_path: Path) -> None:
    _write(tmp_path / "v", ".obsidian/app.md", "x")
    _write(tmp_path / "v", "image.png", "x")
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / "v")
    assert caught.value.code == "empty_document"
    assert "notes" in caught.value.message
