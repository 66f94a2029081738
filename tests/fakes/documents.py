"""Real documents to read aloud: PDFs made with fpdf2, EPUBs zipped by hand, and prose to fill them.

Everything is deterministic, so a test or a benchmark gets the same bytes on every run.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from html import escape
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

# --- prose ---------------------------------------------------------------------------------------

_NAMES = ["Anna", "Thomas", "Clara", "Edmund", "Margaret", "Oliver", "Helen", "Samuel", "Lucy", "Arthur"]
_PLACES = [
    "the lighthouse", "the old harbour", "the northern valley", "the market square", "the library",
    "the orchard", "the railway station", "the mountain pass", "the riverbank", "the cathedral",
]  # fmt: skip
_ADJECTIVES = [
    "quiet", "remarkable", "ancient", "weathered", "peculiar", "gentle", "enormous", "forgotten",
    "brilliant", "melancholy", "restless", "extraordinary", "crooked", "luminous", "unexpected",
]  # fmt: skip
_NOUNS = [
    "letter", "garden", "lantern", "conversation", "journey", "window", "harvest", "promise", "storm",
    "staircase", "photograph", "instrument", "neighbourhood", "manuscript", "expedition", "silence",
]  # fmt: skip
_VERBS = [
    "remembered", "discovered", "examined", "considered", "imagined", "described", "followed",
    "abandoned", "questioned", "understood", "recognised", "celebrated",
]  # fmt: skip
_FEELINGS = ["curious", "uneasy", "hopeful", "tired", "delighted", "thoughtful", "determined", "surprised"]
_TIMES = [
    "In the morning", "Later that evening", "Before the winter came", "After a long pause",
    "For a while", "Once the rain had stopped", "Much later", "On the following day",
]  # fmt: skip
_TEMPLATES = [
    "{Time}, {name} walked to {place} and {verb} the {adj} {noun}.",
    "Nobody in the village had ever seen such {a_adj} {noun} before.",
    "{name} felt {feeling}, because the {noun} reminded everyone of {place}.",
    "It was {a_adj} day, and the {noun} seemed larger than anyone {verb} at first.",
    "\"We should go back to {place},\" said {name}, looking at the {adj} {noun}.",
    "The {noun} had been {adj} for years, yet {name} never {verb} why.",
    "{Time}, the whole family gathered near {place} to talk about the {noun}.",
    "Was the {noun} really as {adj} as the stories claimed?",
    "{name} and {other} {verb} the {noun} together, saying very little.",
    "Somewhere beyond {place}, {a_adj} {noun} was waiting to be found.",
    "Everyone agreed that the {noun} was {adj}, although {name} remained {feeling}.",
    "The light over {place} turned {adj}, and the {noun} disappeared from view.",
]  # fmt: skip


def _sentence(rng: random.Random) -> str:
    template = rng.choice(_TEMPLATES)
    name, other = rng.sample(_NAMES, 2)
    adj = rng.choice(_ADJECTIVES)
    return template.format(
        Time=rng.choice(_TIMES),
        name=name,
        other=other,
        place=rng.choice(_PLACES),
        adj=adj,
        a_adj=f"an {adj}" if adj[0] in "aeiou" else f"a {adj}",
        noun=rng.choice(_NOUNS),
        verb=rng.choice(_VERBS),
        feeling=rng.choice(_FEELINGS),
    )


def english_paragraphs(count: int, seed: int = 0) -> list[str]:
    """``count`` paragraphs of 3 to 6 plain English sentences, the same for the same seed."""
    rng = random.Random(seed)
    return [" ".join(_sentence(rng) for _ in range(rng.randint(3, 6))) for _ in range(count)]


# --- images --------------------------------------------------------------------------------------


def tiny_png(width: int = 2, height: int = 2) -> bytes:
    """A valid RGB PNG of a few pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    rows = b"".join(
        b"\x00" + bytes(v for x in range(width) for v in (200, (60 + 40 * y) % 256, (30 + 50 * x) % 256))
        for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


# --- PDF -----------------------------------------------------------------------------------------


class _BookPdf(FPDF):
    def __init__(self, running_header: str | None, page_numbers: bool) -> None:
        super().__init__(format="A4")
        self._running_header = running_header
        self._page_numbers = page_numbers

    def header(self) -> None:
        if self._running_header:
            self.set_font("Helvetica", "I", 8)
            self.cell(0, 6, self._running_header, align="C")
            self.ln(10)

    def footer(self) -> None:
        if self._page_numbers:
            self.set_y(-15)
            self.set_font("Helvetica", "", 8)
            self.cell(0, 10, f"Page {self.page_no()} of {{nb}}", align="C")


def _hyphenated_lines(pdf: FPDF, paragraph: str) -> list[str]:
    """The paragraph wrapped to the page width, long words broken with a hyphen at the line end."""
    limit = pdf.epw * 0.97
    lines: list[str] = []
    line = ""
    for word in paragraph.split():
        candidate = f"{line} {word}" if line else word
        if pdf.get_string_width(candidate) <= limit:
            line = candidate
            continue
        split = 0
        for k in range(len(word) - 3, 2, -1):
            head = f"{line} {word[:k]}-" if line else f"{word[:k]}-"
            if word[:k].isalpha() and word[k].islower() and pdf.get_string_width(head) <= limit:
                split = k
                break
        if split:
            lines.append(f"{line} {word[:split]}-" if line else f"{word[:split]}-")
            line = word[split:]
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def write_pdf(
    path: Path,
    title: str,
    author: str,
    chapters: list[tuple[str, list[str]]],
    *,
    outline: bool = True,
    running_header: str | None = None,
    page_numbers: bool = True,
    hyphenate: bool = False,
    font_size: int = 11,
) -> None:
    """A real text PDF: each chapter on a new page under a bold title, bookmarked when ``outline``."""
    pdf = _BookPdf(running_header, page_numbers)
    pdf.set_title(title)
    pdf.set_author(author)
    pdf.set_auto_page_break(True, margin=22)
    line_height = font_size * 0.5
    for chapter_title, paragraphs in chapters:
        pdf.add_page()
        pdf.set_font("Helvetica", "B", font_size + 5)
        if outline:
            pdf.start_section(chapter_title)
        pdf.multi_cell(0, line_height * 1.5, chapter_title, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(line_height)
        pdf.set_font("Helvetica", "", font_size)
        for paragraph in paragraphs:
            if hyphenate:
                text, align = "\n".join(_hyphenated_lines(pdf, paragraph)), "L"
            else:
                text, align = paragraph, "J"
            pdf.multi_cell(0, line_height, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
            pdf.ln(line_height * 0.6)
    pdf.output(str(path))


def write_scanned_pdf(path: Path, pages: int = 2) -> None:
    """Pages that only hold pictures (an image and drawn shapes), like a scan without OCR."""
    pdf = FPDF(format="A4")
    image = tiny_png(8, 8)
    for number in range(pages):
        pdf.add_page()
        pdf.image(image, x=20, y=20, w=170, h=240)
        pdf.set_draw_color(40, 40, 40)
        for row in range(30):
            pdf.line(25, 30 + row * 7.5, 185 - (row * 13 + number * 7) % 50, 30 + row * 7.5)
        pdf.rect(15, 15, 180, 260)
    pdf.output(str(path))


# --- EPUB ----------------------------------------------------------------------------------------

_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="OEBPS/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""


def epub_archive(
    members: dict[str, str | bytes], *, mimetype: bytes | None = b"application/epub+zip"
) -> bytes:
    """A zip laid out as EPUB wants: ``mimetype`` stored first and uncompressed, then ``members``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if mimetype is not None:
            archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        for name, content in members.items():
            data = content.encode("utf-8") if isinstance(content, str) else content
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _xhtml(title: str, body: str, language: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        f'<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" '
        f'xml:lang="{language}" lang="{language}">\n'
        f"<head><title>{escape(title)}</title><style>p {{ text-indent: 1em; }}</style></head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )


def _nav(chapters: list[tuple[str, str]], language: str) -> str:
    items = "\n".join(f'<li><a href="{href}">{escape(title)}</a></li>' for href, title in chapters)
    body = f'<nav epub:type="toc" id="toc"><h1>Contents</h1><ol>\n{items}\n</ol></nav>'
    return _xhtml("Contents", body, language)


def _ncx(title: str, chapters: list[tuple[str, str]]) -> str:
    points = "\n".join(
        f'<navPoint id="np{n}" playOrder="{n}"><navLabel><text>{escape(t)}</text></navLabel>'
        f'<content src="{href}"/></navPoint>'
        for n, (href, t) in enumerate(chapters, start=1)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">\n'
        '<head><meta name="dtb:uid" content="urn:uuid:homevoice-test"/></head>\n'
        f"<docTitle><text>{escape(title)}</text></docTitle>\n<navMap>\n{points}\n</navMap>\n</ncx>\n"
    )


def write_epub(
    path: Path,
    title: str,
    author: str,
    chapters: list[tuple[str, list[str]]],
    *,
    language: str = "en",
    cover: bytes | None = None,
    epub3: bool = True,
) -> None:
    """A valid EPUB 3 (nav.xhtml) or EPUB 2 (toc.ncx) book, one XHTML file per chapter."""
    members: dict[str, str | bytes] = {"META-INF/container.xml": _CONTAINER}
    manifest = []
    spine = []
    toc: list[tuple[str, str]] = []
    if cover is not None:
        kind = "png" if cover.startswith(b"\x89PNG") else "jpeg"
        members[f"OEBPS/images/cover.{kind}"] = cover
        props = ' properties="cover-image"' if epub3 else ""
        manifest.append(
            f'<item id="cover-image" href="images/cover.{kind}" media-type="image/{kind}"{props}/>'
        )
        members["OEBPS/text/cover.xhtml"] = _xhtml(
            title, f'<img src="../images/cover.{kind}" alt=""/>', language
        )
        manifest.append('<item id="cover" href="text/cover.xhtml" media-type="application/xhtml+xml"/>')
        spine.append('<itemref idref="cover"/>')
    for number, (chapter_title, paragraphs) in enumerate(chapters, start=1):
        href = f"text/chapter_{number:03d}.xhtml"
        body = f"<h1>{escape(chapter_title)}</h1>\n" + "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        members[f"OEBPS/{href}"] = _xhtml(chapter_title, body, language)
        manifest.append(f'<item id="c{number}" href="{href}" media-type="application/xhtml+xml"/>')
        spine.append(f'<itemref idref="c{number}"/>')
        toc.append((href, chapter_title))
    if epub3:
        members["OEBPS/nav.xhtml"] = _nav(toc, language)
        manifest.append(
            '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>'
        )
        spine.insert(1 if cover is not None else 0, '<itemref idref="nav"/>')
    else:
        members["OEBPS/toc.ncx"] = _ncx(title, toc)
        manifest.append('<item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>')
    cover_meta = '<meta name="cover" content="cover-image"/>' if cover is not None and not epub3 else ""
    manifest_xml, spine_xml = "\n".join(manifest), "\n".join(spine)
    spine_toc = "" if epub3 else ' toc="ncx"'
    modified = '<meta property="dcterms:modified">2026-01-01T00:00:00Z</meta>' if epub3 else ""
    members["OEBPS/content.opf"] = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<package xmlns="http://www.idpf.org/2007/opf" version="{"3.0" if epub3 else "2.0"}" '
        'unique-identifier="uid">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">\n'
        f'<dc:identifier id="uid">urn:uuid:homevoice-test</dc:identifier>\n<dc:title>{escape(title)}</dc:title>\n'
        f"<dc:creator>{escape(author)}</dc:creator>\n<dc:language>{language}</dc:language>\n"
        f"{cover_meta}{modified}\n</metadata>\n"
        f"<manifest>\n{manifest_xml}\n</manifest>\n"
        f"<spine{spine_toc}>\n{spine_xml}\n</spine>\n"
        "</package>\n"
    )
    path.write_bytes(epub_archive(members))
