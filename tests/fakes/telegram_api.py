"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for tests that run python-telegram-bot.

The implementation lives in the ``tests.fakes.telegram`` package; this module keeps the old import path.
Point a bot at it with ``Bot(api.token, base_url=api.base_url, base_file_url=api.base_file_url)``.
"""

from tests.fakes.telegram import (
    ALLOWED_REACTIONS,
    BOT_USERNAME,
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    MAX_UPDATES_LIMIT,
    ApiError,
    FakeBotApi,
)

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
