"""The podcast feed's XML: RSS 2.0 with iTunes tags, as podcast apps parse it."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from email.utils import parsedate_to_datetime
from typing import Any

import pytest

from homevoice.audiobooks.feed import CONTENT_NS, ITUNES_NS, clean, clock, podcast_feed
from homevoice.audiobooks.library import BookFile, BookRecord, ChapterMark

IT = f"{{{ITUNES_NS}}}"
BASE = "https://home.example.net"
SECRET = "s3cret-Token_0123456789abcdefghij"


def m4b_book(title: str = "The Hobbit", author: str = "J. R. R. Tolkien", **changes: Any) -> BookRecord:
    record = BookRecord(
        id="hobbit-1",
        title=title,
        author=author,
        language="en",
        voice="joe-us",
        created_at=1_700_000_000.0,
        duration=3725.4,
        format="m4b",
        files=(
            BookFile("book.m4b", "audio/mp4", 1_234_567, 3725.4, title),
            BookFile("cover.jpg", "image/jpeg", 2_000, 0.0, title, kind="cover"),
            BookFile("book.vtt", "text/vtt", 500, 0.0, title, kind="subtitles"),
        ),
        chapters=(
            ChapterMark("An Unexpected Party", 0.0, 1800.0),
            ChapterMark("Roast Mutton", 1800.0, 3725.4),
        ),
    )
    return replace(record, **changes)


def chapter_book() -> BookRecord:
    return BookRecord(
        id="notes-2",
        title="Field Notes",
        author="",
        language="en",
        voice="joe-us",
        created_at=1_710_000_000.0,
        duration=90.0,
        format="mp3",
        files=(
            BookFile("01-intro.mp3", "audio/mpeg", 1000, 30.0, "Intro"),
            BookFile("02-birds.mp3", "audio/mpeg", 2000, 40.0, "Birds"),
            BookFile("03-trees.mp3", "audio/mpeg", 1500, 20.0, "Trees"),
        ),
        chapters=(
            ChapterMark("Intro", 0.0, 30.0),
            ChapterMark("Birds", 30.0, 70.0),
            ChapterMark("Trees", 70.0, 90.0),
        ),
    )


def enclosure(item: ET.Element) -> ET.Element:
    found = item.find("enclosure")
    assert found is not None
    return found


def parse(books: list[BookRecord], **options: str) -> ET.Element:
    body = podcast_feed(books, title="Home shelf", base_url=BASE + "/", secret=SECRET, **options)
    assert body.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    return ET.fromstring(body)


def test_channel_is_rss_2_with_itunes_tags() -> None:
    body = podcast_feed([m4b_book()], title="Home shelf", base_url=BASE, secret=SECRET)
    assert b'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' in body
    assert b'xmlns:content="http://purl.org/rss/1.0/modules/content/"' in body
    rss = ET.fromstring(body)
    assert rss.tag == "rss" and rss.get("version") == "2.0"
    channels = rss.findall("channel")
    assert len(channels) == 1
    channel = channels[0]
    assert channel.findtext("title") == "Home shelf"
    assert channel.findtext("link") == BASE + "/"
    assert channel.findtext("description")
    assert channel.findtext("language") == "en"
    assert channel.findtext(IT + "author") == "Home shelf"
    assert channel.findtext(IT + "summary") == channel.findtext("description")
    assert channel.findtext(IT + "explicit") == "false"
    assert channel.findtext(IT + "block") == "Yes"
    assert channel.findtext(IT + "type") == "episodic"
    category = channel.find(IT + "category")
    assert category is not None and category.get("text") == "Arts"
    image = channel.find(IT + "image")
    assert image is not None
    assert image.get("href") == f"{BASE}/podcast/{SECRET}/books/hobbit-1/cover.jpg"


def test_an_m4b_book_is_one_episode_with_its_chapters() -> None:
    items = parse([m4b_book()]).findall("channel/item")
    assert len(items) == 1  # the cover and the subtitles are no episodes
    item = items[0]
    assert item.findtext("title") == "The Hobbit"
    guid = item.find("guid")
    assert guid is not None and guid.text == "hobbit-1/book.m4b" and guid.get("isPermaLink") == "false"
    published = parsedate_to_datetime(item.findtext("pubDate") or "")
    assert published.tzinfo is not None and published.timestamp() == 1_700_000_000
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.attrib == {
        "url": f"{BASE}/podcast/{SECRET}/books/hobbit-1/book.m4b",
        "length": "1234567",
        "type": "audio/mp4",
    }
    assert item.findtext(IT + "duration") == "01:02:05"
    assert item.findtext(IT + "episode") == "1"
    assert item.findtext(IT + "author") == "J. R. R. Tolkien"
    description = item.findtext("description") or ""
    assert "00:00:00 An Unexpected Party" in description
    assert "00:30:00 Roast Mutton" in description
    encoded = item.findtext(f"{{{CONTENT_NS}}}encoded") or ""
    assert "<li>00:30:00 Roast Mutton</li>" in encoded
    item_image = item.find(IT + "image")
    assert item_image is not None and item_image.get("href", "").endswith("/books/hobbit-1/cover.jpg")


def test_a_per_chapter_book_is_one_episode_per_chapter() -> None:
    channel = parse([m4b_book(), chapter_book()]).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert len(items) == 4
    chapters = [i for i in items if (i.findtext("guid") or "").startswith("notes-2/")]
    assert [i.findtext("title") for i in chapters] == [
        "Field Notes — Intro",
        "Field Notes — Birds",
        "Field Notes — Trees",
    ]
    assert [i.findtext("guid") for i in chapters] == [
        "notes-2/01-intro.mp3",
        "notes-2/02-birds.mp3",
        "notes-2/03-trees.mp3",
    ]
    assert [i.findtext(IT + "episode") for i in chapters] == ["1", "2", "3"]
    assert [i.findtext(IT + "duration") for i in chapters] == ["00:00:30", "00:00:40", "00:00:20"]
    dates = [parsedate_to_datetime(i.findtext("pubDate") or "") for i in chapters]
    assert dates == sorted(dates) and len(set(dates)) == 3  # apps sorting by date keep the order
    assert [enclosure(i).get("length") for i in chapters] == ["1000", "2000", "1500"]
    # Each chapter's description lists the chapter it holds, from its own start.
    assert "00:00:00 Birds" in (chapters[1].findtext("description") or "")
    assert "Intro" not in (chapters[1].findtext("description") or "").split("Chapters:")[1]
    assert channel.findtext("language") == "en"  # shared by both books


def test_every_item_has_the_fields_podcast_apps_need() -> None:
    for item in parse([m4b_book(), chapter_book()]).iter("item"):
        for tag in ("title", "guid", "pubDate", "description"):
            assert item.findtext(tag), tag
        enclosure = item.find("enclosure")
        assert enclosure is not None
        assert enclosure.get("url", "").startswith(f"{BASE}/podcast/{SECRET}/books/")
        assert int(enclosure.get("length", "")) > 0
        assert enclosure.get("type", "").startswith("audio/")
        assert re.fullmatch(r"\d\d:[0-5]\d:[0-5]\d", item.findtext(IT + "duration") or "")
        parsedate_to_datetime(item.findtext("pubDate") or "")


def test_the_same_books_give_the_same_feed() -> None:
    books = [chapter_book(), m4b_book()]
    first = podcast_feed(books, title="t", base_url=BASE, secret=SECRET)
    assert podcast_feed(books, title="t", base_url=BASE, secret=SECRET) == first


def test_hostile_titles_stay_valid_xml() -> None:
    hostile = 'A <b>&amp; "Q" ]]> \x00\x01\x08\x0b\x1b\ufffe\ud800 end & <!-- x -->'
    book = m4b_book(title=hostile, author="<script>alert(1)</script>\x07", voice="v\x0c")
    body = podcast_feed([book], title="Shelf \x02 <&>", base_url=BASE, secret=SECRET)
    rss = ET.fromstring(body)  # raises on anything XML 1.0 forbids
    item = rss.find("channel/item")
    assert item is not None
    expected = 'A <b>&amp; "Q" ]]>  end & <!-- x -->'
    assert item.findtext("title") == expected
    assert item.findtext(IT + "author") == "<script>alert(1)</script>"
    assert rss.findtext("channel/title") == "Shelf  <&>"
    assert b"<script>" not in body  # escaped in the bytes, only text once parsed
    encoded = item.findtext(f"{{{CONTENT_NS}}}encoded") or ""
    assert "&lt;b&gt;&amp;amp;" in encoded  # HTML-escaped inside, so apps show the title, not markup


def test_file_names_are_quoted_in_urls() -> None:
    book = m4b_book(
        files=(BookFile("part one & two?.m4b", "audio/mp4", 10, 1.0, "x"),),
    )
    item = parse([book]).find("channel/item")
    assert item is not None
    enclosure = item.find("enclosure")
    assert enclosure is not None
    assert enclosure.get("url") == f"{BASE}/podcast/{SECRET}/books/hobbit-1/part%20one%20%26%20two%3F.m4b"


def test_an_empty_library_is_a_valid_feed() -> None:
    rss = parse([])
    assert rss.find("channel/item") is None
    assert rss.findtext("channel/title") == "Home shelf"
    assert rss.find(f"channel/{IT}image") is None


def test_language() -> None:
    other = m4b_book(id="other", language="ru")
    assert parse([m4b_book(), other]).find("channel/language") is None
    assert parse([m4b_book(), other], language="de").findtext("channel/language") == "de"


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "00:00:00"), (59.4, "00:00:59"), (59.6, "00:01:00"), (3725.4, "01:02:05"), (360_000, "100:00:00")],
)
def test_clock(seconds: float, text: str) -> None:
    assert clock(seconds) == text


def test_clean_keeps_what_xml_allows() -> None:
    assert clean("tab\tline\nret\r ok ü 😀") == "tab\tline\nret\r ok ü 😀"
    assert clean("\x00\x1f\ud83d\uffff") == ""
