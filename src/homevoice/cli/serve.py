"""``homevoice serve``: prepares the models and reports what this installation offers."""

from __future__ import annotations

import typer

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.engines.assets import install_embedded, installed_dir
from homevoice.engines.catalog import CATALOG, EMBEDDED
from homevoice.errors import HomevoiceError


def serve(ctx: typer.Context) -> None:
    """Join the embedded models, load the preload list, and print what is available."""
    settings = state(ctx).settings()
    app = build_app(settings)
    try:
        for spec in EMBEDDED:
            install_embedded(spec, settings.models_dir)
        for name in settings.models.preload:
            app.stt_models.load(name)
        loaded = {m.name: m.load_seconds for m in app.stt_models.status()}
    except HomevoiceError as err:
        fail(err)
    finally:
        app.close()
    ready = [s.name for s in CATALOG if installed_dir(s, settings.models_dir) is not None]
    print(f"homevoice: data dir {settings.data_dir}")
    print(f"homevoice: models ready: {', '.join(ready)} (default: {settings.stt.model})")
    for name, seconds in loaded.items():
        print(f"homevoice: preloaded {name} in {seconds:.1f} s")
    print("homevoice: this installation has no network server yet; transcribe from the command line:")
    print("  .venv/bin/homevoice transcribe recording.ogg --language auto")
    print("  .venv/bin/homevoice transcribe *.m4a --format json")
