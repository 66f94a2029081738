"""EPUB books: both TOC kinds, fragments, covers, languages, and hostile archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from homevoice.audiobooks.document import DocumentError
from homevoice.audiobooks.extract import epub_package, load_document, load_document_bytes
from tests.fakes.documents import english_paragraphs, epub_archive, tiny_png, write_epub

CONTAINER = """<?xml version="1.0"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="{path}" media-type="application/oebps-package+xml"/></rootfiles></container>"""


def _opf(
    manifest: str, spine: str, *, metadata: str = "<dc:title>Hand Made</dc:title>", toc: str = ""
) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">{metadata}</metadata>
<manifest>{manifest}</manifest><spine{toc}>{spine}</spine></package>"""


def _page(body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml" '
        f'xmlns:epub="http://www.idpf.org/2007/ops"><head><title>t</title></head><body>{body}</body></html>'
    )


def _nav(items: str) -> str:
    return _page(f'<nav epub:type="toc"><h1>Contents</h1><ol>{items}</ol></nav>')


def _book(files: dict[str, str], manifest: str, spine: str, **opf: str) -> bytes:
    members: dict[str, str | bytes] = {"META-INF/container.xml": CONTAINER.format(path="OPS/book.opf")}
    members["OPS/book.opf"] = _opf(manifest, spine, **opf)
    members.update({f"OPS/{name}": text for name, text in files.items()})
    return epub_archive(members)


def _item(item_id: str, href: str, props: str = "") -> str:
    extra = f' properties="{props}"' if props else ""
    return f'<item id="{item_id}" href="{href}" media-type="application/xhtml+xml"{extra}/>'


CHAPTERS = [
    ("The Storm", english_paragraphs(3, seed=1)),
    ("The Harbour", english_paragraphs(2, seed=2)),
    ("The Orchard", english_paragraphs(4, seed=3)),
]


@pytest.mark.parametrize("epub3", [True, False], ids=["epub3-nav", "epub2-ncx"])
def test_chapters_metadata_and_cover(tmp_path: Path, epub3: bool) -> None:
    path = tmp_path / "book.epub"
    cover = tiny_png()
    write_epub(path, "A Quiet Book", "Jane Doe", CHAPTERS, language="en-GB", cover=cover, epub3=epub3)
    document = load_document(path)
    assert document.title == "A Quiet Book"
    assert document.author == "Jane Doe"
    assert document.language == "en"
    assert document.cover is not None
    assert (document.cover.data, document.cover.media_type) == (cover, "image/png")
    assert [c.title for c in document.chapters] == [title for title, _ in CHAPTERS]
    for chapter, (_, paragraphs) in zip(document.chapters, CHAPTERS, strict=True):
        assert chapter.text == "\n\n".join(paragraphs)  # no repeated heading, no TOC page text


def test_cyrillic_book(tmp_path: Path) -> None:
    path = tmp_path / "книга.epub"
    chapters = [
        ("Глава 1. Начало", ["Это был тёплый вечер.", "Все «ждали» новостей — и дождались."]),
        ("Глава 2. Дорога", ["Дорога вела на север & дальше."]),
    ]
    write_epub(path, "Война и мир", "Лев Толстой", chapters, language="ru")
    document = load_document(path)
    assert (document.title, document.author, document.language) == ("Война и мир", "Лев Толстой", "ru")
    assert [c.title for c in document.chapters] == ["Глава 1. Начало", "Глава 2. Дорога"]
    assert document.chapters[0].text == "Это был тёплый вечер.\n\nВсе «ждали» новостей — и дождались."
    assert document.chapters[1].text == "Дорога вела на север & дальше."
    assert document.cover is None


