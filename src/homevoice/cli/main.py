"""The ``homevoice`` command."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from homevoice.cli import (
    audiobook,
    jobs,
    knowledge,
    models,
    say,
    serve,
    settings_cmd,
    transcribe,
    voices,
    worker,
)
from homevoice.cli.context import CliState
from homevoice.logging import configure_logging

app = typer.Typer(
    name="homevoice",
    help="A private voice server: speech to text, text to speech and voice notes on your own hardware.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("transcribe")(transcribe.transcribe)
app.command("say")(say.say)
app.command("audiobook")(audiobook.audiobook)
app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.command("index")(knowledge.index)
app.command("search")(knowledge.search)
app.command("ask")(knowledge.ask)
app.command("expand")(knowledge.expand)
app.add_typer(models.app, name="models")
app.add_typer(settings_cmd.app, name="config")
app.add_typer(jobs.app, name="jobs")
app.add_typer(voices.app, name="voices")


@app.callback()
def main(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", "-c", help="homevoice.toml to read (default: $HOMEVOICE_CONFIG or ./homevoice.toml)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log timings and model loading.")] = False,
) -> None:
    """homevoice: hear, speak and take notes, privately."""
    cli_state = CliState(config=config, verbose=verbose)
    ctx.obj = cli_state
    if ctx.invoked_subcommand is not None:
        configure_logging(cli_state.settings().log_level)


def run() -> None:
    app()
