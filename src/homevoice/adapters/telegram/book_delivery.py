"""A finished ``/read`` book sent back to its chat: one audio message per chapter, then a summary.

The audiobook job calls this from a worker thread and retries it when it fails; the files already
sent are remembered (in memory), so a retry after a dropped connection does not send them twice.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from telegram import Bot
from telegram.error import Forbidden, NetworkError

from homevoice.adapters.telegram import replies
from homevoice.audiobooks.library import BookFile, BookRecord

log = logging.getLogger(__name__)

MIB = 1024 * 1024
UPLOAD_LIMIT_BYTES = 50 * MIB
"""What the Bot API accepts from a bot (sendAudio and the like)."""
UPLOAD_TIMEOUT_S = 300.0
"""Per file: a large chapter over a slow home uplink."""


class BookDelivery:
    def __init__(self, bot: Bot, library_root: Path, upload_limit_bytes: int = UPLOAD_LIMIT_BYTES) -> None:
        self._bot = bot
        self._root = library_root
        self._limit = upload_limit_bytes
        self._sent: dict[tuple[int, str], set[str]] = {}

    async def deliver(self, chat_id: int, record: BookRecord, code: str | None) -> None:
        """Send each audio file in order (skipping, with a note, what Telegram would refuse), then
        the book's title and length. A chat that blocked the bot gets nothing and is not retried."""
        sent = self._sent.setdefault((chat_id, record.id), set())
        performer = record.author or record.title
        try:
            for entry in record.audio_files:
                if entry.name not in sent:
                    await self._send(chat_id, record, entry, performer, code)
                    sent.add(entry.name)
            summary = replies.text(
                "read_done",
                code,
                title=record.title,
                chapters=len(record.chapters) or len(record.audio_files),
                duration=clock(record.duration),
            )
            await self._bot.send_message(chat_id, summary)
        except Forbidden as err:
            log.warning("telegram: cannot send audiobook %s: %s", record.id, err)
        self._sent.pop((chat_id, record.id), None)

    async def _send(
        self, chat_id: int, record: BookRecord, entry: BookFile, performer: str, code: str | None
    ) -> None:
        path = self._root / record.id / entry.name
        size = await asyncio.to_thread(_size, path)
        if size is None:
            log.warning("telegram: audiobook %s has lost its file %s; not sent", record.id, entry.name)
            return
        if size > self._limit:
            await self._skipped(chat_id, entry, size, code)
            return
        data = await asyncio.to_thread(path.read_bytes)
        try:
            await self._bot.send_audio(
                chat_id,
                data,
                filename=entry.name,
                title=entry.title,
                performer=performer,
                duration=round(entry.duration),
                read_timeout=UPLOAD_TIMEOUT_S,
                write_timeout=UPLOAD_TIMEOUT_S,
            )
        except NetworkError as err:
            # A local Bot API server or a changed limit may refuse what passed the check above.
            if "too large" not in str(err).lower():
                raise
            await self._bot.send_message(chat_id, replies.text("read_refused", code, title=entry.title))

    async def _skipped(self, chat_id: int, entry: BookFile, size: int, code: str | None) -> None:
        note = replies.text(
            "read_skipped", code, title=entry.title, size_mb=size / MIB, limit_mb=self._limit / MIB
        )
        await self._bot.send_message(chat_id, note)


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return None


def clock(seconds: float) -> str:
    """``1:02:03`` or ``2:03``."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
