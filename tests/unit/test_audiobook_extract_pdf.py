"""PDF books read back from real files made with fpdf2: chapters, clean paragraphs, clear failures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from pypdf import PdfReader

from homevoice.audiobooks.document import DocumentError
from homevoice.audiobooks.extract import load_document, load_document_bytes
from homevoice.audiobooks.extract.pdf_layout import (
    Line,
    is_page_number,
    join_lines,
    paragraph_starts,
    paragraphs,
    strip_furniture,
)
from tests.fakes.documents import english_paragraphs, write_pdf, write_scanned_pdf

TITLES = ["Chapter 1: The Storm", "Chapter 2: The Harbour", "Chapter 3: The Orchard"]


def _chapters(titles: list[str], paragraphs_each: int = 8) -> list[tuple[str, list[str]]]:
    return [(title, english_paragraphs(paragraphs_each, seed=n)) for n, title in enumerate(titles, start=1)]


def _words(text: str) -> list[str]:
    return text.split()


def test_outline_gives_chapters_titles_and_exact_paragraphs(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    chapters = _chapters(TITLES)
    write_pdf(path, "A Quiet Book", "Jane Doe", chapters)
    document = load_document(path)
    assert document.title == "A Quiet Book"
    assert document.author == "Jane Doe"
    assert [c.title for c in document.chapters] == TITLES
    for chapter, (_, source) in zip(document.chapters, chapters, strict=True):
        assert chapter.text.split("\n\n") == source


def test_running_header_and_page_numbers_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    chapters = _chapters(TITLES, paragraphs_each=20)
    write_pdf(path, "A Quiet Book", "Jane Doe", chapters, running_header="The Quiet Chronicle, volume 2")
    raw = "".join(page.extract_text() for page in PdfReader(path).pages)
    assert "The Quiet Chronicle" in raw and re.search(
        r"Page \d+ of \d+", raw
    )  # the furniture is really there
    document = load_document(path)
    for chapter, (_, source) in zip(document.chapters, chapters, strict=True):
        assert "Quiet Chronicle" not in chapter.text
        assert not re.search(r"Page \d+", chapter.text)
        assert _words(chapter.text) == _words(" ".join(source))


def test_hyphenated_line_ends_are_joined(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    chapters = _chapters(TITLES, paragraphs_each=10)
    write_pdf(path, "A Quiet Book", "Jane Doe", chapters, hyphenate=True)
    raw = "\n".join(page.extract_text() for page in PdfReader(path).pages)
    assert len(re.findall(r"[a-z]-\n[a-z]", raw)) >= 5  # the file really breaks words
    document = load_document(path)
    for chapter, (_, source) in zip(document.chapters, chapters, strict=True):
        assert _words(chapter.text) == _words(" ".join(source))


def test_without_outline_chapter_headings_are_found(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    chapters = _chapters(TITLES)
    write_pdf(path, "A Quiet Book", "Jane Doe", chapters, outline=False, running_header="A Quiet Book")
    assert PdfReader(path).outline == []
    document = load_document(path)
    assert [c.title for c in document.chapters] == TITLES
    assert _words(document.chapters[1].text) == _words(" ".join(chapters[1][1]))


def test_numbered_headings_are_chapters_when_they_count_up(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    titles = ["1. The Storm", "2. The Harbour", "3. The Orchard"]
    write_pdf(path, "A Quiet Book", "", _chapters(titles, paragraphs_each=4), outline=False)
    assert [c.title for c in load_document(path).chapters] == titles


def test_outline_titles_need_not_look_like_headings(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    titles = ["Prologue", "The Long Winter", "Afterword"]
    write_pdf(path, "A Quiet Book", "", _chapters(titles, paragraphs_each=3))
    document = load_document(path)
    assert [c.title for c in document.chapters] == titles
    assert not document.chapters[1].text.startswith("The Long Winter")


def test_no_outline_and_no_headings_is_one_chapter_named_after_the_book(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    write_pdf(path, "A Quiet Book", "", _chapters(["The Storm", "The Harbour"], 3), outline=False)
    document = load_document(path)
    assert [c.title for c in document.chapters] == ["A Quiet Book"]
    assert "The Harbour" in document.chapters[0].text


def test_title_falls_back_to_the_first_line(tmp_path: Path) -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, "The Lighthouse Keeper\n\nShe climbed the stairs every evening to light the lamp.")
    document = load_document_bytes(bytes(pdf.output()), "scan0001.pdf")
    assert document.title == "The Lighthouse Keeper"
    assert document.author == ""


def test_scanned_pdf_needs_ocr(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    write_scanned_pdf(path, pages=3)
    with pytest.raises(DocumentError) as caught:
        load_document(path)
    assert caught.value.code == "no_text_layer"
    assert "OCR" in caught.value.message


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n" + bytes(range(256)) * 20, b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"],
    ids=["garbage", "no-pages-tree"],
)
def test_broken_pdf_is_invalid(data: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, "book.pdf")
    assert caught.value.code == "invalid_document"
    assert "damaged" in caught.value.message


def test_truncated_pdf_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "book.pdf"
    write_pdf(path, "A Quiet Book", "", _chapters(TITLES, 2))
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(path.read_bytes()[:300], "book.pdf")
    assert caught.value.code == "invalid_document"


def _encrypted_pdf(user_password: str) -> bytes:
    pdf = FPDF()
    pdf.set_encryption(owner_password="owner-secret", user_password=user_password)
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.multi_cell(0, 6, "A secret paragraph that only the right reader may hear aloud.")
    return bytes(pdf.output())


def test_password_protected_pdf_says_so() -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(_encrypted_pdf("reader-secret"), "locked.pdf")
    assert caught.value.code == "encrypted_document"
    assert "password" in caught.value.message


def test_pdf_restricted_only_by_an_owner_password_opens() -> None:
    document = load_document_bytes(_encrypted_pdf(""), "restricted.pdf")
    assert "secret paragraph" in document.chapters[0].text


def test_thirty_page_book_reads_whole(tmp_path: Path) -> None:
    path = tmp_path / "long.pdf"
    chapters = [(f"Chapter {n}", english_paragraphs(56, seed=n)) for n in range(1, 6)]
    write_pdf(path, "Long Book", "", chapters, running_header="Long Book", hyphenate=True)
    assert len(PdfReader(path).pages) >= 30
    document = load_document(path)
    assert len(document.chapters) == 5
    assert _words(" ".join(c.text for c in document.chapters)) == _words(
        " ".join(p for _, ps in chapters for p in ps)
    )


@pytest.mark.parametrize(
    "text", ["12", "- 12 -", "— 7 —", "Page 12 of 30", "page 3", "Стр. 12", "12 / 30", "xiv"]
)
def test_page_number_lines(text: str) -> None:
    assert is_page_number(text)


@pytest.mark.parametrize("text", ["IV", "12 angry men", "Chapter 12", "Page one", "1984 was a year"])
def test_lines_that_are_not_page_numbers(text: str) -> None:
    assert not is_page_number(text)


def _page(number: int, *texts: str) -> list[Line]:
    return [Line(text, number) for text in texts]


def test_running_headers_with_numbers_go_but_chapter_headings_stay() -> None:
    pages = [
        _page(0, "Война и мир — 1", "Глава 1", "Текст первой страницы.", "Стр. 1"),
        _page(1, "Война и мир — 2", "Глава 2", "Текст второй страницы.", "Стр. 2"),
        _page(2, "Война и мир — 3", "Глава 3", "Текст третьей страницы.", "Стр. 3"),
        _page(3, "Война и мир — 4", "Продолжение третьей главы.", "Стр. 4"),
    ]
    kept = [[line.text for line in page] for page in strip_furniture(pages)]
    assert kept == [
        ["Глава 1", "Текст первой страницы."],
        ["Глава 2", "Текст второй страницы."],
        ["Глава 3", "Текст третьей страницы."],
        ["Продолжение третьей главы."],
    ]


def test_a_header_on_too_few_pages_stays() -> None:
    pages = [
        _page(0, "Preface", "Body one."),
        _page(1, "Body two."),
        _page(2, "Body three."),
        _page(3, "Body four."),
    ]
    assert strip_furniture(pages)[0][0].text == "Preface"


@pytest.mark.parametrize(
    ("lines", "joined"),
    [
        (["an exam-", "ple of it"], "an example of it"),
        (["пре-", "красный день"], "прекрасный день"),
        (["a well-", "Known name"], "a well- Known name"),
        (["wait —", "then go"], "wait — then go"),
        (["soft\u00ad", "ware"], "software"),
        (["1990-", "2000"], "1990- 2000"),
    ],
)
def test_join_lines(lines: list[str], joined: str) -> None:
    assert join_lines(lines) == joined


def test_short_line_ending_a_sentence_ends_a_paragraph() -> None:
    full = "This line runs all the way to the right margin of the page and keeps"
    lines = [
        Line(full, 0),
        Line("going until it stops.", 0),
        Line(full, 0),
        Line("going, and then", 0),
        Line(full, 0),
    ]
    assert paragraph_starts(lines) == [True, False, True, False, False]
    assert len(paragraphs(lines, paragraph_starts(lines))) == 2


def test_wider_gap_and_indent_start_paragraphs() -> None:
    lines = [
        Line("First line of the first paragraph that runs to the margin", 0, 72, 700, 11),
        Line("and its last line that also runs fully to the margin.", 0, 72, 686, 11),
        Line("After a gap a new paragraph begins and runs to the margin", 0, 72, 664, 11),
        Line("and ends here at full width as well, to the margin, done.", 0, 72, 650, 11),
        Line("An indented first line begins another paragraph here", 0, 90, 636, 11),
        Line("which continues at the margin for the rest of its lines.", 0, 72, 622, 11),
    ]
    assert paragraph_starts(lines) == [True, False, True, False, True, False]


class _ChapterHeaderPdf(FPDF):
    """Chapter titles as running headers on every page but a chapter's first, like many printed books."""

    chapter = ""
    opening_page = 0

    def header(self) -> None:
        if self.chapter and self.page_no() != self.opening_page:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 6, self.chapter, align="R")
            self.ln(10)


