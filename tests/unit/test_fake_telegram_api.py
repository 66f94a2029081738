"""The fake Telegram Bot API answers a real python-telegram-bot ``Bot`` the way Telegram does."""

from __future__ import annotations

import asyncio
import io
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TypeVar

import httpx
import pytest
from telegram import (
    Bot,
    File,
    MessageOriginChannel,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReactionTypeEmoji,
    ReplyParameters,
)
from telegram.constants import ChatAction, MessageEntityType, ParseMode, ReactionEmoji
from telegram.error import BadRequest, Conflict, EndPointNotFound, InvalidToken, NetworkError

from tests.fakes.telegram import FakeBotApi

T = TypeVar("T")
USER = 4242


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def make_bot(api: FakeBotApi, token: str | None = None) -> Bot:
    return Bot(token or api.token, base_url=f"{api.root_url}/bot", base_file_url=f"{api.root_url}/file/bot")


def with_bot(api: FakeBotApi, body: Callable[[Bot], Awaitable[T]]) -> T:
    """Run ``body`` with an initialized bot (initialize calls getMe)."""

    async def main() -> T:
        async with make_bot(api) as bot:
            return await body(bot)

    return asyncio.run(main())


async def download(file: File) -> bytes:
    """``File.download_to_memory`` into a buffer, as the bot does."""
    buffer = io.BytesIO()
    await file.download_to_memory(buffer)
    return buffer.getvalue()


def test_get_me_describes_the_bot(api: FakeBotApi) -> None:
    me = with_bot(api, lambda bot: bot.get_me())
    assert me.is_bot
    assert me.id == 123456
    assert me.username == "homevoice_test_bot"
    assert me.can_join_groups is True
    assert [name for name, _ in api.calls].count("getMe") >= 1


def test_get_updates_acknowledges_below_the_offset(api: FakeBotApi) -> None:
    first = api.add_text("one", user_id=USER)
    second = api.add_text("two", user_id=USER)
    api.add_text("three", user_id=USER, chat_id=-100777)
    assert (first, second) == (1, 2)

    async def body(bot: Bot) -> None:
        updates = await bot.get_updates()
        assert [u.message.text for u in updates if u.message] == ["one", "two", "three"]
        ids = [u.update_id for u in updates]
        assert ids == list(range(ids[0], ids[0] + 3))
        message = updates[0].message
        assert message is not None and message.from_user is not None
        assert message.chat.id == USER and message.chat.type == "private"
        assert message.from_user.id == USER and message.from_user.first_name
        assert abs(message.date.timestamp() - time.time()) < 60
        group = updates[2].message
        assert group is not None and group.chat.type == "supergroup" and group.message_id == 1

        assert [u.update_id for u in await bot.get_updates(offset=ids[1])] == ids[1:]
        assert api.confirmed_offset == ids[1]
        assert api.pending_updates() == 2
        assert [u.update_id for u in await bot.get_updates(offset=ids[1], limit=1)] == [ids[1]]
        assert await bot.get_updates(offset=ids[2] + 1) == ()
        assert api.pending_updates() == 0
        assert api.confirmed_offset == ids[2] + 1

    with_bot(api, body)
    params = api.calls_of("getUpdates")[-1]
    assert params["offset"] == api.confirmed_offset


def test_long_poll_wakes_when_an_update_arrives(api: FakeBotApi) -> None:
    timer = threading.Timer(0.3, lambda: api.add_text("late", user_id=USER))

    async def body(bot: Bot) -> float:
        started = time.monotonic()
        timer.start()
        updates = await bot.get_updates(timeout=20)
        assert [u.message.text for u in updates if u.message] == ["late"]
        return time.monotonic() - started

    elapsed = with_bot(api, body)
    assert 0.2 < elapsed < 5
    assert api.calls_of("getUpdates")[-1]["timeout"] == 20


def test_long_poll_times_out_empty(api: FakeBotApi) -> None:
    async def body(bot: Bot) -> float:
        started = time.monotonic()
        assert await bot.get_updates(timeout=1) == ()
        return time.monotonic() - started

    assert 0.9 < with_bot(api, body) < 5


def test_a_second_poller_ends_the_first_with_conflict(api: FakeBotApi) -> None:
    async def main() -> None:
        async with make_bot(api) as first, make_bot(api) as second:
            waiting = asyncio.create_task(first.get_updates(timeout=10))
            await asyncio.sleep(0.3)
            assert await second.get_updates(timeout=0) == ()
            with pytest.raises(Conflict, match="terminated by other getUpdates request"):
                await waiting
            api.add_text("hi", user_id=USER)
            assert len(await second.get_updates(timeout=1)) == 1

    asyncio.run(main())


