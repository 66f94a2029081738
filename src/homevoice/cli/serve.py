"""``homevoice serve``: for now, prepares the embedded models and reports what this build offers."""

from __future__ import annotations

import typer

from homevoice.cli.context import fail, state
from homevoice.engines.assets import install_embedded, installed_dir
from homevoice.engines.catalog import CATALOG
from homevoice.errors import HomevoiceError


def serve(ctx: typer.Context) -> None:
    """Prepare the models and print what is available."""
    settings = state(ctx).settings()
    try:
        for spec in CATALOG:
            if spec.embedded:
                install_embedded(spec, settings.models_dir)
    except HomevoiceError as err:
        fail(err)
    ready = [s.name for s in CATALOG if installed_dir(s, settings.models_dir) is not None]
    print(f"homevoice: data dir {settings.data_dir}")
    print(f"homevoice: models ready: {', '.join(ready)} (default: {settings.stt.model})")
    print("homevoice: this build has no network server yet; transcribe from the command line:")
    print("  homevoice transcribe recording.ogg --language auto")
    print("  homevoice transcribe *.m4a --format json")
