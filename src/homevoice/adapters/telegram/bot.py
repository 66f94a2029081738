"""The bot's life: connect, poll for updates, hand each to the handlers, acknowledge, stop.

An update is acknowledged only by asking for the ones after it, and that happens only after its
handler has put the message on disk. A handler that could not (the network or the disk failed)
leaves it unacknowledged; Telegram keeps it, and the next poll brings it again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from telegram import Bot, Update
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter
from telegram.request import HTTPXRequest

from homevoice.adapters.telegram.handlers import Handlers, TransientError
from homevoice.adapters.telegram.messages import seconds
from homevoice.commands.service import CommandService
from homevoice.errors import HomevoiceError
from homevoice.jobs import audiobook_workflow, capture_workflow, reminder_workflow
from homevoice.services.audiobooks import AudiobookService
from homevoice.services.capture import CaptureService
from homevoice.services.knowledge import KnowledgeService
from homevoice.services.speech import SpeechService
from homevoice.services.voices import VoiceService
from homevoice.settings_capture import TelegramSettings

log = logging.getLogger(__name__)

ALLOWED_UPDATES = ("message", "edited_message")
MAX_BACKOFF_S = 60.0
MAX_ATTEMPTS_PER_UPDATE = 3
"""An update whose handler keeps failing for an unexpected reason is dropped after this many
tries, so one bad message cannot stop every later one."""


class BotTokenError(HomevoiceError):
    def __init__(self) -> None:
        super().__init__(
            "Telegram refused the bot token; check HOMEVOICE_TELEGRAM__TOKEN (from @BotFather).",
            code="telegram_token_invalid",
        )


def make_bot(settings: TelegramSettings) -> Bot:
    assert settings.token is not None
    root = settings.api_base_url
    return Bot(
        settings.token.get_secret_value(),
        base_url=f"{root}/bot",
        base_file_url=f"{root}/file/bot",
        request=HTTPXRequest(connection_pool_size=16, read_timeout=30.0, media_write_timeout=60.0),
        get_updates_request=HTTPXRequest(connection_pool_size=1, read_timeout=settings.poll_timeout_s + 15.0),
    )


class TelegramBot:
    def __init__(
        self,
        settings: TelegramSettings,
        capture: CaptureService,
        speech: SpeechService,
        commands: CommandService | None = None,
        audiobooks: AudiobookService | None = None,
        knowledge: Callable[[], KnowledgeService] | None = None,
        voices: Callable[[], VoiceService] | None = None,
    ) -> None:
        """Without ``audiobooks``, ``/read`` answers that reading aloud is not available; without
        ``knowledge`` (the service, opened on first use), ``/ask`` and ``/find`` say search is not."""
        self._settings = settings
        self._bot = make_bot(settings)
        self._handlers = Handlers(
            self._bot, settings, capture, speech, commands, audiobooks, knowledge, voices
        )
        self._reads_books = audiobooks is not None
        self._capture = capture
        self._poller: asyncio.Task[None] | None = None
        self._offset: int | None = None
        self._attempts: dict[int, int] = {}
        self._connected = False

    async def start(self) -> None:
        """Resume unfinished captures and start polling. A bad token fails here; an unreachable
        Bot API (a home server booting before its network) is retried by the poller."""
        await self._connect()
        self._handlers.attach(asyncio.get_running_loop())
        capture_workflow.binding.bind(
            capture_workflow.CaptureContext(self._capture, self._handlers.deliver_threadsafe)
        )
        reminder_workflow.binding.bind(self._handlers.remind_threadsafe)
        if self._reads_books:
            audiobook_workflow.delivery.bind(self._handlers.deliver_book_threadsafe)
        pending = await asyncio.to_thread(self._capture.pending)
        for key in pending:
            await asyncio.to_thread(capture_workflow.start_capture, key)
        if pending:
            log.info("telegram: resumed %d unfinished capture(s)", len(pending))
        if not self._settings.allowed_users:
            log.warning(
                "telegram: HOMEVOICE_TELEGRAM__ALLOWED_USERS is empty; the bot only tells people their id"
            )
        self._poller = asyncio.create_task(self._poll(), name="telegram-poll")

    async def _connect(self) -> bool:
        try:
            await self._bot.initialize()
        except InvalidToken as err:
            raise BotTokenError() from err
        except NetworkError as err:
            log.warning("telegram: cannot reach %s yet (%s)", self._settings.api_base_url, err.message)
            return False
        log.info("telegram: connected as @%s", self._bot.username)
        self._connected = True
        return True

    async def stop(self) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        await self._handlers.close()
        if self._offset is not None:
            # Acknowledge what was handled, so a restart does not fetch it again.
            with contextlib.suppress(Exception):
                await self._bot.get_updates(offset=self._offset, limit=1, timeout=0)
        capture_workflow.binding.unbind()
        reminder_workflow.binding.unbind()
        if self._reads_books:
            audiobook_workflow.delivery.unbind()
        with contextlib.suppress(Exception):
            await self._bot.shutdown()

    async def _poll(self) -> None:
        backoff = 1.0
        while True:
            try:
                if not self._connected and not await self._connect():
                    await asyncio.sleep(backoff)
                    backoff = min(backoff * 2, MAX_BACKOFF_S)
                    continue
                updates = await self._bot.get_updates(
                    offset=self._offset,
                    timeout=self._settings.poll_timeout_s,
                    allowed_updates=ALLOWED_UPDATES,
                )
            except RetryAfter as err:
                await asyncio.sleep(seconds(err.retry_after) or 5.0)
                continue
            except (InvalidToken, Forbidden, BotTokenError) as err:
                log.error("telegram: stopped polling: %s", err)
                return
            except NetworkError as err:
                log.warning("telegram: getUpdates failed (%s); retrying in %.0f s", err.message, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)
                continue
            if await self._handle_all(updates):
                backoff = 1.0
            else:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    async def _handle_all(self, updates: tuple[Update, ...]) -> bool:
        """Handle updates in order; False stops at one to retry (it and the rest come again)."""
        for update in updates:
            try:
                await self._handlers.handle(update)
            except (TransientError, NetworkError) as err:
                if isinstance(err, BadRequest):
                    log.warning("telegram: update %d refused by the API (%s); skipped", update.update_id, err)
                else:
                    log.warning("telegram: update %d not stored yet (%s); will retry", update.update_id, err)
                    return False
            except Exception:
                attempts = self._attempts.get(update.update_id, 0) + 1
                self._attempts[update.update_id] = attempts
                if attempts < MAX_ATTEMPTS_PER_UPDATE:
                    log.exception("telegram: update %d failed; will retry", update.update_id)
                    return False
                log.exception("telegram: update %d failed %d times; skipped", update.update_id, attempts)
            self._attempts.pop(update.update_id, None)
            self._offset = update.update_id + 1
        return True


async def check_token(settings: TelegramSettings) -> str | None:
    """The bot's username; None when the Bot API cannot be reached now. Raises on a bad token."""
    bot = make_bot(settings)
    try:
        await bot.initialize()
    except InvalidToken as err:
        raise BotTokenError() from err
    except NetworkError:
        return None
    try:
        return bot.username
    finally:
        with contextlib.suppress(Exception):
            await bot.shutdown()
