"""OpenAI-compatible text to speech: ``POST /v1/audio/speech``, streamed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import iterate_in_threadpool

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.audio.encode import MEDIA_TYPES, AudioFormat
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechPlan, SpeechRequest

router = APIRouter(prefix="/v1/audio", tags=["speech"])
Ctx = Annotated[HttpContext, Depends(http_context)]
TTS_MODELS = frozenset({"tts-1", "tts-1-hd", "gpt-4o-mini-tts", "homevoice"})


class SpeechBody(BaseModel):
    model_config = ConfigDict(extra="ignore")

    model: str = Field(
        "tts-1", description="`tts-1`, `tts-1-hd` and `gpt-4o-mini-tts` all mean the local voices."
    )
    input: str = Field(min_length=1, description="The text to speak; digits, dates and money are read out.")
    voice: str = Field(
        "alloy",
        description="A local voice (GET /v1/audio/voices) or an OpenAI name, mapped to a local voice per language.",
    )
    response_format: AudioFormat = Field(
        AudioFormat.MP3, description="mp3, opus (Ogg), aac, flac, wav or pcm."
    )
    speed: float = Field(1.0, ge=0.25, le=4.0)
    language: str | None = Field(
        None, max_length=8, description="`ru` or `en`; unset detects it from the text."
    )
    instructions: str | None = Field(None, description="Accepted for compatibility; local voices ignore it.")


@router.post(
    "/speech",
    response_class=StreamingResponse,
    responses={200: {"content": {t: {} for t in MEDIA_TYPES.values()}, "description": "Audio, streamed."}},
)
async def create_speech(ctx: Ctx, body: SpeechBody) -> StreamingResponse:
    """Speak the text, sentence by sentence: the first audio leaves before the rest is synthesised."""
    if body.model not in TTS_MODELS:
        raise HomevoiceError(
            f"Unknown speech model {body.model!r}; use one of {', '.join(sorted(TTS_MODELS))}.",
            code="model_not_found",
        )
    speech = ctx.app.speech
    request = SpeechRequest(text=body.input, voice=body.voice, language=body.language, speed=body.speed)
    plan: SpeechPlan = await anyio.to_thread.run_sync(speech.plan, request)
    admission = await ctx.gate.admit(f"voice:{plan.voice}")
    try:
        await anyio.to_thread.run_sync(
            speech.load, plan.voice
        )  # a broken voice is a 4xx/5xx, not a cut stream
    except BaseException:
        admission.release()
        raise

    async def audio() -> AsyncIterator[bytes]:
        try:
            async for chunk in iterate_in_threadpool(speech.encoded(plan, body.response_format, body.speed)):
                yield chunk
        finally:
            admission.release()

    return StreamingResponse(audio(), media_type=MEDIA_TYPES[body.response_format])
