"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for tests that run python-telegram-bot.

Point a bot at it with ``Bot(api.token, base_url=f"{api.root_url}/bot", base_file_url=f"{api.root_url}/file/bot")``:
methods are served at ``{root}/bot{token}/{method}`` and files at ``{root}/file/bot{token}/{file_path}``.
Tests add incoming updates with the ``add_*`` methods (from any thread) and observe what the bot did
through ``calls``, ``calls_of``, ``sent_messages``, ``sent_voices`` and ``sent_audios``. Uploads over
``max_upload_mb`` (50, as for real bots) are refused with 413 "Request Entity Too Large".

Modules: ``constants`` (names, limits, allowed reactions and chat actions), ``errors`` (error answers),
``requests`` (reading and decoding method parameters), ``markup`` (HTML/MarkdownV2 text checks),
``state`` (the shared store: chats, messages, files, pending updates, long-poll wake-ups), ``updates`` and
``media_updates`` (the ``add_*`` builders of incoming updates), ``methods`` (bot, webhook, commands,
getUpdates, getFile), ``messages`` (what the bot sends: messages, edits, voice/audio/documents,
reactions, chat actions) and ``server`` (the FastAPI app, its uvicorn thread and ``FakeBotApi``).
"""

from tests.fakes.telegram.constants import (
    ALLOWED_REACTIONS,
    BOT_USERNAME,
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_UPDATES_LIMIT,
)
from tests.fakes.telegram.errors import ApiError
from tests.fakes.telegram.server import FakeBotApi

__all__ = [
    "ALLOWED_REACTIONS",
    "BOT_USERNAME",
    "CHAT_ACTIONS",
    "MAX_CAPTION_LENGTH",
    "MAX_MESSAGE_LENGTH",
    "MAX_UPDATES_LIMIT",
    "ApiError",
    "FakeBotApi",
]