def test_voice_file_downloads(api: FakeBotApi, tmp_path: Path) -> None:
    audio = tmp_path / "note.ogg"
    audio.write_bytes(b"OggS" + bytes(range(256)) * 10)
    message_id = api.add_voice(audio, user_id=USER, caption="listen", duration=3)

    async def body(bot: Bot) -> bytes:
        (update,) = await bot.get_updates()
        message = update.message
        assert message is not None and message.voice is not None
        assert message.message_id == message_id
        assert message.caption == "listen"
        assert message.voice.to_dict()["duration"] == 3
        assert message.voice.mime_type == "audio/ogg"
        assert message.voice.file_size == audio.stat().st_size
        file = await bot.get_file(message.voice.file_id)
        assert file.file_path is not None
        assert file.file_path.startswith(f"{api.root_url}/file/bot{api.token}/voice/file_")
        assert file.file_path.endswith(".oga")
        return await download(file)

    assert with_bot(api, body) == audio.read_bytes()
    assert api.downloads and api.downloads[-1].startswith("voice/file_")


def test_download_failures_and_file_errors(api: FakeBotApi, tmp_path: Path) -> None:
    audio = tmp_path / "note.ogg"
    audio.write_bytes(b"OggS-data")
    api.add_voice(audio, user_id=USER)
    api.add_voice(audio, user_id=USER, file_size=21 * 1024 * 1024)

    async def body(bot: Bot) -> None:
        small, big = await bot.get_updates()
        assert small.message is not None and small.message.voice is not None
        assert big.message is not None and big.message.voice is not None
        file = await bot.get_file(small.message.voice.file_id)
        api.fail_downloads = True
        with pytest.raises(NetworkError, match="Internal Server Error"):
            await download(file)
        api.fail_downloads = False
        assert await download(file) == b"OggS-data"
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await bot.get_file(big.message.voice.file_id)
        api.file_size_override = 30 * 1024 * 1024
        with pytest.raises(BadRequest, match=r"(?i)file is too big"):
            await bot.get_file(small.message.voice.file_id)
        api.max_file_mb = 2000
        assert (await bot.get_file(small.message.voice.file_id)).file_size == 30 * 1024 * 1024
        with pytest.raises(BadRequest, match=r"(?i)invalid file_id"):
            await bot.get_file("no-such-file")

    with_bot(api, body)
    response = httpx.get(f"{api.root_url}/file/bot{api.token}/voice/missing.oga")
    assert response.status_code == 404


def test_preloaded_files_are_served(tmp_path: Path) -> None:
    data = tmp_path / "a.bin"
    data.write_bytes(b"abc")
    with FakeBotApi(files={"preloaded-id": data}) as api:
        result = with_bot(api, lambda bot: bot.get_file("preloaded-id"))
        assert result.file_id == "preloaded-id"
        assert result.file_size == 3


def test_send_message_replies_and_rejects_long_text(api: FakeBotApi) -> None:
    incoming = api.add_text("hello", user_id=USER)

    async def body(bot: Bot) -> None:
        sent = await bot.send_message(USER, "hi there", reply_parameters=ReplyParameters(incoming))
        assert sent.text == "hi there"
        assert sent.from_user is not None and sent.from_user.is_bot
        assert sent.message_id == incoming + 1
        assert sent.reply_to_message is not None and sent.reply_to_message.text == "hello"
        assert (await bot.send_message(USER, "x" * 4096)).message_id == incoming + 2
        with pytest.raises(BadRequest, match=r"(?i)message is too long"):
            await bot.send_message(USER, "x" * 4097)
        with pytest.raises(BadRequest, match=r"(?i)message to be replied not found"):
            await bot.send_message(USER, "hi", reply_parameters=ReplyParameters(999))
        with pytest.raises(BadRequest, match=r"(?i)chat not found"):
            await bot.send_message(777, "nobody here")
        with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
            await bot.send_message(USER, "<div>x</div>", parse_mode=ParseMode.HTML)
        html = await bot.send_message(USER, "<b>bold</b> &amp; more", parse_mode=ParseMode.HTML)
        assert html.text == "bold & more"
        with pytest.raises(BadRequest, match=r"(?i)reserved"):
            await bot.send_message(USER, "Done.", parse_mode=ParseMode.MARKDOWN_V2)
        edited = await bot.edit_message_text("changed", chat_id=USER, message_id=sent.message_id)
        assert not isinstance(edited, bool) and edited.text == "changed" and edited.edit_date is not None
        with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
            await bot.edit_message_text("changed", chat_id=USER, message_id=sent.message_id)
        with pytest.raises(BadRequest, match=r"(?i)message can't be edited"):
            await bot.edit_message_text("mine now", chat_id=USER, message_id=incoming)

    with_bot(api, body)
    first = api.calls_of("sendMessage")[0]
    assert first["chat_id"] == USER
    assert first["text"] == "hi there"
    assert first["reply_parameters"]["message_id"] == incoming
    assert [m["text"] for m in api.sent_messages] == ["hi there", "x" * 4096, "bold & more"]


