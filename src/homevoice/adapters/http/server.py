"""The FastAPI application: routers, middleware, error handlers, health and metrics."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, Protocol

import anyio.to_thread
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from homevoice import __version__
from homevoice.adapters.http import (
    audiobooks,
    commands,
    jobs,
    knowledge,
    models,
    notes,
    openai_audio,
    podcast,
    rag_chat,
    speech,
    voices,
    web,
)
from homevoice.adapters.http.auth import BearerAuth
from homevoice.adapters.http.body_limit import BodySizeLimit
from homevoice.adapters.http.context import HttpContext
from homevoice.adapters.http.errors import install_error_handlers
from homevoice.adapters.http.gate import ModelGate
from homevoice.adapters.http.metrics import Metrics, MetricsMiddleware
from homevoice.app import App

if TYPE_CHECKING:
    from homevoice.jobs.runtime import JobRuntime


class Companion(Protocol):
    """Something that runs beside the API for the server's lifetime (the Telegram bot)."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


def create_api(app: App, runtime: JobRuntime | None = None, companions: Sequence[Companion] = ()) -> FastAPI:
    """The ASGI app over ``app``; with ``runtime``, job routes work and workers start with the server.

    ``companions`` start after the jobs (they may start jobs) and stop before them.
    """
    settings = app.settings
    gate = ModelGate(settings.http.concurrency_per_model, settings.http.max_waiting_per_model)
    context = HttpContext(app, gate)

    def job_counts() -> dict[str, int] | None:
        return {str(k): v for k, v in context.jobs.counts().items()} if context.jobs else None

    metrics = Metrics(gate, lambda: [m.name for m in app.stt_models.status()], job_counts)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if runtime is not None:
            context.jobs = await anyio.to_thread.run_sync(runtime.start)
        started: list[Companion] = []
        try:
            for companion in companions:
                await companion.start()
                started.append(companion)
            yield
        finally:
            for companion in reversed(started):
                await companion.stop()
            if runtime is not None:
                await anyio.to_thread.run_sync(runtime.stop)
                context.jobs = None

    api = FastAPI(
        title="homevoice",
        version=__version__,
        summary="A private voice server with an OpenAI-compatible API.",
        lifespan=lifespan,
    )
    api.state.homevoice = context
    podcast.redact_access_log()
    install_error_handlers(api)
    api.include_router(openai_audio.router)
    api.include_router(speech.router)
    api.include_router(voices.router)
    api.include_router(models.router)
    api.include_router(jobs.router)
    api.include_router(commands.router)
    api.include_router(audiobooks.router)
    api.include_router(podcast.router)
    api.include_router(knowledge.router)
    api.include_router(rag_chat.router)
    api.include_router(notes.router)
    web.mount_web(api)

    @api.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, Any]:
        """Liveness: answers without a key, says nothing private."""
        return {"status": "ok", "jobs": context.jobs is not None}

    @api.get("/metrics", tags=["operations"], response_class=Response)
    async def prometheus_metrics() -> Response:
        # Collectors query the jobs database: off the event loop.
        body = await anyio.to_thread.run_sync(generate_latest, metrics.registry)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    keys = [k.get_secret_value() for k in settings.api_keys]
    _document_security(api, bool(keys))
    # Outermost first: count every request, then authenticate, then bound the body.
    api.add_middleware(BodySizeLimit, max_bytes=int(settings.http.max_upload_mb * 1_000_000))
    api.add_middleware(BearerAuth, keys=keys)
    api.add_middleware(MetricsMiddleware, metrics=metrics)
    return api


def _document_security(api: FastAPI, required: bool) -> None:
    def openapi() -> dict[str, Any]:
        if api.openapi_schema is None:
            schema = get_openapi(title=api.title, version=api.version, summary=api.summary, routes=api.routes)
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["bearer"] = {"type": "http", "scheme": "bearer"}
            if required:
                schema["security"] = [{"bearer": []}]
            api.openapi_schema = schema
        return api.openapi_schema

    api.openapi = openapi  # type: ignore[method-assign]
