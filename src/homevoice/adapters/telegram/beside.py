"""Slow replies (speech, answers, documents) run beside the polling, so messages keep arriving."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine
from typing import Any

from telegram import Bot
from telegram.constants import ChatAction
from telegram.error import TelegramError

TYPING_EVERY_S = 4.5
"""Telegram shows a chat action for about 5 s."""
TYPING_AT_MOST_S = 600.0
"""A reply still not sent by then has gone wrong; stop saying it is coming."""


class Beside:
    """The tasks started beside the polling; ``close`` cancels those still running."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)  # a strong reference: the loop keeps only weak ones
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


async def keep_typing(bot: Bot, chat_id: int) -> None:
    """Show "typing…" in the chat until cancelled (or ``TYPING_AT_MOST_S`` has passed)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TYPING_AT_MOST_S
    while loop.time() < deadline:
        with contextlib.suppress(TelegramError):
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        await asyncio.sleep(TYPING_EVERY_S)
