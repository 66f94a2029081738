"""The Telegram bot end to end: python-telegram-bot against a fake Bot API over HTTP on 127.0.0.1,
real recordings as voice messages, the real models, DBOS jobs, and notes in a real vault folder."""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from homevoice.app import App
from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.audio.encode import AudioFormat
from homevoice.capture.records import CaptureKey
from homevoice.capture.spool import SpoolError
from homevoice.evaluation.wer import normalize, word_error_rate
from homevoice.jobs import capture_workflow
from homevoice.jobs.capture_workflow import CaptureNotice
from homevoice.services.speech import SpeechRequest
from homevoice.settings import load_settings
from homevoice.vault.frontmatter import parse_note
from tests.fakes.media import encode, encode_video_note
from tests.fakes.obsidian import obsidian_vault
from tests.fakes.telegram import FakeBotApi
from tests.fakes.telegram.serving import bot_settings, serving_bot

pytestmark = pytest.mark.e2e

OWNER = 111
STRANGER = 999


def wer(reference: str, hypothesis: str) -> float:
    return word_error_rate([normalize(reference, "en")], [normalize(hypothesis, "en")])


@dataclass
class Bot:
    api: FakeBotApi
    app: App
    vault: Path
    data: Path

    def notes(self) -> dict[str, tuple[dict[str, object], str]]:
        return {p.name: parse_note(p.read_text()) for p in sorted((self.vault / "Inbox").glob("*.md"))}

    def note_of(self, message_id: int, timeout: float = 120) -> tuple[dict[str, object], str]:
        def found() -> bool:
            return any(f.get("telegram_message_id") == message_id for f, _ in self.notes().values())

        self.api.wait_for(found, timeout)
        return next(n for n in self.notes().values() if n[0].get("telegram_message_id") == message_id)

    def said(self, fragment: str) -> bool:
        return any(fragment in str(m.get("text")) for m in self.api.sent_messages)

    def replies_to(self, message_id: int) -> list[str]:
        return [
            str(m["text"])
            for m in self.api.sent_messages
            if (m.get("reply_to_message") or {}).get("message_id") == message_id
        ]


@pytest.fixture(scope="module")
def bot(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bot]:
    data = tmp_path_factory.mktemp("telegram-data")
    (data / "models").symlink_to(data_dir / "models")
    vault = obsidian_vault(tmp_path_factory.mktemp("vault"))
    with FakeBotApi() as api:
        settings = load_settings(
            data_dir=data,
            stt={"model": "base", "cpu_threads": 2},
            models={"keep_alive_s": -1},
            telegram=bot_settings(api, [OWNER]),
            vault={"path": vault, "timezone": "UTC"},
        )
        with serving_bot(settings) as app:
            yield Bot(api, app, vault, data)


@pytest.fixture(scope="module")
def voice_file(
    clip: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory
) -> Callable[[str], Path]:
    """An evalset recording as Telegram sends voice messages: Ogg/Opus."""
    folder = tmp_path_factory.mktemp("voices")

    def make(name: str) -> Path:
        if (folder / f"{name}.oga").exists():
            return folder / f"{name}.oga"
        samples = decode_audio(clip(name)).samples
        path = folder / f"{name}.oga"
        path.write_bytes(encode(samples, SAMPLE_RATE, "oga"))
        return path

    return make


def test_a_voice_message_becomes_a_note_with_its_transcript(
    bot: Bot, voice_file: Callable[[str], Path]
) -> None:
    message_id = bot.api.add_voice(
        voice_file("en_librivox_sense_0870"), user_id=OWNER, duration=7, caption="#book"
    )
    fields, body = bot.note_of(message_id)

    reference = "and mister john dashwood had then leisure to consider how much there might be prudently in his power to do for them"
    transcript = body.split("]]", 1)[1]
    assert wer(reference, transcript) < 0.25
    assert fields["source"] == "telegram" and fields["type"] == "voice"
    assert fields["tags"] == ["telegram", "voice", "book"]
    assert fields["language"] == "en" and fields["stt_model"] == "base"
    assert 6.5 < float(str(fields["duration"])) < 7.5
    assert fields["status"] == "unprocessed"
    audio = str(fields["audio"]).strip("[]")
    assert audio.startswith("Attachments/") and audio.endswith(".ogg")
    assert (bot.vault / audio).read_bytes() == voice_file("en_librivox_sense_0870").read_bytes()
    # Receipt, then done; the transcript as a reply; "typing" while it worked.
    bot.api.wait_for(lambda: bot.api.reactions_on(message_id, chat_id=OWNER) == ["👌"])
    assert any(c["reaction"][0]["emoji"] == "✍" for c in bot.api.calls_of("setMessageReaction"))
    bot.api.wait_for(lambda: bool(bot.replies_to(message_id)))  # sent just after the reaction
    assert wer(reference, bot.replies_to(message_id)[0]) < 0.25
    assert any(c["action"] == "typing" for c in bot.api.calls_of("sendChatAction"))