@pytest.mark.parametrize("outline", [False, True], ids=["headings", "outline"])
def test_printed_contents_and_chapter_title_headers(outline: bool) -> None:
    pdf = _ChapterHeaderPdf()
    pdf.set_title("Printed Book")
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 10, "Contents", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("Helvetica", "", 11)
    for number, title in enumerate(TITLES, start=2):
        pdf.cell(0, 6, f"{title} ........ {number * 4}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    chapters = _chapters(TITLES, paragraphs_each=14)
    for title, source in chapters:
        pdf.chapter = title
        pdf.add_page()
        pdf.opening_page = pdf.page_no()
        pdf.set_font("Helvetica", "B", 16)
        if outline:
            pdf.start_section(title)
        pdf.cell(0, 10, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font("Helvetica", "", 11)
        for paragraph in source:
            pdf.multi_cell(0, 5.5, paragraph, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(3)
    data = bytes(pdf.output())
    assert len(PdfReader(io.BytesIO(data)).pages) >= 6  # chapters span pages, so the headers repeat
    document = load_document_bytes(data, "printed.pdf")
    assert [c.title for c in document.chapters] == ["Printed Book", *TITLES]
    assert document.chapters[0].text == "Contents"
    for chapter, (title, source) in zip(document.chapters[1:], chapters, strict=True):
        assert title not in chapter.text
        assert _words(chapter.text) == _words(" ".join(source))


def test_bookmarks_point_into_the_page_when_titles_are_not_printed() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "A few words before any story begins.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for title, text in [
        ("First Story", "The first story is short."),
        ("Second Story", "So is the second one."),
    ]:
        pdf.ln(6)
        pdf.start_section(title)
        pdf.multi_cell(0, 6, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    document = load_document_bytes(bytes(pdf.output()), "stories.pdf")
    assert [(c.title, c.text) for c in document.chapters] == [
        ("stories", "A few words before any story begins."),
        ("First Story", "The first story is short."),
        ("Second Story", "So is the second one."),
    ]


def test_one_line_paragraphs_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "short.pdf"
    source = ["The boats came back to the harbour before the storm.", "Nobody wanted to stay out at sea."]
    write_pdf(path, "Short", "", [("The Harbour", source)], page_numbers=False)
    assert load_document(path).chapters[0].text.split("\n\n") == source
