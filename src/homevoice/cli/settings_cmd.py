"""``homevoice config show|docs``"""

from __future__ import annotations

import json

import typer

from homevoice.cli.context import state
from homevoice.settings_docs import configuration_reference

app = typer.Typer(help="Inspect the settings.", no_args_is_help=True)


@app.command("show")
def show(ctx: typer.Context) -> None:
    """The effective settings as JSON (secrets masked)."""
    settings = state(ctx).settings()
    print(json.dumps(settings.model_dump(mode="json"), indent=2, ensure_ascii=False))


@app.command("docs")
def docs() -> None:
    """Print the configuration reference in Markdown."""
    print(configuration_reference(), end="")