def test_send_voice_stores_the_uploaded_bytes(api: FakeBotApi) -> None:
    api.add_text("say something", user_id=USER)
    voice = b"OggS" + b"\x01\x02" * 500

    async def body(bot: Bot) -> bytes:
        sent = await bot.send_voice(USER, voice, caption="here", duration=2, filename="reply.ogg")
        assert sent.voice is not None and sent.voice.file_size == len(voice)
        assert sent.caption == "here"
        file = await bot.get_file(sent.voice.file_id)
        return await download(file)

    assert with_bot(api, body) == voice
    assert api.sent_voices() == [voice]
    params = api.calls_of("sendVoice")[0]
    assert params["voice"] == voice
    assert params["duration"] == 2
    assert params["chat_id"] == USER


def test_send_audio_and_document(api: FakeBotApi, tmp_path: Path) -> None:
    api.add_text("hi", user_id=USER)
    mp3 = tmp_path / "speech.mp3"
    mp3.write_bytes(b"ID3" + b"\x00" * 100)

    async def body(bot: Bot) -> None:
        audio = await bot.send_audio(USER, mp3, title="Speech")
        assert audio.audio is not None
        assert audio.audio.file_name == "speech.mp3" and audio.audio.title == "Speech"
        document = await bot.send_document(USER, b"1\n00:00:00,000 --> 00:00:01,000\nhi\n", filename="t.srt")
        assert document.document is not None and document.document.file_name == "t.srt"

    with_bot(api, body)
    assert api.calls_of("sendAudio")[0]["audio"] == mp3.read_bytes()


def test_send_audio_keeps_the_upload_and_refuses_one_over_the_limit(api: FakeBotApi) -> None:
    api.add_text("hi", user_id=USER)
    api.max_upload_mb = 0.01  # 10,485 bytes: as the 50 MB limit, without sending 50 MB
    small, large = b"ID3" + b"\x00" * 1000, b"ID3" + b"\x00" * 20_000

    async def body(bot: Bot) -> None:
        await bot.send_audio(USER, small, filename="01.mp3", title="One", performer="Ann", duration=3)
        with pytest.raises(NetworkError, match="Request Entity Too Large"):
            await bot.send_audio(USER, large, filename="02.mp3", title="Two")

    with_bot(api, body)
    [sent] = api.sent_audios()
    assert (sent.chat_id, sent.data, sent.file_name) == (USER, small, "01.mp3")
    assert (sent.title, sent.performer, sent.duration) == ("One", "Ann", 3)
    assert [c["title"] for c in api.calls_of("sendAudio")] == ["One", "Two"]  # both seen, one kept


def test_a_document_captioned_with_a_command_and_a_reply_to_it(api: FakeBotApi, tmp_path: Path) -> None:
    book = tmp_path / "book.md"
    book.write_text("# One\n\nText.\n")
    document_id = api.add_document(
        book, user_id=USER, file_name="book.md", mime_type="text/markdown", caption="/read 1"
    )
    api.add_command("/read", user_id=USER, reply_to_message_id=document_id)

    async def body(bot: Bot) -> None:
        captioned, reply = await bot.get_updates()
        assert captioned.message is not None and captioned.message.caption == "/read 1"
        [entity] = captioned.message.caption_entities
        assert (entity.type, entity.offset, entity.length) == (MessageEntityType.BOT_COMMAND, 0, 5)
        assert reply.message is not None and reply.message.reply_to_message is not None
        replied = reply.message.reply_to_message
        assert replied.document is not None and replied.document.file_name == "book.md"

    with_bot(api, body)


def test_reactions_and_chat_actions(api: FakeBotApi) -> None:
    incoming = api.add_text("hello", user_id=USER)

    async def body(bot: Bot) -> None:
        assert await bot.set_message_reaction(USER, incoming, ReactionEmoji.OK_HAND_SIGN) is True
        assert api.reactions_on(incoming, chat_id=USER) == ["👌"]
        assert await bot.set_message_reaction(USER, incoming, "\u2764") is True
        with pytest.raises(BadRequest, match=r"(?i)REACTION_INVALID"):
            await bot.set_message_reaction(USER, incoming, ReactionTypeEmoji("\u2764\ufe0f"))
        with pytest.raises(BadRequest, match=r"(?i)REACTION_INVALID"):
            await bot.set_message_reaction(USER, incoming, "🚀")  # PTB sends it as a custom emoji id
        with pytest.raises(BadRequest, match=r"(?i)REACTIONS_TOO_MANY"):
            await bot.set_message_reaction(USER, incoming, ["👌", "👍"])
        with pytest.raises(BadRequest, match=r"(?i)message to react not found"):
            await bot.set_message_reaction(USER, 999, "👌")
        assert await bot.set_message_reaction(USER, incoming) is True
        assert api.reactions_on(incoming, chat_id=USER) == []
        assert await bot.send_chat_action(USER, ChatAction.RECORD_VOICE) is True
        with pytest.raises(BadRequest, match=r"(?i)wrong parameter action"):
            await bot.send_chat_action(USER, "dancing")

    with_bot(api, body)
    first = api.calls_of("setMessageReaction")[0]
    assert first["reaction"] == [{"type": "emoji", "emoji": "👌"}]
    assert first["message_id"] == incoming
    assert api.calls_of("sendChatAction")[0] == {"chat_id": USER, "action": "record_voice"}