def test_lang_ru_then_a_russian_voice_message(bot: Bot, voice_file: Callable[[str], Path]) -> None:
    bot.api.add_command("/lang ru", user_id=OWNER)
    bot.api.wait_for(lambda: bot.said("transcribed as: ru."))
    message_id = bot.api.add_voice(voice_file("ru_voxforge_ru_0022"), user_id=OWNER)
    fields, body = bot.note_of(message_id)
    assert fields["language"] == "ru"
    assert any("а" <= ch <= "я" for ch in body.lower()), body
    bot.api.add_command("/lang auto", user_id=OWNER)


def test_text_forwarded_and_edited_messages(bot: Bot) -> None:
    text_id = bot.api.add_text("Buy a new #bike chain", user_id=OWNER)
    fields, body = bot.note_of(text_id)
    assert body.strip() == "Buy a new #bike chain"
    assert fields["type"] == "text" and "bike" in fields["tags"]

    forwarded = bot.api.add_text("Meeting at 5", user_id=OWNER, forward_from_name="Ada Lovelace")
    fields, _ = bot.note_of(forwarded)
    assert fields["forwarded_from"] == "Ada Lovelace"

    bot.api.add_edited_text(text_id, "Buy a new #bike chain and tyres", user_id=OWNER)
    bot.api.wait_for(lambda: "tyres" in bot.note_of(text_id)[1])
    assert len([n for n in bot.notes().values() if n[0].get("telegram_message_id") == text_id]) == 1


def test_audio_documents_and_video_notes_with_hostile_names(
    bot: Bot, clip: Callable[[str], Path], tmp_path: Path
) -> None:
    samples = decode_audio(clip("en_sb_spk1_snt5")).samples
    mp3 = tmp_path / "a.mp3"
    mp3.write_bytes(encode(samples, SAMPLE_RATE, "mp3"))
    document = bot.api.add_document(
        mp3,
        user_id=OWNER,
        file_name="../../../etc/passwd.mp3",
        mime_type="audio/mpeg",
        caption="../../x\n---\nstatus: done",
    )
    fields, body = bot.note_of(document)
    assert fields["status"] == "unprocessed"
    assert "sunday" in body.lower()
    assert all(p.resolve().is_relative_to(bot.vault.resolve()) for p in bot.vault.rglob("*"))

    video = tmp_path / "v.mp4"
    video.write_bytes(encode_video_note(samples, SAMPLE_RATE))
    note = bot.api.add_video_note(video, user_id=OWNER, duration=3)
    fields, body = bot.note_of(note)
    assert fields["type"] == "video_note" and str(fields["audio"]).endswith(".mp4]]")
    assert "sunday" in body.lower()


def test_say_answers_with_an_ogg_opus_voice_message(bot: Bot) -> None:
    before = len(bot.api.sent_voices())
    bot.api.add_command("/say Good morning, the kettle is on.", user_id=OWNER)
    bot.api.wait_for(lambda: len(bot.api.sent_voices()) > before, 120)
    voice = bot.api.sent_voices()[-1]
    with av.open(io.BytesIO(voice)) as container:
        assert container.format.name == "ogg"
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        seconds = sum(frame.samples for frame in container.decode(stream)) / stream.codec_context.sample_rate
    assert seconds > 1.0


def test_strangers_get_one_refusal_and_leave_no_trace(bot: Bot, voice_file: Callable[[str], Path]) -> None:
    files_before = sorted(p.relative_to(bot.vault) for p in bot.vault.rglob("*"))
    spool = bot.data / "capture" / "spool"
    spool_before = sorted(spool.iterdir()) if spool.exists() else []
    getfile_before = len(bot.api.calls_of("getFile"))
    bot.api.add_voice(voice_file("en_sb_spk2_snt2"), user_id=STRANGER)
    text_id = bot.api.add_text("let me in", user_id=STRANGER)
    bot.api.wait_for(lambda: bot.api.confirmed_offset > 0 and bot.api.pending_updates() == 0)

    refusals = [m for m in bot.api.sent_messages if m["chat"]["id"] == STRANGER]
    assert len(refusals) == 1 and str(STRANGER) in refusals[0]["text"]
    assert len(bot.api.calls_of("getFile")) == getfile_before
    assert sorted(p.relative_to(bot.vault) for p in bot.vault.rglob("*")) == files_before
    assert (sorted(spool.iterdir()) if spool.exists() else []) == spool_before
    assert bot.app.capture().store.get(CaptureKey(STRANGER, text_id)) is None