def test_toc_fragments_split_one_file_and_join_across_files() -> None:
    files = {
        "nav.xhtml": _nav(
            '<li><a href="text/one.xhtml#c1">First</a></li>'
            '<li><a href="text/one.xhtml#c2">Second</a></li>'
            '<li><a href="text/two.xhtml">Third</a></li>'
        ),
        "text/one.xhtml": _page(
            "<p>Front matter nobody listed.</p>"
            '<h2 id="c1">First</h2><p>Alpha one<span epub:type="pagebreak" id="p7"/> continues here.</p>'
            '<section id="c2"><h2>Second</h2><p>Beta one.</p></section>'
        ),
        "text/one-b.xhtml": _page("<p>Beta two, in the next file.</p>"),
        "text/two.xhtml": _page("<h1>Third</h1><p>Gamma.</p>"),
    }
    manifest = (
        _item("nav", "nav.xhtml", "nav")
        + _item("a", "text/one.xhtml")
        + _item("b", "text/one-b.xhtml")
        + _item("c", "text/two.xhtml")
    )
    spine = '<itemref idref="a"/><itemref idref="b"/><itemref idref="c"/>'
    document = load_document_bytes(_book(files, manifest, spine), "hand.epub")
    assert [(c.title, c.text) for c in document.chapters] == [
        ("First", "Alpha one continues here."),
        ("Second", "Beta one.\n\nBeta two, in the next file."),
        ("Third", "Gamma."),
    ]


def test_nested_toc_uses_the_top_level_and_descends_a_lone_wrapper() -> None:
    files = {
        "nav.xhtml": _nav(
            '<li><a href="a.xhtml">Whole Book</a><ol>'
            '<li><a href="a.xhtml">Part One</a><ol><li><a href="a.xhtml#s">Section</a></li></ol></li>'
            '<li><a href="b.xhtml">Part Two</a></li>'
            "</ol></li>"
        ),
        "a.xhtml": _page('<p>Opening words.</p><h3 id="s">Section</h3><p>Inner words.</p>'),
        "b.xhtml": _page("<p>Closing words.</p>"),
    }
    manifest = _item("nav", "nav.xhtml", "nav") + _item("a", "a.xhtml") + _item("b", "b.xhtml")
    document = load_document_bytes(
        _book(files, manifest, '<itemref idref="a"/><itemref idref="b"/>'), "x.epub"
    )
    assert [(c.title, c.text) for c in document.chapters] == [
        ("Part One", "Opening words.\n\nSection\n\nInner words."),
        ("Part Two", "Closing words."),
    ]


def test_without_toc_each_spine_document_is_a_chapter_titled_by_its_heading() -> None:
    files = {
        "a.xhtml": _page("<h1>Morning</h1><p>Sun &amp; tea&nbsp;time.</p><script>var x = 1;</script>"),
        "img.xhtml": _page('<img src="pic.png" alt="A picture"/>'),
        "b.xhtml": _page("<style>p { color: red }</style><p>No heading<br/>here.</p>"),
    }
    manifest = _item("a", "a.xhtml") + _item("i", "img.xhtml") + _item("b", "b.xhtml")
    spine = '<itemref idref="a"/><itemref idref="i"/><itemref idref="b"/>'
    document = load_document_bytes(_book(files, manifest, spine), "My_Day.epub")
    assert document.title == "Hand Made"
    assert [(c.title, c.text) for c in document.chapters] == [
        ("Morning", "Sun & tea time."),
        ("Chapter 2", "No heading\n\nhere."),
    ]


def test_cover_from_meta_name_cover_as_jpeg() -> None:
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00" * 32
    files = {"c.xhtml": _page("<p>Words.</p>"), "cover.jpg": ""}
    manifest = _item("c", "c.xhtml") + '<item id="img" href="cover.jpg" media-type="image/jpeg"/>'
    data = _book(files, manifest, '<itemref idref="c"/>', metadata='<meta name="cover" content="img"/>')
    data = _replace_member(data, "OPS/cover.jpg", jpeg)
    document = load_document_bytes(data, "book.epub")
    assert document.cover is not None
    assert (document.cover.data, document.cover.media_type) == (jpeg, "image/jpeg")


def _replace_member(data: bytes, name: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == name else source.read(info))
    return out.getvalue()


