"""``/read`` end to end: the bot against a fake Bot API over HTTP, the real DBOS job runtime rendering
with the embedded Piper voice, and the chapters coming back as MP3 audio messages."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest
from dbos import DBOS

from homevoice.app import App
from homevoice.audiobooks.library import BookFile, BookRecord, ChapterMark
from homevoice.jobs import audiobook_workflow
from homevoice.settings import load_settings
from tests.fakes.media import encode, tone
from tests.fakes.telegram import FakeBotApi
from tests.fakes.telegram.serving import bot_settings, serving_bot
from tests.fakes.telegram.state import SentAudio

pytestmark = pytest.mark.e2e

OWNER = 111
STRANGER = 999
RENDER_TIMEOUT_S = 300

STORY = """# The Kettle

The kettle is on and the morning is quiet. Rain taps on the window while the bread is toasting.

# The Garden

After breakfast we walk to the garden. The tomatoes are ripe, and the herbs smell of summer.
"""

GARDEN_NOTE = """---
tags: [garden]
---
# Garden plans

Plant the tomatoes along the south fence this year, and move the herbs closer to the kitchen.
"""


@dataclass
class Reader:
    api: FakeBotApi
    app: App

    def texts(self) -> list[str]:
        return [str(m["text"]) for m in self.api.sent_messages if "text" in m]

    def said(self, fragment: str) -> bool:
        return any(fragment in text for text in self.texts())

    def audios_after(self, count: int, wanted: int) -> list[SentAudio]:
        self.api.wait_for(lambda: len(self.api.sent_audios()) >= count + wanted, RENDER_TIMEOUT_S)
        return self.api.sent_audios()[count:]

    def book_from(self, source: str) -> BookRecord:
        return next(b for b in self.app.audiobook_library().list() if b.source == source)


@pytest.fixture(scope="module")
def reader(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Reader]:
    data = tmp_path_factory.mktemp("read-data")
    (data / "models").symlink_to(data_dir / "models")
    vault = tmp_path_factory.mktemp("read-vault")
    (vault / "Projects").mkdir()
    (vault / "Projects" / "Garden plans.md").write_text(GARDEN_NOTE)
    (vault / "Reading list.md").write_text("Dune, then Solaris.\n")
    with FakeBotApi() as api:
        settings = load_settings(
            data_dir=data,
            stt={"model": "tiny.en", "cpu_threads": 2},
            models={"keep_alive_s": -1},
            telegram=bot_settings(api, [OWNER]),
            vault={"path": vault, "timezone": "UTC"},
            audiobooks={"workers": 1},
        )
        with serving_bot(settings) as app:
            yield Reader(api, app)


def mp3_seconds(data: bytes) -> float:
    with av.open(io.BytesIO(data)) as container:
        assert container.format.name == "mp3"
        stream = container.streams.audio[0]
        assert stream.codec_context.name in ("mp3", "mp3float")  # the decoder FFmpeg picks
        return sum(frame.samples for frame in container.decode(stream)) / stream.codec_context.sample_rate


def audiobook_jobs() -> int:
    return len(DBOS.list_workflows(name=audiobook_workflow.AUDIOBOOK_WORKFLOW, load_input=False))


def test_a_markdown_file_captioned_read_comes_back_one_mp3_per_chapter(
    reader: Reader, tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY)
    before = len(reader.api.sent_audios())
    reader.api.add_document(
        story, user_id=OWNER, file_name="story.md", mime_type="text/markdown", caption="/read"
    )
    reader.api.wait_for(lambda: reader.said("I will send the chapters when they are ready."), 60)

    audios = reader.audios_after(before, 2)
    assert [a.title for a in audios] == ["The Kettle", "The Garden"]
    book = reader.book_from("story.md")
    assert book.format == "mp3" and len(book.audio_files) == 2
    for audio, entry in zip(audios, book.audio_files, strict=True):
        assert audio.chat_id == OWNER and audio.performer == (book.author or book.title)
        assert audio.file_name == entry.name and audio.duration == round(entry.duration)
        assert mp3_seconds(audio.data) > 1.0
    reader.api.wait_for(lambda: reader.said(f"“{book.title}” is ready: 2 chapter(s)"), 60)
    assert f"Reading “{book.title}” aloud." in next(t for t in reader.texts() if "I will send" in t)


def test_read_replied_to_a_file_takes_the_chapters_asked_for(reader: Reader, tmp_path: Path) -> None:
    story = tmp_path / "second.md"
    story.write_text(STORY.replace("Kettle", "Teapot"))
    document_id = reader.api.add_document(
        story, user_id=OWNER, file_name="second story.md", mime_type="application/octet-stream"
    )
    reader.api.wait_for(lambda: reader.said("send it again with the caption /read"), 60)
    before = len(reader.api.sent_audios())
    reader.api.add_command("/read 2 speed=1.2", user_id=OWNER, reply_to_message_id=document_id)

    [audio] = reader.audios_after(before, 1)
    assert audio.title == "The Garden"
    assert mp3_seconds(audio.data) > 1.0
    reader.api.wait_for(lambda: reader.said("is ready: 1 chapter(s)"), 60)


def test_read_a_vault_note_by_its_title(reader: Reader) -> None:
    before = len(reader.api.sent_audios())
    reader.api.add_command("/read gardn plans", user_id=OWNER)
    reader.api.wait_for(lambda: reader.said("I will send the chapters"), 60)

    audios = reader.audios_after(before, 1)
    assert mp3_seconds(audios[0].data) > 1.0
    book = reader.book_from("Garden plans.md")
    assert [a.title for a in audios] == [f.title for f in book.audio_files]
    reader.api.wait_for(lambda: reader.said(f"“{book.title}” is ready"), 60)


def test_an_unknown_note_or_a_bad_option_is_answered_at_once(reader: Reader) -> None:
    jobs = audiobook_jobs()
    reader.api.add_command("/read vegetable garden diary", user_id=OWNER)
    reader.api.wait_for(
        lambda: reader.said("There is no note called “vegetable garden diary”. Did you mean: “Garden plans”?")
    )
    reader.api.add_command("/read quantum chromodynamics", user_id=OWNER)
    reader.api.wait_for(
        lambda: reader.said("There is no note called “quantum chromodynamics” in your vault.")
    )
    reader.api.add_command("/read speed=9 Garden plans", user_id=OWNER)
    reader.api.wait_for(lambda: reader.said("I do not understand “speed=9” after /read."))
    reader.api.add_command("/read voice=nobody Garden plans", user_id=OWNER)
    reader.api.wait_for(lambda: reader.said("Sorry, I cannot read this aloud: Unknown voice 'nobody'"))
    reader.api.add_command("/read", user_id=OWNER)
    reader.api.wait_for(lambda: reader.said("Send a PDF, EPUB, Markdown or text file with the caption /read"))
    assert audiobook_jobs() == jobs


def test_a_strangers_read_is_refused_and_nothing_is_fetched_or_rendered(
    reader: Reader, tmp_path: Path
) -> None:
    story = tmp_path / "story.md"
    story.write_text(STORY)
    jobs, fetched = audiobook_jobs(), len(reader.api.calls_of("getFile"))
    reader.api.add_document(
        story, user_id=STRANGER, file_name="story.md", mime_type="text/markdown", caption="/read"
    )
    reader.api.add_command("/read Garden plans", user_id=STRANGER)
    reader.api.wait_for(lambda: any(m["chat"]["id"] == STRANGER for m in reader.api.sent_messages))
    reader.api.wait_for(lambda: reader.api.pending_updates() == 0)

    to_stranger = [m for m in reader.api.sent_messages if m["chat"]["id"] == STRANGER]
    assert len(to_stranger) == 1 and "private bot" in to_stranger[0]["text"]
    assert len(reader.api.calls_of("getFile")) == fetched
    assert audiobook_jobs() == jobs


def test_delivery_skips_what_telegram_would_refuse_and_says_so(reader: Reader) -> None:
    """A chapter over 50 MB is not uploaded; one the API refuses with 413 anyway is noted too."""
    folder = reader.app.audiobook_library().root / "delivery-check"
    folder.mkdir(parents=True)
    small = encode(tone(2.0, 22_050), 22_050, "mp3")
    (folder / "01.mp3").write_bytes(small)
    with (folder / "02.mp3").open("wb") as huge:  # sparse: 51 MiB on paper, nothing on disk
        huge.truncate(51 * 1024 * 1024)
    (folder / "03.mp3").write_bytes(small * 3)
    record = BookRecord(
        id="delivery-check",
        title="Three Parts",
        author="Ann Author",
        language="en",
        voice="en_US-joe-medium",
        created_at=time.time(),
        duration=3725.0,
        format="mp3",
        files=tuple(BookFile(f"0{i}.mp3", "audio/mpeg", 0, 2.0, f"Part {i}") for i in (1, 2, 3)),
        chapters=tuple(ChapterMark(f"Part {i}", 0.0, 2.0) for i in (1, 2, 3)),
    )
    reader.api.max_upload_mb = 2 * len(small) / (1024 * 1024)
    before, messages = len(reader.api.sent_audios()), len(reader.api.sent_messages)
    try:
        audiobook_workflow.delivery.get()(OWNER, record)
    finally:
        reader.api.max_upload_mb = 50

    [audio] = reader.api.sent_audios()[before:]
    assert (audio.title, audio.performer, audio.duration, audio.data) == ("Part 1", "Ann Author", 2, small)
    after = [m.get("text") or m["audio"]["title"] for m in reader.api.sent_messages[messages:]]
    assert after == [
        "Part 1",
        "The chapter “Part 2” is 51 MB, over Telegram's 50 MB limit for bots; listen to it in the podcast feed.",
        "Telegram refused the chapter “Part 3” as too large; listen to it in the podcast feed.",
        "📚 “Three Parts” is ready: 3 chapter(s), 1:02:05. It is also in your podcast feed.",
    ]