def test_start_tells_the_owner_their_id(bot: Bot) -> None:
    bot.api.add_command("/start", user_id=OWNER)
    bot.api.wait_for(lambda: bot.said(f"Your Telegram user id is {OWNER}."))


def test_unsupported_and_oversized_messages_get_a_polite_answer(
    bot: Bot, voice_file: Callable[[str], Path]
) -> None:
    big = bot.api.add_voice(voice_file("en_sb_spk2_snt3"), user_id=OWNER, file_size=30_000_000)
    bot.api.wait_for(lambda: bot.said("the largest I can fetch is 20 MB"))
    assert bot.app.capture().store.get(CaptureKey(OWNER, big)) is None


def test_a_message_that_cannot_be_stored_is_not_acknowledged_until_it_is(
    bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = bot.app.capture()._spool
    real_write = spool.write

    def disk_full(name: str, data: bytes) -> Path:
        raise SpoolError("Cannot store an incoming file: No space left on device; free some disk space.")

    monkeypatch.setattr(spool, "write", disk_full)
    message_id = bot.api.add_text("first", user_id=OWNER)  # text needs no spool: stored at once
    bot.note_of(message_id)
    voice_id = bot.api.add_voice(next(iter(bot.vault.rglob("*.ogg"))), user_id=OWNER)
    offset = bot.api.confirmed_offset
    time.sleep(3)
    assert bot.api.pending_updates() == 1, "a message that is not on disk must stay unacknowledged"
    assert bot.api.confirmed_offset == offset
    assert bot.app.capture().store.get(CaptureKey(OWNER, voice_id)) is None

    monkeypatch.setattr(spool, "write", real_write)
    bot.note_of(voice_id, timeout=180)
    assert bot.api.pending_updates() == 0


def test_long_transcripts_are_replied_in_pieces_within_telegrams_limit(bot: Bot) -> None:
    message_id = bot.api.add_text("placeholder for a long recording", user_id=OWNER)
    bot.note_of(message_id)
    transcript = " ".join(f"word{i}" for i in range(1500))  # 13,389 characters
    notify = capture_workflow.binding.get().notify  # what the capture job calls when it is done
    notify(CaptureNotice(OWNER, message_id, "Inbox/x.md", transcript, "en", None))
    pieces = bot.replies_to(message_id)
    assert len(pieces) == 4 and all(len(p) <= 4096 for p in pieces)
    assert " ".join(pieces) == transcript


def test_do_sets_a_reminder_that_arrives_on_time(bot: Bot) -> None:
    bot.api.add_command("/do remind me in 0.05 minutes to stretch", user_id=OWNER)
    bot.api.wait_for(lambda: bot.said("I'll remind you at"), 60)
    bot.api.wait_for(lambda: bot.said("⏰ Reminder: stretch"), 60)
    assert any(m["chat"]["id"] == OWNER for m in bot.api.sent_messages if "⏰" in str(m.get("text")))


def test_a_voice_message_with_the_wake_word_is_a_command_not_a_note(bot: Bot, tmp_path: Path) -> None:
    plan = bot.app.speech.plan(SpeechRequest(text="Computer, make a note: buy oat milk.", language="en"))
    voice = tmp_path / "command.oga"
    voice.write_bytes(b"".join(bot.app.speech.encoded(plan, AudioFormat.OPUS, streaming=False)))
    voices_before = len(bot.api.sent_voices())
    message_id = bot.api.add_voice(voice, user_id=OWNER)
    bot.api.wait_for(lambda: "Noted." in bot.replies_to(message_id), 120)
    bot.api.wait_for(lambda: len(bot.api.sent_voices()) > voices_before, 60)
    notes = [n for n in bot.notes().values() if n[0].get("source") == "command"]
    assert any("milk" in body.lower() for _, body in notes), notes
    assert not any(n[0].get("telegram_message_id") == message_id for n in bot.notes().values())
