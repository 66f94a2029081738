"""The private podcast feed and /v1/audiobooks over real HTTP: a real M4B, ranges, secrets, keys."""

from __future__ import annotations

import io
import logging
import struct
import time
import xml.etree.ElementTree as ET
import zlib
from collections.abc import Iterator
from dataclasses import replace
from urllib.parse import urlsplit

import av
import httpx
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App, build_app
from homevoice.audiobooks.feed import ITUNES_NS
from homevoice.audiobooks.library import AudiobookLibrary, BookFile, BookRecord, ChapterMark
from homevoice.audiobooks.secret import podcast_secret
from homevoice.settings import load_settings
from tests.fakes.live_server import live_server
from tests.fakes.media import encode, tone

KEY = "podcast-test-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}


def png_1x1() -> bytes:
    """A valid one-pixel PNG, as a book's cover."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x80\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def seconds(m4b: bytes) -> float:
    """The length of AAC audio in an M4B, read back with PyAV."""
    with av.open(io.BytesIO(m4b), mode="r") as container:
        assert container.format.name.startswith("mov,mp4,m4a")
        assert container.streams.audio[0].codec_context.name == "aac"
        assert container.duration is not None
        return float(container.duration / av.time_base)


def publish_m4b(library: AudiobookLibrary, book_id: str, title: str) -> BookRecord:
    """Render-like: AAC in an ``ipod`` container and a cover staged, then published with a record."""
    staging = library.staging_dir(book_id)
    audio = staging / "book.m4b"
    audio.write_bytes(encode(tone(3.0, 22_050), 22_050, "m4a"))
    duration = seconds(audio.read_bytes())
    cover = staging / "cover.png"
    cover.write_bytes(png_1x1())
    record = BookRecord(
        id=book_id,
        title=title,
        author="A. Writer",
        language="en",
        voice="joe-us",
        created_at=time.time(),
        duration=duration,
        format="m4b",
        files=(
            BookFile("book.m4b", "audio/mp4", audio.stat().st_size, duration, title),
            BookFile("cover.png", "image/png", cover.stat().st_size, 0.0, title, kind="cover"),
        ),
        chapters=(ChapterMark("Opening", 0.0, 1.5), ChapterMark("Closing", 1.5, duration)),
        source="story.txt",
    )
    return library.publish(record)


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("podcast-data"), api_keys=[KEY])
    application = build_app(settings)
    yield application
    application.close()


@pytest.fixture(scope="module")
def book(app: App) -> BookRecord:
    return publish_m4b(app.audiobook_library(), "tale-1", "A Tale <of> Two & Three")


@pytest.fixture(scope="module")
def server_url(app: App, book: BookRecord) -> Iterator[str]:
    with live_server(create_api(app)) as url:
        yield url


@pytest.fixture
def owner(server_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server_url, headers=AUTH, timeout=30) as client:
        yield client


@pytest.fixture
def anyone(server_url: str) -> Iterator[httpx.Client]:
    """A podcast app: no API key."""
    with httpx.Client(base_url=server_url, timeout=30) as client:
        yield client


@pytest.fixture
def feed_url(owner: httpx.Client, app: App, server_url: str) -> str:
    answer = owner.get("/v1/audiobooks/podcast")
    assert answer.status_code == 200, answer.text
    url: str = answer.json()["feed_url"]
    assert url == f"{server_url}/podcast/{podcast_secret(app.settings)}/feed.xml"
    return url


def items_by_guid(client: httpx.Client, feed_url: str) -> dict[str, ET.Element]:
    answer = client.get(feed_url)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/rss+xml; charset=utf-8"
    rss = ET.fromstring(answer.content)
    assert rss.get("version") == "2.0"
    return {item.findtext("guid") or "": item for item in rss.iter("item")}


def enclosure_url(item: ET.Element) -> str:
    enclosure = item.find("enclosure")
    assert enclosure is not None
    return enclosure.get("url", "")


def test_the_feed_needs_no_key_while_v1_does(anyone: httpx.Client, feed_url: str) -> None:
    assert anyone.get(feed_url).status_code == 200
    assert anyone.head(feed_url).status_code == 200
    for path in ("/v1/audiobooks", "/v1/audiobooks/podcast", "/v1/audiobooks/tale-1"):
        answer = anyone.get(path)
        assert answer.status_code == 401, path
        assert answer.json()["error"]["code"] == "invalid_api_key"
    # Only paths under /podcast/ are open.
    assert anyone.get("/podcast").status_code == 401
    assert anyone.get("/podcasts/x/feed.xml").status_code == 401


def test_the_feed_lists_the_book_and_its_enclosure_plays(
    anyone: httpx.Client, feed_url: str, book: BookRecord, app: App
) -> None:
    item = items_by_guid(anyone, feed_url)["tale-1/book.m4b"]
    assert item.findtext("title") == "A Tale <of> Two & Three"
    enclosure = item.find("enclosure")
    assert enclosure is not None
    on_disk = (app.audiobook_library().root / "tale-1" / "book.m4b").read_bytes()
    assert enclosure.get("length") == str(len(on_disk)) and enclosure.get("type") == "audio/mp4"
    assert item.findtext(f"{{{ITUNES_NS}}}duration") == "00:00:03"

    answer = anyone.get(enclosure_url(item))
    assert answer.status_code == 200
    assert answer.content == on_disk
    assert answer.headers["content-type"] == "audio/mp4"
    assert answer.headers["accept-ranges"] == "bytes"
    assert seconds(answer.content) == pytest.approx(3.0, abs=0.2)  # what was downloaded plays

    image = item.find(f"{{{ITUNES_NS}}}image")
    assert image is not None
    cover = anyone.get(image.get("href", ""))
    assert cover.status_code == 200 and cover.headers["content-type"] == "image/png"
    assert cover.content.startswith(b"\x89PNG")


def test_the_enclosure_answers_range_requests(anyone: httpx.Client, feed_url: str, app: App) -> None:
    url = enclosure_url(items_by_guid(anyone, feed_url)["tale-1/book.m4b"])
    data = (app.audiobook_library().root / "tale-1" / "book.m4b").read_bytes()
    size = len(data)

    first = anyone.get(url, headers={"Range": "bytes=0-99"})
    assert first.status_code == 206
    assert first.content == data[:100]
    assert first.headers["content-range"] == f"bytes 0-99/{size}"
    assert first.headers["content-length"] == "100"

    rest = anyone.get(url, headers={"Range": "bytes=100-"})
    assert rest.status_code == 206
    assert rest.content == data[100:]
    assert rest.headers["content-range"] == f"bytes 100-{size - 1}/{size}"

    tail = anyone.get(url, headers={"Range": "bytes=-50"})
    assert tail.status_code == 206
    assert tail.content == data[-50:]
    assert tail.headers["content-range"] == f"bytes {size - 50}-{size - 1}/{size}"

    past = anyone.get(url, headers={"Range": f"bytes={size}-"})
    assert past.status_code == 416
    assert past.headers["content-range"] == f"bytes */{size}"

    head = anyone.head(url)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(size) and head.headers["accept-ranges"] == "bytes"


def test_a_wrong_secret_is_404_and_says_nothing_about_books(
    anyone: httpx.Client, owner: httpx.Client, app: App
) -> None:
    real = podcast_secret(app.settings)
    unmatched = anyone.get("/podcast/x/no-such-route")
    assert unmatched.status_code == 404
    for wrong in ("wrong", real[:-1], real + "x", real.upper() if real.upper() != real else real.lower()):
        for path in (
            f"/podcast/{wrong}/feed.xml",
            f"/podcast/{wrong}/books/tale-1/book.m4b",
            f"/podcast/{wrong}/books/no-such-book/book.m4b",
        ):
            for client in (anyone, owner):
                answer = client.get(path)
                assert answer.status_code == 404, path
                assert answer.json() == unmatched.json()


def test_names_outside_the_record_are_404(anyone: httpx.Client, owner: httpx.Client, app: App) -> None:
    base = f"/podcast/{podcast_secret(app.settings)}/books"
    for path in (
        f"{base}/tale-1/book.json",
        f"{base}/tale-1/..%2Fbook.json",
        f"{base}/tale-1/..%2F..%2Fpodcast-secret",
        f"{base}/no-such-book/book.m4b",
        f"{base}/..%2Ftale-1/book.m4b",
    ):
        answer = anyone.get(path)
        assert answer.status_code == 404, path
        assert b"tale-1/book.m4b" not in answer.content
    for path in ("/v1/audiobooks/tale-1/files/book.json", "/v1/audiobooks/tale-1/files/..%2Fbook.json"):
        assert owner.get(path).status_code == 404, path
    assert owner.get("/v1/audiobooks/tale-1/files/book.json").json()["error"]["code"] == "audiobook_not_found"


def test_the_owner_lists_fetches_and_downloads(owner: httpx.Client, server_url: str, app: App) -> None:
    listing = owner.get("/v1/audiobooks")
    assert listing.status_code == 200
    body = listing.json()
    assert body["object"] == "list"
    tale = next(b for b in body["data"] if b["id"] == "tale-1")
    assert tale["object"] == "audiobook" and tale["title"] == "A Tale <of> Two & Three"
    assert [c["title"] for c in tale["chapters"]] == ["Opening", "Closing"]
    urls = {f["name"]: f["url"] for f in tale["files"]}
    assert urls == {
        "book.m4b": f"{server_url}/v1/audiobooks/tale-1/files/book.m4b",
        "cover.png": f"{server_url}/v1/audiobooks/tale-1/files/cover.png",
    }
    assert owner.get("/v1/audiobooks/tale-1").json() == tale

    data = (app.audiobook_library().root / "tale-1" / "book.m4b").read_bytes()
    download = owner.get(urls["book.m4b"])
    assert download.status_code == 200 and download.content == data
    assert download.headers["content-disposition"] == 'attachment; filename="book.m4b"'
    part = owner.get(urls["book.m4b"], headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == data[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(data)}"

    missing = owner.get("/v1/audiobooks/no-such-book")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "audiobook_not_found"


def test_deleting_a_book_takes_it_off_the_list_and_the_feed(
    owner: httpx.Client, anyone: httpx.Client, feed_url: str, app: App
) -> None:
    publish_m4b(app.audiobook_library(), "to-delete", "Short-lived")
    item = items_by_guid(anyone, feed_url)["to-delete/book.m4b"]
    audio_url = enclosure_url(item)
    assert anyone.get(audio_url).status_code == 200

    deleted = owner.delete("/v1/audiobooks/to-delete")
    assert deleted.status_code == 200
    assert deleted.json() == {"id": "to-delete", "object": "audiobook", "deleted": True}

    assert owner.get("/v1/audiobooks/to-delete").status_code == 404
    assert "to-delete" not in {b["id"] for b in owner.get("/v1/audiobooks").json()["data"]}
    assert "to-delete/book.m4b" not in items_by_guid(anyone, feed_url)
    assert "tale-1/book.m4b" in items_by_guid(anyone, feed_url)
    assert anyone.get(audio_url).status_code == 404
    assert not (app.audiobook_library().root / "to-delete").exists()
    again = owner.delete("/v1/audiobooks/to-delete")
    assert again.status_code == 404 and again.json()["error"]["code"] == "audiobook_not_found"
    assert anyone.delete(urlsplit(audio_url).path).status_code == 405


def test_links_use_the_public_url_when_set(app: App, book: BookRecord) -> None:
    audiobooks = app.settings.audiobooks.model_copy(update={"public_url": "https://books.example.net/"})
    settings = app.settings.model_copy(update={"audiobooks": audiobooks})
    with (
        live_server(create_api(replace(app, settings=settings))) as url,
        httpx.Client(base_url=url, headers=AUTH, timeout=30) as client,
    ):
        feed = client.get("/v1/audiobooks/podcast").json()["feed_url"]
        secret = podcast_secret(settings)
        assert feed == f"https://books.example.net/podcast/{secret}/feed.xml"
        # The phone's address is not this test's; fetch the same path here.
        items = items_by_guid(client, urlsplit(feed).path)
        assert enclosure_url(items["tale-1/book.m4b"]) == (
            f"https://books.example.net/podcast/{secret}/books/tale-1/book.m4b"
        )
        listed = client.get("/v1/audiobooks/tale-1").json()
        assert listed["files"][0]["url"] == "https://books.example.net/v1/audiobooks/tale-1/files/book.m4b"


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_the_access_log_hides_the_secret(anyone: httpx.Client, feed_url: str) -> None:
    access = logging.getLogger("uvicorn.access")
    records = _Records()
    level = access.level
    access.addHandler(records)
    access.setLevel(logging.INFO)
    try:
        assert anyone.get(feed_url).status_code == 200
        assert anyone.get("/healthz").status_code == 200
        deadline = time.monotonic() + 5
        while len(records.lines) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        access.removeHandler(records)
        access.setLevel(level)
    secret = urlsplit(feed_url).path.split("/")[2]
    assert any("/podcast/***/feed.xml" in line for line in records.lines), records.lines
    assert any("/healthz" in line for line in records.lines)
    assert not any(secret in line for line in records.lines)