def test_authors_by_role_and_language_codes() -> None:
    metadata = (
        "<dc:title>T</dc:title>"
        '<dc:creator id="a1">Ann Writer</dc:creator><dc:creator id="a2">Ed Itor</dc:creator>'
        '<meta refines="#a1" property="role">aut</meta><meta refines="#a2" property="role">edt</meta>'
        "<dc:language>rus</dc:language>"
    )
    data = _book(
        {"c.xhtml": _page("<p>Words.</p>")}, _item("c", "c.xhtml"), '<itemref idref="c"/>', metadata=metadata
    )
    document = load_document_bytes(data, "x.epub")
    assert (document.author, document.language) == ("Ann Writer", "ru")


def test_zip_bomb_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(epub_package, "MAX_UNCOMPRESSED_BYTES", 50_000)
    files = {"c.xhtml": _page("<p>" + "word " * 20_000 + "</p>")}
    data = _book(files, _item("c", "c.xhtml"), '<itemref idref="c"/>')
    assert len(data) < 50_000  # small on disk, large unpacked
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, "bomb.epub")
    assert caught.value.code == "invalid_document"
    assert "unpack" in caught.value.message


def test_package_path_outside_the_archive_is_refused() -> None:
    data = epub_archive({"META-INF/container.xml": CONTAINER.format(path="../../etc/passwd")})
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, "evil.epub")
    assert caught.value.code == "invalid_document"
    assert "outside" in caught.value.message


def test_hostile_hrefs_are_ignored() -> None:
    files = {
        "nav.xhtml": _nav(
            '<li><a href="../../../etc/passwd">Escape</a></li><li><a href="c.xhtml">Real</a></li>'
        ),
        "c.xhtml": _page("<p>Only this.</p>"),
    }
    manifest = (
        _item("nav", "nav.xhtml", "nav")
        + _item("c", "c.xhtml")
        + '<item id="x" href="../../../../etc/hostname" media-type="application/xhtml+xml"/>'
    )
    data = _book(files, manifest, '<itemref idref="x"/><itemref idref="c"/>')
    data = _add_member(data, "../outside.xhtml", _page("<p>Never read.</p>"))
    document = load_document_bytes(data, "x.epub")
    assert [(c.title, c.text) for c in document.chapters] == [("Real", "Only this.")]


def _add_member(data: bytes, name: str, content: str) -> bytes:
    out = io.BytesIO(data)
    with zipfile.ZipFile(out, "a") as archive:
        archive.writestr(name, content)
    return out.getvalue()


def test_drm_protected_book_says_so() -> None:
    encryption = (
        '<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" '
        'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:EncryptedData><enc:CipherData>'
        '<enc:CipherReference URI="OPS/c.xhtml"/></enc:CipherData></enc:EncryptedData></encryption>'
    )
    data = _book({"c.xhtml": _page("<p>x</p>")}, _item("c", "c.xhtml"), '<itemref idref="c"/>')
    data = _add_member(data, "META-INF/encryption.xml", encryption)
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, "drm.epub")
    assert caught.value.code == "encrypted_document"


@pytest.mark.parametrize(
    "members",
    [
        {"OPS/book.opf": "<package/>"},
        {"META-INF/container.xml": "<container><rootfiles>"},
        {"META-INF/container.xml": CONTAINER.format(path="OPS/missing.opf")},
    ],
    ids=["no-container", "broken-xml", "missing-package"],
)
def test_broken_books_are_invalid(members: dict[str, str | bytes]) -> None:
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(epub_archive(members), "broken.epub")
    assert caught.value.code == "invalid_document"


def test_truncated_zip_is_invalid(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    write_epub(path, "A Quiet Book", "Jane Doe", CHAPTERS)
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(path.read_bytes()[:-200], "book.epub")
    assert caught.value.code == "invalid_document"


def test_book_of_images_only_is_empty() -> None:
    data = _book({"c.xhtml": _page('<img src="a.png"/>')}, _item("c", "c.xhtml"), '<itemref idref="c"/>')
    with pytest.raises(DocumentError) as caught:
        load_document_bytes(data, "pictures.epub")
    assert caught.value.code == "empty_document"
