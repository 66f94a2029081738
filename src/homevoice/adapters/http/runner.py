"""Run the API under uvicorn: what ``homevoice serve`` does after checking its settings."""

from __future__ import annotations

import logging
import signal
from types import FrameType

import uvicorn

from homevoice.adapters.http.server import Companion, create_api
from homevoice.app import App
from homevoice.jobs.knowledge_work import KnowledgeWork, PeriodicRefresh
from homevoice.jobs.runtime import JobRuntime

log = logging.getLogger(__name__)


class _StopRequestedError(Exception):
    """SIGTERM after uvicorn's graceful shutdown."""


def _stop(signum: int, frame: FrameType | None) -> None:
    raise _StopRequestedError


def run_server(app: App, host: str, port: int) -> None:
    """Blocks until SIGINT or SIGTERM; jobs are queued durably, so stopping loses none.

    The caller has checked the address with ``check_bind`` (before loading any model).
    """
    settings = app.settings
    audiobooks = app.audiobooks()
    # Search is served here, so the index is refreshed here too, even with run_workers off.
    knowledge = KnowledgeWork(app.knowledge)
    runtime = JobRuntime(
        settings,
        app.transcription,
        listen=settings.jobs.run_workers,
        audiobooks=audiobooks,
        telegram=settings.telegram.token is not None,
        knowledge=knowledge,
    )
    companions: list[Companion] = []
    if settings.rag.refresh_s > 0:
        companions.append(PeriodicRefresh(knowledge, settings.rag.refresh_s))
    if settings.telegram.token is not None:
        from homevoice.adapters.telegram.bot import TelegramBot

        companions.append(
            TelegramBot(
                settings.telegram,
                app.capture(),
                app.speech,
                app.commands(),
                audiobooks=audiobooks,
                knowledge=app.knowledge,
                voices=app.enrolled_voices,
            )
        )
    if settings.wyoming.uri is not None:
        from homevoice.adapters.wyoming.server import WyomingServer

        companions.append(WyomingServer(settings.wyoming, app))
    api = create_api(app, runtime, companions)
    uvicorn_level = "info" if settings.log_level in ("DEBUG", "INFO") else "warning"
    # uvicorn shuts down gracefully, then re-raises the signal to the previous handler; ours turns
    # it into a normal return, so the caller can unload models and exit 0 as a service should.
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        uvicorn.run(api, host=host, port=port, log_level=uvicorn_level, server_header=False)
    except (_StopRequestedError, KeyboardInterrupt):
        log.info("server stopped by a signal")
    finally:
        signal.signal(signal.SIGTERM, previous)
