"""What the bot does with each message: refuse strangers, run commands, capture the rest."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import TypeVar

from telegram import Bot, Message, ReplyParameters, Update
from telegram.error import TelegramError

from homevoice.adapters.telegram import asking, replies
from homevoice.adapters.telegram.beside import keep_typing
from homevoice.adapters.telegram.book_delivery import UPLOAD_TIMEOUT_S, BookDelivery
from homevoice.adapters.telegram.commands import Commands
from homevoice.adapters.telegram.downloads import FileTooBigError, download
from homevoice.adapters.telegram.enrolling import Enrolling
from homevoice.adapters.telegram.messages import capture_of, command_of, key_of, media_of
from homevoice.adapters.telegram.reading import Reading, readable_name
from homevoice.audiobooks.library import BookRecord
from homevoice.capture.records import CaptureKey, CaptureState
from homevoice.capture.spool import SpoolError
from homevoice.capture.store import CaptureStoreError
from homevoice.commands.service import CommandService
from homevoice.jobs.capture_workflow import CaptureNotice, start_capture
from homevoice.services.audiobooks import AudiobookService
from homevoice.services.capture import CaptureService
from homevoice.services.knowledge import KnowledgeService
from homevoice.services.speech import SpeechService
from homevoice.services.voices import VoiceService
from homevoice.settings_capture import TelegramSettings
from homevoice.vault import VaultError

T = TypeVar("T")

log = logging.getLogger(__name__)

DELIVER_TIMEOUT_S = 60.0


class TransientError(Exception):
    """The message could not be put on disk now; leave it unacknowledged and try again later."""


class Handlers:
    def __init__(
        self,
        bot: Bot,
        settings: TelegramSettings,
        capture: CaptureService,
        speech: SpeechService,
        commands: CommandService | None = None,
        audiobooks: AudiobookService | None = None,
        knowledge: Callable[[], KnowledgeService] | None = None,
        voices: Callable[[], VoiceService] | None = None,
    ) -> None:
        self._bot = bot
        self._settings = settings
        self._allowed = frozenset(settings.allowed_users)
        self._capture = capture
        self._commands = Commands(bot, capture, speech, commands)
        self._reading = Reading(bot, settings, speech, capture.vault_dir, audiobooks)
        self._asking = asking.Asking(bot, capture, speech, knowledge)
        self._enrolling = Enrolling(bot, settings, voices)
        self._books = None if audiobooks is None else BookDelivery(bot, audiobooks.library.root)
        self._refused: set[int] = set()  # in memory only: nothing of a stranger's is stored
        self._typing: dict[CaptureKey, asyncio.Task[None]] = {}
        self._language_codes: dict[int, str | None] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    async def close(self) -> None:
        for task in self._typing.values():
            task.cancel()
        self._typing.clear()
        await self._commands.close()
        await self._reading.close()
        await self._asking.close()

    async def handle(self, update: Update) -> None:
        message = update.message or update.edited_message
        if message is None or message.from_user is None:
            return
        user = message.from_user
        if user.id not in self._allowed:
            await self._refuse(message)
            return
        self._language_codes[message.chat.id] = user.language_code
        if update.edited_message is not None:
            await self._edit(message)
            return
        command = command_of(message)
        if command is not None and command.name == "do" and command.argument:
            # Stored and run as a job like any capture, so a command is never lost to a restart.
            await self._capture_message(message, command=command.argument)
            return
        if command is not None and command.name == "read":
            await self._reading.start(message, command.argument)
            return
        if command is not None and command.name == "voice" and (media := media_of(message)) is not None:
            await self._enrolling.enrol(message, media, command.argument)
            return
        if command is not None and command.name == "voices":
            await self._enrolling.list(message)
            return
        if command is not None and command.name in asking.COMMANDS:
            await self._asking.run(command, message)
            return
        if command is not None:
            await self._commands.run(command, message)
            return
        await self._capture_message(message)

    async def _refuse(self, message: Message) -> None:
        assert message.from_user is not None
        user_id = message.from_user.id
        if user_id in self._refused:
            return
        self._refused.add(user_id)
        log.info("telegram: refused a user who is not on the allow-list")
        with contextlib.suppress(TelegramError):
            await message.reply_text(
                replies.text("refusal", message.from_user.language_code, user_id=user_id)
            )

    async def _edit(self, message: Message) -> None:
        new_text = message.text or message.caption
        if new_text:
            await _stored(asyncio.to_thread(self._capture.edit, key_of(message), new_text))

    async def _capture_message(self, message: Message, command: str | None = None) -> None:
        assert message.from_user is not None
        code = message.from_user.language_code
        media = media_of(message)
        if media is None and not message.text:
            document = message.document
            readable = (
                document is not None and readable_name(document.file_name, document.mime_type) is not None
            )
            await message.reply_text(
                replies.text("unsupported_document" if readable else "unsupported", code)
            )
            return
        key = key_of(message)
        if await _stored(asyncio.to_thread(self._capture.store.get, key)) is None:
            data: bytes | None = None
            if media is not None:
                limit = int(self._settings.max_file_mb * 1_000_000)
                try:
                    data = await download(self._bot, media.file_id, media.size, limit)
                except FileTooBigError as err:
                    await self._too_big(message, err.size)
                    return
            language = await _stored(asyncio.to_thread(self._capture.language, message.from_user.id))
            record = capture_of(message, media, language)
            if command is not None:
                record = replace(record, text=command, state=CaptureState.COMMAND)
            await _stored(asyncio.to_thread(self._capture.receive, record, data))
        await self._react(message.chat.id, message.message_id, replies.RECEIVED)
        if media is not None:
            self._start_typing(key)
        await asyncio.to_thread(start_capture, key)

    async def _too_big(self, message: Message, size: int | None) -> None:
        assert message.from_user is not None
        await message.reply_text(
            replies.text(
                "too_big",
                message.from_user.language_code,
                size_mb=(size or 0) / 1_000_000,
                limit_mb=self._settings.max_file_mb,
            )
        )

    def remind_threadsafe(self, chat_id: int, text: str) -> None:
        """Called by a reminder job when its time comes."""
        if self._loop is None or self._loop.is_closed():
            raise TransientError("the bot is not running")
        code = self._language_codes.get(chat_id)
        message = replies.text("reminder", code, text=text)
        future = asyncio.run_coroutine_threadsafe(self._bot.send_message(chat_id, message), self._loop)
        future.result(DELIVER_TIMEOUT_S)

    def deliver_book_threadsafe(self, chat_id: int, record: BookRecord) -> None:
        """Called by a ``/read`` audiobook job (a worker thread) when its book is finished."""
        if self._loop is None or self._loop.is_closed() or self._books is None:
            raise TransientError("the bot is not running")
        code = self._language_codes.get(chat_id)
        work = self._books.deliver(chat_id, record, code)
        future = asyncio.run_coroutine_threadsafe(work, self._loop)
        try:
            future.result(DELIVER_TIMEOUT_S + UPLOAD_TIMEOUT_S * len(record.audio_files))
        except TimeoutError:
            future.cancel()  # the job retries; two deliveries at once would send files twice
            raise

    def deliver_threadsafe(self, notice: CaptureNotice) -> None:
        """Called by the capture job (a worker thread): reply on the bot's event loop."""
        if self._loop is None or self._loop.is_closed():
            return
        future = asyncio.run_coroutine_threadsafe(self._deliver(notice), self._loop)
        future.result(DELIVER_TIMEOUT_S)

    async def _deliver(self, notice: CaptureNotice) -> None:
        key = CaptureKey(notice.chat_id, notice.message_id)
        typing = self._typing.pop(key, None)
        if typing is not None:
            typing.cancel()
        code = self._language_codes.get(notice.chat_id)
        reply = ReplyParameters(notice.message_id, allow_sending_without_reply=True)
        if notice.question is not None:
            await self._react(notice.chat_id, notice.message_id, replies.QUESTION)
            record = await asyncio.to_thread(self._capture.store.get, key)
            user_id = record.user_id if record is not None else notice.chat_id
            self._asking.answer_later(
                notice.chat_id, notice.message_id, user_id, notice.question, code, spoken_question=True
            )
            return
        if notice.command is not None:
            await self._react(notice.chat_id, notice.message_id, replies.SAVED)
            await self._commands.carry_out(
                notice.chat_id, notice.message_id, notice.command, notice.language, code
            )
            return
        if notice.note_path is None:
            await self._react(notice.chat_id, notice.message_id, replies.FAILED)
            await self._bot.send_message(
                notice.chat_id, replies.text("not_saved", code, reason=notice.error), reply_parameters=reply
            )
            return
        await self._react(notice.chat_id, notice.message_id, replies.SAVED)
        if notice.error:
            await self._bot.send_message(
                notice.chat_id,
                replies.text("not_transcribed", code, reason=notice.error),
                reply_parameters=reply,
            )
        elif notice.transcript and self._settings.reply_transcript:
            for piece in replies.split_message(notice.transcript):
                await self._bot.send_message(notice.chat_id, piece, reply_parameters=reply)

    async def _react(self, chat_id: int, message_id: int, emoji: str) -> None:
        try:
            await self._bot.set_message_reaction(chat_id, message_id, emoji)
        except TelegramError as err:  # reactions can be off in a chat; the reply still tells
            log.debug("telegram: reaction not set: %s", err)

    def _start_typing(self, key: CaptureKey) -> None:
        if key not in self._typing:
            self._typing[key] = asyncio.create_task(keep_typing(self._bot, key.chat_id))


async def _stored(work: Awaitable[T]) -> T:
    """A full or failing disk is transient: the update stays unacknowledged and comes again."""
    try:
        return await work
    except (SpoolError, CaptureStoreError, VaultError) as err:
        raise TransientError(err.message) from err
