"""``/read``: a file or a vault note queued as an audiobook job, whose chapters come back as audio.

The file is fetched and checked here (its format, the chapter range, the voice), so a mistake is
answered at once instead of failing in a job nobody watches; the render itself is a durable job,
and the finished book is sent by ``BookDelivery`` when the job calls back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from pathlib import Path, PurePath

from telegram import Bot, Document, Message
from telegram.error import TelegramError

from homevoice.adapters.telegram import replies
from homevoice.adapters.telegram.beside import Beside
from homevoice.adapters.telegram.downloads import FileTooBigError, download
from homevoice.adapters.telegram.read_options import ReadOptions, ReadOptionsError, parse_read_options
from homevoice.audiobooks.document import parse_chapter_range
from homevoice.commands.notes import find_by_title, search
from homevoice.errors import HomevoiceError
from homevoice.jobs.audiobook_workflow import AudiobookJobRequest, submit_audiobook
from homevoice.jobs.binding import JobInterrupted
from homevoice.services.audiobooks import AudiobookService
from homevoice.services.speech import SpeechService
from homevoice.settings_capture import TelegramSettings

log = logging.getLogger(__name__)

READABLE_SUFFIXES = frozenset({".pdf", ".epub", ".md", ".markdown", ".txt", ".text"})
SUFFIX_OF_TYPE = {
    "application/pdf": ".pdf",
    "application/epub+zip": ".epub",
    "text/markdown": ".md",
    "text/x-markdown": ".md",
    "text/plain": ".txt",
}
"""For a file whose name does not tell (Telegram clients may send none)."""
NEAR_NOTES = 3
BOOK_FORMAT = "mp3"
"""One file per chapter, each its own audio message."""


@dataclass(frozen=True)
class _Source:
    data: bytes
    filename: str


def readable_name(file_name: str | None, mime_type: str | None) -> str | None:
    """The name to read the file by (its suffix picks the format); None for a format not read."""
    name = PurePath(file_name or "").name or "document"
    if PurePath(name).suffix.lower() in READABLE_SUFFIXES:
        return name
    suffix = SUFFIX_OF_TYPE.get((mime_type or "").split(";", 1)[0].strip().lower())
    return None if suffix is None else f"{name}{suffix}"


class Reading:
    def __init__(
        self,
        bot: Bot,
        settings: TelegramSettings,
        speech: SpeechService,
        vault_dir: Path,
        audiobooks: AudiobookService | None,
    ) -> None:
        self._bot = bot
        self._settings = settings
        self._speech = speech
        self._vault_dir = vault_dir
        self._audiobooks = audiobooks
        self._beside = Beside()

    async def close(self) -> None:
        await self._beside.close()

    async def start(self, message: Message, argument: str) -> None:
        """Answer what is wrong with the command at once; fetch, check and queue beside the polling."""
        assert message.from_user is not None
        code = message.from_user.language_code
        if self._audiobooks is None:
            await message.reply_text(replies.text("read_unavailable", code))
            return
        document = message.document
        if document is None and message.reply_to_message is not None:
            document = message.reply_to_message.document
        try:
            options = parse_read_options(argument, with_file=document is not None)
        except ReadOptionsError as err:
            await message.reply_text(replies.text("read_bad_option", code, word=err.word))
            return
        if document is None and not options.title:
            await message.reply_text(replies.text("read_usage", code))
            return
        self._beside.start(self._queue(message, document, options, code))

    async def _queue(
        self, message: Message, document: Document | None, options: ReadOptions, code: str | None
    ) -> None:
        try:
            if document is not None:
                source = await self._fetch(message, document, code)
            else:
                source = await self._note(message, options.title, code)
            if source is None:
                return
            title = await asyncio.to_thread(self._check, source, options)
            request = AudiobookJobRequest(
                voice=options.voice,
                speed=options.speed,
                format=BOOK_FORMAT,
                chapters=options.chapters,
                telegram_chat_id=message.chat.id,
            )
            job_id = await asyncio.to_thread(submit_audiobook, source.data, source.filename, request)
            log.info("telegram: queued audiobook job %s", job_id)
            await message.reply_text(replies.text("read_queued", code, title=title))
        except HomevoiceError as err:
            with contextlib.suppress(TelegramError):
                await message.reply_text(replies.text("read_failed", code, reason=err.message))
        except OSError as err:  # the vault is on a share that went away
            with contextlib.suppress(TelegramError):
                await message.reply_text(replies.text("read_failed", code, reason=err.strerror or str(err)))
        except JobInterrupted:  # no job runtime renders audiobooks in this process
            with contextlib.suppress(TelegramError):
                await message.reply_text(replies.text("read_unavailable", code))
        except TelegramError as err:
            log.warning("telegram: could not take a /read: %s", err)
        except Exception:  # a task's failure is seen by nobody else
            log.exception("telegram: could not queue a /read")
            with contextlib.suppress(TelegramError):
                await message.reply_text(replies.text("read_error", code))

    async def _fetch(self, message: Message, document: Document, code: str | None) -> _Source | None:
        name = readable_name(document.file_name, document.mime_type)
        if name is None:
            await message.reply_text(replies.text("read_unreadable", code))
            return None
        limit = int(self._settings.max_file_mb * 1_000_000)
        try:
            data = await download(self._bot, document.file_id, document.file_size, limit)
        except FileTooBigError as err:
            size_mb = (err.size or 0) / 1_000_000
            await message.reply_text(
                replies.text("too_big", code, size_mb=size_mb, limit_mb=self._settings.max_file_mb)
            )
            return None
        return _Source(data, name)

    async def _note(self, message: Message, title: str, code: str | None) -> _Source | None:
        found = await asyncio.to_thread(self._find_note, title)
        if isinstance(found, _Source):
            return found
        if found:
            names = ", ".join(f"“{name}”" for name in found)
            await message.reply_text(replies.text("read_near_notes", code, title=title, names=names))
        else:
            await message.reply_text(replies.text("read_no_note", code, title=title))
        return None

    def _find_note(self, title: str) -> _Source | list[str]:
        """The best match by title, as a Markdown file named after it; else the names of near ones."""
        hit = find_by_title(self._vault_dir, title)
        if hit is None:
            names = [near.title for near in search(self._vault_dir, title, limit=NEAR_NOTES * 2)]
            return list(dict.fromkeys(names))[:NEAR_NOTES]
        data = (self._vault_dir / hit.path).read_bytes()
        return _Source(data, f"{hit.title}.md")

    def _check(self, source: _Source, options: ReadOptions) -> str:
        """What the job would reject at once, so the chat hears it now; returns the book's title."""
        assert self._audiobooks is not None
        document = self._audiobooks.load_bytes(source.data, source.filename)
        if options.chapters:
            document = document.select(parse_chapter_range(options.chapters))
        if options.voice:
            self._speech.voice_for(options.voice, document.language or "en")
        return document.title