def test_every_kind_of_incoming_message_parses(api: FakeBotApi, tmp_path: Path) -> None:
    media = tmp_path / "media.bin"
    media.write_bytes(b"\x00" * 64)
    command = api.add_command("/say hello", user_id=USER)
    api.add_edited_text(command, "/say goodbye", user_id=USER)
    api.add_text("fwd", user_id=USER, forward_from_name="Hidden Person")
    api.add_text("fwd", user_id=USER, forward_from_user_id=99)
    api.add_text("fwd", user_id=USER, forward_from_chat_title="News")
    api.add_audio(media, user_id=USER, file_name="song.mp3", mime_type="audio/mpeg", caption="c")
    api.add_document(media, user_id=USER, file_name="memo.m4a", mime_type="audio/mp4")
    api.add_video_note(media, user_id=USER, duration=4)
    api.add_video(media, user_id=USER, caption="clip")

    async def body(bot: Bot) -> None:
        updates = await bot.get_updates()
        assert len(updates) == 9
        cmd, edit, hidden, user, channel, audio, document, note, video = updates
        assert cmd.message is not None
        assert cmd.message.parse_entities([MessageEntityType.BOT_COMMAND]) != {}
        assert list(cmd.message.parse_entities().values()) == ["/say"]
        assert edit.edited_message is not None and edit.edited_message.edit_date is not None
        assert edit.edited_message.message_id == command
        assert edit.edited_message.text == "/say goodbye"
        assert hidden.message is not None and isinstance(
            hidden.message.forward_origin, MessageOriginHiddenUser
        )
        assert hidden.message.forward_origin.sender_user_name == "Hidden Person"
        assert user.message is not None and isinstance(user.message.forward_origin, MessageOriginUser)
        assert user.message.forward_origin.sender_user.id == 99
        assert channel.message is not None and isinstance(
            channel.message.forward_origin, MessageOriginChannel
        )
        assert channel.message.forward_origin.chat.title == "News"
        assert audio.message is not None and audio.message.audio is not None
        assert audio.message.audio.file_name == "song.mp3" and audio.message.caption == "c"
        assert document.message is not None and document.message.document is not None
        assert document.message.document.mime_type == "audio/mp4"
        assert note.message is not None and note.message.video_note is not None
        video_note_file = await bot.get_file(note.message.video_note.file_id)
        assert video_note_file.file_path is not None and "/video_notes/file_" in video_note_file.file_path
        assert video.message is not None and video.message.video is not None
        assert video.message.caption == "clip"
        message_ids = [u.effective_message.message_id for u in updates if u.effective_message]
        assert message_ids == [1, 1, 2, 3, 4, 5, 6, 7, 8]

    with_bot(api, body)


def test_bad_token_and_unknown_method(api: FakeBotApi) -> None:
    async def main() -> None:
        with pytest.raises(InvalidToken):
            async with make_bot(api, token="999:wrong"):
                pass
        async with make_bot(api) as bot:
            with pytest.raises(EndPointNotFound):
                await bot.do_api_request("noSuchMethod")
            assert await bot.delete_webhook(drop_pending_updates=True) is True

    api.add_text("old", user_id=USER)
    asyncio.run(main())
    assert api.pending_updates() == 0
    response = httpx.post(f"{api.root_url}/bot{api.token}/getMe", json={})
    assert response.json()["result"]["username"] == "homevoice_test_bot"
    response = httpx.get(f"{api.root_url}/botnope/getMe")
    assert response.status_code == 401
    assert response.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}


def test_wait_for_explains_a_timeout(api: FakeBotApi) -> None:
    api.add_text("hi", user_id=USER)
    with_bot(api, lambda bot: bot.send_chat_action(USER, ChatAction.TYPING))
    api.wait_for(lambda: len(api.calls_of("sendChatAction")) == 1, timeout=1)
    with pytest.raises(AssertionError, match="pending updates: 1") as failure:
        api.wait_for(lambda: False, timeout=0.1)
    assert "sendChatAction" in str(failure.value)
