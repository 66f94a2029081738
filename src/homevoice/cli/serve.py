"""``homevoice serve``: the OpenAI-compatible HTTP server with its job workers."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from homevoice.app import build_app
from homevoice.cli.context import fail, state
from homevoice.engines.assets import install_embedded, installed_dir
from homevoice.engines.catalog import ALL_EMBEDDED, ALL_MODELS
from homevoice.errors import HomevoiceError
from homevoice.settings import Settings


def serve(
    ctx: typer.Context,
    host: Annotated[
        str | None, typer.Option(help="Address to bind (default: HOMEVOICE_HTTP__HOST, 127.0.0.1).")
    ] = None,
    port: Annotated[int | None, typer.Option(help="TCP port (default: HOMEVOICE_HTTP__PORT, 8765).")] = None,
) -> None:
    """Serve the HTTP API; jobs run in this process unless HOMEVOICE_JOBS__RUN_WORKERS=false."""
    from homevoice.adapters.http.auth import check_bind
    from homevoice.adapters.http.runner import run_server

    settings = state(ctx).settings()
    bind_host = host or settings.http.host
    bind_port = port or settings.http.port
    try:
        check_bind(bind_host, [k.get_secret_value() for k in settings.api_keys])
    except HomevoiceError as err:
        fail(err, 2)
    if settings.telegram.token is not None:
        _check_telegram(settings)
    app = build_app(settings)
    try:
        for spec in ALL_EMBEDDED:
            install_embedded(spec, settings.models_dir)
        for name in settings.models.preload:
            app.stt_models.load(name)
        ready = [s.name for s in ALL_MODELS if installed_dir(s, settings.models_dir) is not None]
        print(f"homevoice: data dir {settings.data_dir}")
        print(
            f"homevoice: models and voices ready: {', '.join(ready)} (speech to text: {settings.stt.model})"
        )
        if settings.telegram.token is not None:
            print(
                f"homevoice: Telegram bot on for {len(settings.telegram.allowed_users)} allowed user(s); "
                f"notes go to {settings.vault_dir / settings.vault.inbox}"
            )
        if settings.wyoming.uri is not None:
            print(f"homevoice: Wyoming on {settings.wyoming.uri} (speech to text and text to speech)")
        print(
            f"homevoice: listening on http://{_url_host(bind_host)}:{bind_port} (web page at /, API docs at /docs)",
            flush=True,
        )
        run_server(app, bind_host, bind_port)
        print("homevoice: stopped")
    except HomevoiceError as err:
        fail(err)
    finally:
        app.close()


def _check_telegram(settings: Settings) -> None:
    """A wrong token is a setup mistake: say so before loading anything."""
    import asyncio

    from homevoice.adapters.telegram.bot import check_token

    try:
        username = asyncio.run(check_token(settings.telegram))
    except HomevoiceError as err:
        fail(err, 2)
    if username is None:
        print(
            f"homevoice: cannot reach the Telegram Bot API at {settings.telegram.api_base_url} yet; "
            "the bot keeps trying",
            file=sys.stderr,
        )


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
