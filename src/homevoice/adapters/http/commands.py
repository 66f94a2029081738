"""``POST /v1/commands``: a spoken or typed command in; transcript, intent, action and spoken reply out."""

from __future__ import annotations

import base64
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, UploadFile

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.openai_audio import display_name
from homevoice.audio.encode import MEDIA_TYPES, AudioFormat
from homevoice.errors import HomevoiceError

router = APIRouter(prefix="/v1", tags=["commands"])
Ctx = Annotated[HttpContext, Depends(http_context)]


@router.post("/commands")
async def run_command(
    ctx: Ctx,
    file: Annotated[UploadFile | None, File(description="The command, spoken: any audio format.")] = None,
    text: Annotated[str | None, Form(description="The command, typed (used when no file is sent).")] = None,
    language: Annotated[str | None, Form(description="`ru` or `en`; empty detects it.")] = None,
    model: Annotated[str | None, Form(description="Speech-to-text model for a spoken command.")] = None,
    speak: Annotated[bool, Form(description="Include the reply as Ogg/Opus audio (base64).")] = True,
) -> dict[str, Any]:
    """Understand a command and carry it out. The answer has `transcript`, `language`, `intent`
    (`name`, `slots`, `recognised_by`: `rules` or `llm`), `action` (`name`, `status`: done, failed
    or unavailable, and its details) and `reply` (`text`, and `audio` with `media_type` when `speak`)."""
    service = ctx.commands()
    chosen = (language or "").strip().lower() or None
    if file is not None:
        name = display_name(file)
        stt = ctx.stt_model(model)
        said, chosen = await ctx.gate.run(stt, lambda: service.hear(file.file.read(), chosen, name, stt))
    elif text and text.strip():
        said = text
    else:
        raise HomevoiceError("Send the command as `text` or as an audio `file`.", code="empty_command")
    result = await anyio.to_thread.run_sync(lambda: service.run(said, chosen, source="http"))
    answer = result.as_json()
    if speak and result.action.reply:
        audio = await anyio.to_thread.run_sync(lambda: service.speak(result.action.reply, result.language))
        answer["reply"] |= {
            "audio": base64.b64encode(audio).decode(),
            "media_type": MEDIA_TYPES[AudioFormat.OPUS],
        }
    return answer
