"""``POST /v1/notes``: text from the web page (with its recording, if any) saved as a vault note."""

from __future__ import annotations

from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.services.notes import MAX_NOTE_CHARS, NewNote
from homevoice.vault.obsidian import obsidian_uri

router = APIRouter(prefix="/v1", tags=["notes"])
Ctx = Annotated[HttpContext, Depends(http_context)]


@router.post("/notes", status_code=201, response_model=None)
async def create_note(
    ctx: Ctx,
    # Optional in the schema so that a blank text gets `empty_note`, not a generic validation error.
    text: Annotated[
        str | None, Form(description=f"The note's text, required: at most {MAX_NOTE_CHARS:,} characters.")
    ] = None,
    title: Annotated[str | None, Form(description="The note's title; unset uses its first words.")] = None,
    language: Annotated[str | None, Form(description="The text's language, like `ru` or `en`.")] = None,
    file: Annotated[
        UploadFile | None, File(description="The recording, kept byte for byte and embedded in the note.")
    ] = None,
) -> JSONResponse:
    """Save a note in the vault inbox; it is on disk before the answer. 201 with `path`, `title`,
    `audio_path` (null without a recording) and `obsidian_uri`."""
    audio = await file.read() if file is not None else None
    note = NewNote(
        text=text or "",
        title=title,
        language=language,
        audio=audio,
        audio_name=file.filename if file is not None else None,
        audio_type=file.content_type if file is not None else None,
    )
    service = ctx.app.notes()
    saved = await anyio.to_thread.run_sync(service.save, note)
    body: dict[str, Any] = {
        "object": "note",
        "path": saved.path,
        "title": saved.title,
        "audio_path": saved.audio_path,
        "obsidian_uri": obsidian_uri(ctx.app.settings.vault_name, saved.path),
    }
    return JSONResponse(body, status_code=201)
