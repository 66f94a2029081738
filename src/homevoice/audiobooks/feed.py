"""The private podcast feed: finished audiobooks as an RSS 2.0 feed with iTunes tags.

Podcast apps are the easiest way to listen on a phone: they download in the background, remember the
position and skip silence. The feed lives behind a secret path and asks directories not to list it.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Sequence
from email.utils import formatdate
from urllib.parse import quote

from homevoice import __version__
from homevoice.audiobooks.library import BookFile, BookRecord

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DEFAULT_DESCRIPTION = "Documents read aloud by homevoice, a private voice server."

ET.register_namespace("itunes", ITUNES_NS)
ET.register_namespace("content", CONTENT_NS)

# Everything XML 1.0 forbids: control characters but tab and newlines, lone surrogates, U+FFFE/U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def podcast_path(secret: str) -> str:
    """The secret folder every podcast URL lives under."""
    return f"/podcast/{quote(secret, safe='')}"


def feed_url(base_url: str, secret: str) -> str:
    return f"{base_url.rstrip('/')}{podcast_path(secret)}/feed.xml"


def book_file_url(base_url: str, secret: str, book_id: str, name: str) -> str:
    return (
        f"{base_url.rstrip('/')}{podcast_path(secret)}/books/{quote(book_id, safe='')}/{quote(name, safe='')}"
    )


def clock(seconds: float) -> str:
    """``HH:MM:SS``, as ``itunes:duration`` and chapter lists show it."""
    total = max(0, int(seconds + 0.5))
    return f"{total // 3600:02d}:{total % 3600 // 60:02d}:{total % 60:02d}"


def clean(text: str) -> str:
    """Text XML 1.0 can carry: a title from a hostile PDF must not break every podcast app's parser."""
    return _NOT_XML.sub("", text)


def podcast_feed(
    books: Sequence[BookRecord],
    *,
    title: str,
    base_url: str,
    secret: str,
    language: str = "",
    description: str = DEFAULT_DESCRIPTION,
) -> bytes:
    """The feed's XML (UTF-8): one episode per audio file of each book, newest book first.

    ``language`` empty takes the language every book shares, if they share one.
    """
    base = base_url.rstrip("/")
    rss = ET.Element("rss", {"version": "2.0"})
    channel = ET.SubElement(rss, "channel")
    _text(channel, "title", title)
    _text(channel, "link", f"{base}/")
    _text(channel, "description", description)
    language = language or _shared_language(books)
    if language:
        _text(channel, "language", language)
    _text(channel, "generator", f"homevoice {__version__}")
    if books:
        _text(channel, "lastBuildDate", formatdate(max(b.created_at for b in books), usegmt=True))
    _text(channel, _it("author"), title)
    _text(channel, _it("summary"), description)
    _text(channel, _it("explicit"), "false")
    _text(channel, _it("type"), "episodic")
    # Keeps the feed out of Apple's and other directories even if its address leaks.
    _text(channel, _it("block"), "Yes")
    category = ET.SubElement(channel, _it("category"), {"text": "Arts"})
    ET.SubElement(category, _it("category"), {"text": "Books"})
    cover = next((c for c in (_cover(b) for b in books) if c is not None), None)
    if cover is not None:
        book, entry = cover
        ET.SubElement(
            channel, _it("image"), {"href": clean(book_file_url(base, secret, book.id, entry.name))}
        )
    for book in books:
        for item in _items(book, base, secret):
            channel.append(item)
    ET.indent(rss)
    body: bytes = ET.tostring(rss, encoding="utf-8", xml_declaration=True)
    return body


def _items(book: BookRecord, base: str, secret: str) -> list[ET.Element]:
    audio = book.audio_files
    cover = _cover(book)
    items: list[ET.Element] = []
    offset = 0.0  # where this file starts in the whole book, to find its chapters
    for number, entry in enumerate(audio, start=1):
        item = ET.Element("item")
        whole = len(audio) == 1
        episode_title = book.title if whole or not entry.title else f"{book.title} — {entry.title}"
        summary = _summary(book, entry, number, len(audio), offset)
        _text(item, "title", episode_title)
        _text(item, "guid", f"{book.id}/{entry.name}").set("isPermaLink", "false")
        # Chapters of one book a second apart, so apps that sort by date keep them in order.
        _text(item, "pubDate", formatdate(book.created_at + number - 1, usegmt=True))
        url = book_file_url(base, secret, book.id, entry.name)
        ET.SubElement(
            item,
            "enclosure",
            {"url": clean(url), "length": str(entry.bytes), "type": clean(entry.media_type)},
        )
        _text(item, "description", summary)
        _text(item, f"{{{CONTENT_NS}}}encoded", _summary_html(book, entry, number, len(audio), offset))
        if book.author:
            _text(item, _it("author"), book.author)
        _text(item, _it("summary"), summary)
        _text(item, _it("duration"), clock(entry.duration))
        _text(item, _it("episode"), str(number))
        _text(item, _it("episodeType"), "full")
        _text(item, _it("explicit"), "false")
        if cover is not None:
            cover_url = book_file_url(base, secret, book.id, cover[1].name)
            ET.SubElement(item, _it("image"), {"href": clean(cover_url)})
        items.append(item)
        offset += entry.duration
    return items


def _chapters_in(book: BookRecord, start: float, duration: float) -> list[tuple[float, str]]:
    """The chapters that begin inside one file, with times from the file's start."""
    end = start + duration
    whole = len(book.audio_files) == 1  # a whole-book file holds every mark, rounding or not
    # Half a second of slack: per-chapter files are cut at the marks, durations are rounded.
    return [
        (max(0.0, mark.start - start), mark.title)
        for mark in book.chapters
        if whole or start - 0.5 <= mark.start < end - 0.5
    ]


def _header(book: BookRecord, number: int, count: int) -> str:
    by = f" by {book.author}" if book.author else ""
    voice = f", read by {book.voice}" if book.voice else ""
    if count == 1:
        return f"{book.title}{by}, {clock(book.duration)}{voice}."
    return f"Part {number} of {count} of {book.title}{by}{voice}."


def _summary(book: BookRecord, entry: BookFile, number: int, count: int, offset: float) -> str:
    lines = [_header(book, number, count)]
    chapters = _chapters_in(book, offset, entry.duration)
    if chapters:
        lines += ["", "Chapters:"] + [f"{clock(at)} {name}" for at, name in chapters]
    return "\n".join(lines)


def _summary_html(book: BookRecord, entry: BookFile, number: int, count: int, offset: float) -> str:
    # Escaped as HTML here and once more as XML text by the serialiser, as content:encoded expects.
    parts = [f"<p>{html.escape(_header(book, number, count))}</p>"]
    chapters = _chapters_in(book, offset, entry.duration)
    if chapters:
        rows = "".join(f"<li>{clock(at)} {html.escape(name)}</li>" for at, name in chapters)
        parts.append(f"<ol>{rows}</ol>")
    return "".join(parts)


def _cover(book: BookRecord) -> tuple[BookRecord, BookFile] | None:
    entry = next((f for f in book.files if f.kind == "cover"), None)
    return (book, entry) if entry is not None else None


def _shared_language(books: Sequence[BookRecord]) -> str:
    languages = Counter(b.language for b in books if b.language)
    return next(iter(languages)) if len(languages) == 1 else ""


def _it(tag: str) -> str:
    return f"{{{ITUNES_NS}}}{tag}"


def _text(parent: ET.Element, tag: str, text: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = clean(text)
    return element
