"""``homevoice models list|pull|install|rm``: speech-to-text models, voices and cloning models alike."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from homevoice.cli.context import fail, state
from homevoice.engines.assets import install_embedded, installed_dir, remove_model
from homevoice.engines.catalog import (
    ALL_EMBEDDED,
    ALL_MODELS,
    CLONERS,
    VOICES,
    ModelSpec,
    SystemSource,
    find_any,
)
from homevoice.engines.system import missing_parts, not_installed_message
from homevoice.errors import HomevoiceError, ModelNotInstalledError, UnknownModelError
from homevoice.settings import Settings

app = typer.Typer(help="List, download and remove models and voices.", no_args_is_help=True)


def _spec(name: str) -> ModelSpec:
    spec = find_any(name)
    if spec is None:
        known = ", ".join(s.name for s in ALL_MODELS)
        fail(UnknownModelError(f"Unknown model or voice {name!r}; choose one of {known}."), 2)
    return spec


def _state(spec: ModelSpec, models_dir: Path) -> str:
    if installed_dir(spec, models_dir) is not None:
        return "installed"
    if isinstance(spec.source, SystemSource):
        return f"system: apt-get install {' '.join(spec.source.debian_packages)}"
    if spec.embedded:
        return "embedded (joins on first use)"
    return f"pull: homevoice models pull {spec.name}"


def _defaults(settings: Settings) -> set[str]:
    return {settings.stt.model, settings.tts.voice_en, settings.tts.voice_ru}


def _languages(spec: ModelSpec) -> str:
    if not spec.languages:
        return "multilingual"
    return ",".join(spec.languages) if len(spec.languages) <= 4 else f"{len(spec.languages)} languages"


@app.command("list")
def list_models(ctx: typer.Context) -> None:
    """Installed, embedded and pullable models (speech to text) and voices (text to speech)."""
    settings = state(ctx).settings()
    defaults = _defaults(settings)
    table = Table("name", "kind", "languages", "size", "state", "description", box=None)
    for spec in ALL_MODELS:
        kind = "voice" if spec in VOICES else "clone" if spec in CLONERS else "stt"
        languages = _languages(spec)
        default = " (default)" if spec.name in defaults else ""
        table.add_row(
            spec.name + default,
            kind,
            languages,
            f"{spec.size_mb} MB",
            _state(spec, settings.models_dir),
            spec.description,
        )
    Console(width=220).print(table)


@app.command("pull")
def pull(
    ctx: typer.Context,
    name: Annotated[
        str, typer.Argument(help="Model or voice name, for example large-v3-turbo or ru_RU-irina-medium.")
    ],
) -> None:
    """Download a model or voice (resumable, checksum verified). The only command that downloads."""
    settings = state(ctx).settings()
    spec = _spec(name)
    if spec.licence:
        print(f"{spec.name}: {spec.licence}")
    try:
        path = _fetch(spec, settings)
    except HomevoiceError as err:
        fail(err)
    print(f"{spec.name}: installed in {path}")


def _fetch(spec: ModelSpec, settings: Settings) -> Path:
    if isinstance(spec.source, SystemSource):
        missing = missing_parts(spec.source)
        if missing:
            raise ModelNotInstalledError(not_installed_message(spec.name, spec.source, missing))
        return Path(spec.source.folder)
    if spec.embedded:
        return install_embedded(spec, settings.models_dir)
    from homevoice.engines.pull import pull_model

    token = settings.models.hub_token.get_secret_value() if settings.models.hub_token else None
    return pull_model(spec, settings.models_dir, endpoint=settings.models.hub_endpoint, token=token)


@app.command("install")
def install(
    ctx: typer.Context,
    names: Annotated[
        list[str] | None, typer.Argument(help="Embedded models or voices to join (default: all).")
    ] = None,
) -> None:
    """Join and verify the embedded models and voices from their packages into the data dir (no network)."""
    settings = state(ctx).settings()
    specs = [_spec(n) for n in names] if names else list(ALL_EMBEDDED)
    for spec in specs:
        if not spec.embedded:
            how = (
                "its Debian packages provide it"
                if isinstance(spec.source, SystemSource)
                else f"use `homevoice models pull {spec.name}`"
            )
            fail(HomevoiceError(f"{spec.name} is not embedded; {how}.", code="model_not_embedded"), 2)
        try:
            path = install_embedded(spec, settings.models_dir)
        except HomevoiceError as err:
            fail(err)
        print(f"{spec.name}: ready in {path}")


@app.command("rm")
def rm(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Model or voice to delete from the data dir.")],
) -> None:
    """Delete an installed model's or voice's files."""
    settings = state(ctx).settings()
    spec = _spec(name)
    try:
        removed = remove_model(spec, settings.models_dir)
    except HomevoiceError as err:
        fail(err)
    print(f"{spec.name}: {'removed' if removed else 'was not installed'}")
