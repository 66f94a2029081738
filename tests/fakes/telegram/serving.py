"""homevoice with its Telegram bot, in this process, pointed at a FakeBotApi."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from homevoice.adapters.http.server import create_api
from homevoice.adapters.telegram.bot import TelegramBot
from homevoice.app import App, build_app
from homevoice.jobs.runtime import JobRuntime
from homevoice.settings import Settings
from tests.fakes.live_server import live_server
from tests.fakes.telegram.server import FakeBotApi


def bot_settings(api: FakeBotApi, allowed_users: list[int]) -> dict[str, Any]:
    """The ``telegram`` settings for a bot that polls ``api`` once a second."""
    return {
        "token": api.token,
        "allowed_users": allowed_users,
        "api_base_url": api.root_url,
        "poll_timeout_s": 1,
    }


@contextmanager
def serving_bot(settings: Settings) -> Iterator[App]:
    """The HTTP server, its job runtime and the bot, as ``homevoice serve`` runs them."""
    app = build_app(settings)
    try:
        audiobooks = app.audiobooks()
        runtime = JobRuntime(settings, app.transcription, listen=True, audiobooks=audiobooks, telegram=True)
        telegram = TelegramBot(
            settings.telegram,
            app.capture(),
            app.speech,
            app.commands(),
            audiobooks=audiobooks,
            voices=app.enrolled_voices,
        )
        with live_server(create_api(app, runtime, [telegram])):
            yield app
    finally:
        app.close()
