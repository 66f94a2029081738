"""``homevoice jobs list|cancel|recover``: look at and steer the durable jobs."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.errors import HomevoiceError
from homevoice.jobs.runtime import JobRuntime
from homevoice.jobs.service import JobService, JobView

app = typer.Typer(help="List, cancel and recover durable jobs.", no_args_is_help=True)


@contextmanager
def _jobs(ctx: typer.Context) -> Iterator[JobService]:
    """A job service that only reads and steers: this process never runs a job."""
    settings = state(ctx).settings()
    application = build_app(settings)
    runtime = JobRuntime(settings, application.transcription, listen=False)
    try:
        yield runtime.start()
    except HomevoiceError as err:
        fail(err)
    finally:
        runtime.stop()
        application.close()


@app.command("list")
def list_jobs(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, max=1000, help="How many jobs.")] = 50,
) -> None:
    """The newest jobs: id, state, progress, model."""
    with _jobs(ctx) as jobs:
        views = jobs.list(limit)
    table = Table("id", "state", "progress", "model", "error", box=None)
    for view in views:
        table.add_row(view.id, view.state.value, f"{view.progress:.0%}", view.model, _error(view))
    Console(width=200).print(table)


@app.command("cancel")
def cancel(ctx: typer.Context, job_id: Annotated[str, typer.Argument(help="The job's id.")]) -> None:
    """Cancel a queued or running job."""
    with _jobs(ctx) as jobs:
        view = jobs.cancel(job_id)
    print(f"{view.id} {view.state.value}")


@app.command("recover")
def recover(
    ctx: typer.Context,
    worker: Annotated[str, typer.Option("--worker", help="Id of the worker that died.")],
) -> None:
    """Hand a dead worker's unfinished jobs back to the queues, for the live workers to finish.

    Only for a worker that is gone for good: one restarted with its id hands its jobs back itself.
    """
    with _jobs(ctx) as jobs:
        count = jobs.recover_worker(worker)
    print(f"handed {count} job(s) of worker {worker} back to the queues")


def _error(view: JobView) -> str:
    return f"{view.error['code']}: {view.error['message']}" if view.error else ""
