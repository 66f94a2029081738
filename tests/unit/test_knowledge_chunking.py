"""Notes and PDFs as passages: headings kept, long sections cut at paragraphs, pages cited."""

from __future__ import annotations

import io

import pytest
from fpdf import FPDF

from homevoice.knowledge.chunking import chunk_note, decode_note, pack
from homevoice.knowledge.pdf_text import SourceError, chunk_pdf


def test_sections_keep_their_innermost_heading() -> None:
    text = (
        "Intro before any heading.\n\n"
        "# Garden\n\nTomatoes in May.\n\n"
        "## Greenhouse\n\nVent it on sunny days.\n\n"
        "### Heating\n\n"  # a heading with nothing under it makes no passage
        "## Watering\n\n- mornings\n- evenings\n"
    )
    note = chunk_note("Home/Dacha.md", text, 1200)
    assert note.title == "Dacha"
    assert [(c.ordinal, c.heading, c.text) for c in note.chunks] == [
        (0, None, "Intro before any heading."),
        (1, "Garden", "Tomatoes in May."),
        (2, "Greenhouse", "Vent it on sunny days."),
        (3, "Watering", "mornings\n\nevenings"),
    ]
    assert {(c.path, c.title, c.page) for c in note.chunks} == {("Home/Dacha.md", "Dacha", None)}


def test_a_first_heading_that_repeats_the_title_is_not_a_heading() -> None:
    note = chunk_note("Car.md", "# Car\n\nOil change every 10000 km.\n\n## Tyres\n\nWinter set.", 1200)
    assert [(c.heading, c.text) for c in note.chunks] == [
        (None, "Oil change every 10000 km."),
        ("Tyres", "Winter set."),
    ]


def test_frontmatter_gives_title_and_labels_never_text() -> None:
    text = (
        "---\ntitle: Insurance\naliases: [Страховка, Policy]\ntags:\n  - car\n  - '#money'\n"
        "status: unprocessed\n---\n\nRenewal in March. #todo\n"
    )
    note = chunk_note("Finance/2026 car.md", text, 1200)
    assert note.title == "Insurance"
    assert note.labels == ["Страховка", "Policy", "car", "money", "todo", "2026 car"]
    assert [c.text for c in note.chunks] == ["Renewal in March."]
    assert note.chunks[0].title == "Insurance"


@pytest.mark.parametrize("front", ["---\n[not: a mapping\n---\n", "---\n- a list\n---\n"])
def test_broken_frontmatter_is_text(front: str) -> None:
    note = chunk_note("n.md", front + "Body.", 1200)
    assert note.title == "n"
    assert "Body." in note.chunks[-1].text


def test_markup_is_stripped_and_code_kept() -> None:
    text = (
        "See [[Other note|the other one]] and [a site](https://example.com) **now**.\n\n"
        "![[photo.png]] %%private comment%%\n\n"
        "```bash\nsystemctl restart mosquitto  # ERR-4411\n```\n"
    )
    note = chunk_note("n.md", text, 1200)
    assert (
        note.chunks[0].text == "See the other one and a site now.\n\nsystemctl restart mosquitto # ERR-4411"
    )


def test_long_sections_split_at_paragraph_boundaries_under_the_limit() -> None:
    paragraphs = [f"Paragraph {n} " + "word " * 40 for n in range(12)]
    note = chunk_note("n.md", "## Long\n\n" + "\n\n".join(paragraphs), 600)
    assert len(note.chunks) > 1
    assert all(len(c.text) <= 600 and c.heading == "Long" for c in note.chunks)
    joined = "\n\n".join(c.text for c in note.chunks)
    assert joined == "\n\n".join(p.strip() for p in paragraphs)  # nothing lost, nothing cut mid-paragraph


def test_a_paragraph_longer_than_the_limit_splits_at_sentences_then_words() -> None:
    sentences = " ".join(f"Sentence number {n} says something rather ordinary." for n in range(30))
    passages = pack([sentences, "x" * 450], 200)
    assert all(len(p) <= 200 for p in passages)
    assert passages[0].startswith("Sentence number 0 says") and passages[0].endswith(".")
    assert "".join(passages).replace("\n", "").replace(" ", "").count("x") == 450


def test_an_empty_note_has_no_passages() -> None:
    assert chunk_note("e.md", "---\ntitle: Empty\n---\n", 1200).chunks == []


def test_a_bom_and_invalid_bytes_do_not_lose_the_note() -> None:
    assert decode_note(b"\xef\xbb\xbfHello \xff there") == "Hello \ufffd there"


def _pdf(pages: list[str], password: str | None = None) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    if password:
        pdf.set_encryption(owner_password="owner", user_password=password)
    out = io.BytesIO()
    pdf.output(out)
    return out.getvalue()


def test_pdf_passages_cite_their_page() -> None:
    data = _pdf(["Warranty terms for the boiler.", "Error E119 means low water pressure.", ""])
    document = chunk_pdf("Files/Boiler manual.pdf", data, 1200)
    assert document.title == "Boiler manual"
    assert [(c.page, c.heading, c.text) for c in document.chunks] == [
        (1, None, "Warranty terms for the boiler."),
        (2, None, "Error E119 means low water pressure."),
    ]


def test_a_long_pdf_page_keeps_its_page_on_every_part() -> None:
    page = " ".join(f"Line {n} of the long page has some words." for n in range(60))
    document = chunk_pdf("long.pdf", _pdf(["Short.", page]), 300)
    assert len(document.chunks) > 3
    assert [c.page for c in document.chunks] == [1] + [2] * (len(document.chunks) - 1)
    assert [c.ordinal for c in document.chunks] == list(range(len(document.chunks)))


def test_an_encrypted_pdf_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="password"):
        chunk_pdf("secret.pdf", _pdf(["Hidden."], password="secret"), 1200)


@pytest.mark.parametrize("data", [b"", b"%PDF-1.4 garbage", b"not a pdf at all"])
def test_a_damaged_pdf_is_a_source_error(data: bytes) -> None:
    with pytest.raises(SourceError):
        chunk_pdf("broken.pdf", data, 1200)


def test_a_pdf_without_text_is_a_source_error() -> None:
    with pytest.raises(SourceError, match="no text layer"):
        chunk_pdf("scan.pdf", _pdf(["", ""]), 1200)
