"""``/v1/models``: what this server can transcribe with (and chat with the vault as), and loading or
unloading models."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.engines.assets import installed_dir
from homevoice.engines.catalog import CATALOG, ModelSpec, find_model
from homevoice.errors import HomevoiceError
from homevoice.services.knowledge import RAG_MODEL

OPENAI_ALIAS = "whisper-1"

router = APIRouter(prefix="/v1/models", tags=["models"])
Ctx = Annotated[HttpContext, Depends(http_context)]
ModelId = Annotated[str, Path(description="A model id, for example `base` or `whisper-1`.")]


def _installed(ctx: HttpContext) -> list[ModelSpec]:
    return [s for s in CATALOG if installed_dir(s, ctx.app.settings.models_dir) is not None]


def _model_object(ctx: HttpContext, spec: ModelSpec, model_id: str | None = None) -> dict[str, Any]:
    """OpenAI's model object; ``model_id`` is the alias it was asked by, if any."""
    loaded = {m.name: m for m in ctx.app.stt_models.status()}
    state = loaded.get(spec.name)
    alias_of = spec.name if model_id and model_id != spec.name else None
    return {
        "id": model_id or spec.name,
        "object": "model",
        "created": int(state.loaded_at) if state else 0,
        "owned_by": "homevoice",
        "task": "automatic-speech-recognition",
        "engine": str(spec.engine),
        "language": list(spec.languages) if spec.languages else None,
        "alias_of": alias_of,
        "loaded": state is not None,
        "in_use": state.users if state else 0,
        "default": spec.name == ctx.app.settings.stt.model,
    }


def _lookup(ctx: HttpContext, model_id: str) -> ModelSpec:
    name = ctx.app.transcription.model_name(model_id)
    spec = find_model(name)
    if spec is None or installed_dir(spec, ctx.app.settings.models_dir) is None:
        raise HomevoiceError(
            f"Model {model_id!r} is not installed here; GET /v1/models lists installed models, "
            f"`homevoice models pull NAME` adds one.",
            code="model_not_found",
        )
    return spec


def _rag_object(ctx: HttpContext) -> dict[str, Any]:
    """The chat model that answers from the vault (``/v1/chat/completions``), for Open WebUI's list."""
    return {
        "id": RAG_MODEL,
        "object": "model",
        "created": 0,
        "owned_by": "homevoice",
        "task": "chat",
        "engine": "rag",
        "llm": ctx.app.settings.llm.model if ctx.app.settings.llm.base_url else None,
    }


@router.get("")
async def list_models(ctx: Ctx) -> dict[str, Any]:
    data = [_model_object(ctx, spec) for spec in _installed(ctx)]
    default = find_model(ctx.app.settings.stt.model)
    if default is not None and installed_dir(default, ctx.app.settings.models_dir) is not None:
        data.append(_model_object(ctx, default, OPENAI_ALIAS))
    data.append(_rag_object(ctx))
    return {"object": "list", "data": data}


@router.get("/{model_id}")
async def get_model(ctx: Ctx, model_id: ModelId) -> dict[str, Any]:
    if model_id == RAG_MODEL:
        return _rag_object(ctx)
    spec = _lookup(ctx, model_id)
    return _model_object(ctx, spec, model_id)


@router.post("/{model_id}")
async def load_model(ctx: Ctx, model_id: ModelId) -> dict[str, Any]:
    """Load now (otherwise the first request loads it); it unloads after the keep-alive."""
    spec = _lookup(ctx, model_id)
    await anyio.to_thread.run_sync(ctx.app.stt_models.load, spec.name)
    return _model_object(ctx, spec)


@router.delete("/{model_id}")
async def unload_model(ctx: Ctx, model_id: ModelId) -> dict[str, Any]:
    """Free the model's memory; 409 while a request uses it."""
    spec = _lookup(ctx, model_id)
    if not await anyio.to_thread.run_sync(ctx.app.stt_models.unload, spec.name):
        raise HomevoiceError(f"Model {spec.name} is not loaded.", code="model_not_loaded")
    return _model_object(ctx, spec)
