"""Plain text files, and choosing the reader by content rather than by a file's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from homevoice.audiobooks.document import DocumentError
from homevoice.audiobooks.extract import load_document, load_document_bytes
from tests.fakes.documents import english_paragraphs, tiny_png, write_epub, write_pdf


def test_plain_text_chapters_at_heading_lines() -> None:
    text = (
        "A short preface,\nwrapped by hand.\n\n"
        "Chapter 1\nIt was dark.\n\nThe end of one.\n\n"
        "CHAPTER II: The Return\n\nChapter 2 was the longest part of the book, and\nit is not a heading.\n"
    )
    document = load_document_bytes(text.encode(), "my_story.txt")
    assert document.title == "my story"
    assert [(c.title, c.text) for c in document.chapters] == [
        ("my story", "A short preface, wrapped by hand."),
        ("Chapter 1", "It was dark.\n\nThe end of one."),
        ("CHAPTER II: The Return", "Chapter 2 was the longest part of the book, and it is not a heading."),
    ]


def test_russian_chapters_in_windows_1251() -> None:
    text = "Глава 1. Начало\n\nБыл вечер.\n\nГлава вторая\n\nНаступило утро.\n"
    document = load_document_bytes(text.encode("cp1251"), "роман.txt")
    assert [(c.title, c.text) for c in document.chapters] == [
        ("Глава 1. Начало", "Был вечер."),
        ("Глава вторая", "Наступило утро."),
    ]


def test_plain_text_without_headings_is_one_chapter_named_after_the_file(tmp_path: Path) -> None:
    path = tmp_path / "notes.text"
    path.write_bytes("\ufeffCafé au lait.\r\n\r\nSecond paragraph.\r\n".encode())
    document = load_document(path)
    assert [(c.title, c.text) for c in document.chapters] == [("notes", "Café au lait.\n\nSecond paragraph.")]


def test_text_without_a_suffix_is_read_as_plain_text() -> None:
    document = load_document_bytes(b"Just a few words.", "README")
    assert document.chapters[0].text == "Just a few words."


def test_misleading_names_do_not_decide_the_type(tmp_path: Path) -> None:
    chapters = [("Chapter 1: The Storm", english_paragraphs(2, seed=1))]
    write_pdf(tmp_path / "real.pdf", "Real PDF", "", chapters)
    write_epub(tmp_path / "real.epub", "Real EPUB", "", chapters)
    pdf_document = load_document_bytes((tmp_path / "real.pdf").read_bytes(), "../../etc/notes.txt")
    epub_document = load_document_bytes((tmp_path / "real.epub").read_bytes(), "book.pdf")
    assert pdf_document.title == "Real PDF"
    assert epub_document.title == "Real EPUB"
    assert pdf_document.chapters[0].text.split("\n\n") == epub_document.chapters[0].text.split("\n\n")


def test_a_renamed_file_on_disk_is_read_by_content(tmp_path: Path) -> None:
    path = tmp_path / "book.md"
    write_epub(path, "Renamed", "", [("One", ["Words here."])])
    assert load_document(path).title == "Renamed"


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (tiny_png(), "picture.png"),
        (tiny_png(), "picture.txt"),
        (b"PK\x03\x04" + b"\x00" * 100, "report.docx"),
        (b"<html><body>Hi</body></html>", "page.html"),
    ],
    ids=["image", "image-named-txt", "zip-not-epub", "unknown-suffix"],
)
def test_unsupported_types_list_what_is_supported(data: bytes, filename: str) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, filename)
    assert caught.value.code == "unsupported_document"
    assert "EPUB" in caught.value.message and "Markdown" in caught.value.message


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"], ids=["zero-bytes", "whitespace"])
def test_empty_files(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "empty.pdf"
    path.write_bytes(data)
    with pytest.raises(DocumentError) as caught:
        load_document(path)
    assert caught.value.code == "empty_document"


def test_text_with_nothing_to_say_is_empty() -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes("— … *** ---\n\n!!!".encode(), "dots.txt")
    assert caught.value.code == "empty_document"


def test_text_named_pdf_is_a_broken_pdf() -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(b"just some text", "book.pdf")
    assert caught.value.code == "invalid_document"


def test_missing_path(tmp_path: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document(tmp_path / "nope.epub")
    assert caught.value.code == "not_found"
