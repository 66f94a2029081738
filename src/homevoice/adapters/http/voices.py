"""Voices: ``GET /v1/audio/voices`` (built-in and enrolled), enrolment from a sample, removal."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, Response

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.openai_audio import display_name
from homevoice.engines.assets import installed_dir
from homevoice.engines.catalog import VOICES
from homevoice.services.speech import OPENAI_VOICES
from homevoice.services.voices import EnrolRequest, describe

router = APIRouter(prefix="/v1/audio", tags=["voices"])
Ctx = Annotated[HttpContext, Depends(http_context)]
ENROL_LANE = "voices:enrol"
"""Enrolments share one queue: each runs speech to text and a built-in voice."""


@router.get("/voices")
async def list_voices(ctx: Ctx) -> dict[str, Any]:
    """Installed built-in voices, enrolled voices (when and from what), and the OpenAI name mapping."""
    settings = ctx.app.settings
    models_dir = settings.models_dir
    defaults = {"en": settings.tts.voice_en, "ru": settings.tts.voice_ru}
    builtin = [
        {
            "id": spec.name,
            "object": "voice",
            "enrolled": False,
            "engine": str(spec.engine),
            "languages": list(spec.languages or ()),
            "default_for": [lang for lang, name in defaults.items() if name == spec.name],
            "description": spec.description,
        }
        for spec in VOICES
        if installed_dir(spec, models_dir) is not None
    ]
    service = ctx.app.enrolled_voices()
    enrolled = await anyio.to_thread.run_sync(service.list_voices)
    engine = await anyio.to_thread.run_sync(service.speaking_engine)
    aliases = {
        name: {
            lang: settings.tts.openai_voices.get(name, {}).get(lang, default)
            for lang, default in defaults.items()
        }
        for name in sorted(OPENAI_VOICES)
    }
    return {
        "object": "list",
        "data": builtin + [describe(voice, engine) for voice in enrolled],
        "openai_voices": aliases,
    }


@router.post("/voices", status_code=201)
async def enrol_voice(
    ctx: Ctx,
    name: Annotated[str, Form(description="The new voice's name: letters, digits, '_' and '-'.")],
    file: Annotated[UploadFile, File(description="5-15 s of one person speaking: any audio format.")],
    transcript: Annotated[str | None, Form(description="What the sample says; unset transcribes it.")] = None,
    language: Annotated[str | None, Form(description="`ru` or `en`; unset detects it.")] = None,
) -> JSONResponse:
    """Enrol a voice from a sample; it can then be named as `voice` wherever speech is made."""
    filename = display_name(file)
    service = ctx.app.enrolled_voices()
    request = EnrolRequest(
        name=name,
        source=file.file,
        origin=f"upload {filename}",
        transcript=transcript,
        language=language,
        filename=filename,
    )
    voice = await ctx.gate.run(ENROL_LANE, lambda: service.enrol(request))
    return JSONResponse(describe(voice, service.speaking_engine()), status_code=201)


@router.get("/voices/{name}/sample", response_class=Response, responses={200: {"content": {"audio/wav": {}}}})
async def voice_sample(ctx: Ctx, name: str) -> Response:
    """The checked sample an enrolled voice was made from (16 kHz WAV)."""
    library = ctx.app.enrolled_voices().library
    voice = await anyio.to_thread.run_sync(library.require, name)
    data = await anyio.to_thread.run_sync(voice.reference_path.read_bytes)
    return Response(data, media_type="audio/wav")


@router.delete("/voices/{name}")
async def delete_voice(ctx: Ctx, name: str) -> dict[str, Any]:
    """Remove an enrolled voice with its sample and everything computed from it."""
    service = ctx.app.enrolled_voices()
    voice = await anyio.to_thread.run_sync(service.remove, name)
    return {"id": voice.name, "object": "voice", "deleted": True}
