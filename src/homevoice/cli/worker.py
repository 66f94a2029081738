"""``homevoice worker``: run queued jobs, with no HTTP server, until SIGTERM or Ctrl+C."""

from __future__ import annotations

import signal
import sys
import threading
from types import FrameType
from typing import Annotated

import typer

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.errors import HomevoiceError
from homevoice.jobs.runtime import JobRuntime
from homevoice.settings import Settings


def worker(
    ctx: typer.Context,
    worker_id: Annotated[
        str | None,
        typer.Option(
            "--id",
            help="Worker id (default: jobs.worker_id). Restarting with the same id puts the jobs it held back on the queues.",
        ),
    ] = None,
) -> None:
    """Run jobs from the queues. Every worker sharing a PostgreSQL jobs database needs its own --id."""
    settings = _with_worker_id(state(ctx).settings(), worker_id)
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    app = build_app(settings)
    runtime = JobRuntime(settings, app.transcription, listen=True, audiobooks=app.audiobooks())
    try:
        runtime.start()
        print(
            f"homevoice: worker {settings.jobs.worker_id} is running jobs from {runtime.database}; "
            "stop it with Ctrl+C",
            file=sys.stderr,
            flush=True,
        )
        while not stop.wait(0.5):
            pass
    except HomevoiceError as err:
        fail(err)
    finally:
        runtime.stop()
        app.close()
    print(f"homevoice: worker {settings.jobs.worker_id} stopped", file=sys.stderr, flush=True)


def _with_worker_id(settings: Settings, worker_id: str | None) -> Settings:
    if not worker_id:
        return settings
    return settings.model_copy(update={"jobs": settings.jobs.model_copy(update={"worker_id": worker_id})})
