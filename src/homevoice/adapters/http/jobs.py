"""``/v1/jobs``: long work queued durably; poll it, follow it as server-sent events, or cancel it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import asdict
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Path, Query, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.openai_audio import (
    AudioFile,
    FormatField,
    ModelField,
    PromptField,
    TemperatureField,
    display_name,
)
from homevoice.adapters.http.sse import SSE_HEADERS, sse_event
from homevoice.audiobooks.document import parse_chapter_range
from homevoice.errors import HomevoiceError
from homevoice.jobs.audiobook_workflow import AudiobookJobRequest
from homevoice.jobs.service import JobState, JobView, TranscriptionJobRequest

router = APIRouter(prefix="/v1/jobs", tags=["jobs"])
Ctx = Annotated[HttpContext, Depends(http_context)]
JobId = Annotated[str, Path(max_length=200, description="The id returned when the job was created.")]

FINISHED = frozenset({JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED})
EVENT_POLL_S = 0.5


def job_json(job: JobView) -> dict[str, Any]:
    body = asdict(job)
    body["object"] = "job"
    body["state"] = str(job.state)
    body["progress"] = round(job.progress, 4)
    return body


@router.post("/transcriptions", status_code=202)
async def create_transcription_job(
    ctx: Ctx,
    file: AudioFile,
    model: ModelField = None,
    language: Annotated[str | None, Form(description="ISO-639-1 code; empty or `auto` detects.")] = None,
    prompt: PromptField = None,
    task: Annotated[Literal["transcribe", "translate"], Form()] = "transcribe",
    temperature: TemperatureField = None,
    word_timestamps: Annotated[bool, Form()] = False,
    response_format: FormatField | None = None,
) -> JSONResponse:
    """Queue a transcription; the answer (202) carries the job id. The result is verbose_json."""
    jobs = ctx.require_jobs()
    request = TranscriptionJobRequest(
        model=ctx.stt_model(model),
        language=language,
        task=task,
        prompt=prompt,
        temperature=temperature,
        word_timestamps=word_timestamps,
    )
    audio = await file.read()
    if not audio:
        raise HomevoiceError("The uploaded file is empty.", code="empty_audio")
    name = display_name(file)
    job = await anyio.to_thread.run_sync(lambda: jobs.submit_transcription(audio, name, request))
    return JSONResponse(job_json(job), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@router.post("/audiobooks", status_code=202)
async def create_audiobook_job(
    ctx: Ctx,
    file: Annotated[UploadFile, File(description="A PDF, EPUB, Markdown or plain-text document.")],
    voice: Annotated[
        str | None, Form(description="A voice from /v1/audio/voices; default by the book's language.")
    ] = None,
    language: Annotated[
        str | None, Form(description="ru or en; default: the book's own or detected.")
    ] = None,
    speed: Annotated[float, Form(ge=0.25, le=4.0)] = 1.0,
    response_format: Annotated[
        Literal["m4b", "mp3", "opus"] | None,
        Form(description="m4b: one file with chapter marks; mp3 or opus: a file per chapter."),
    ] = None,
    chapters: Annotated[str | None, Form(description="Only these chapters, for example `1-3,5`.")] = None,
) -> JSONResponse:
    """Queue an audiobook; the finished job's result names the book under ``/v1/audiobooks``."""
    jobs = ctx.require_jobs()
    if voice:
        ctx.app.speech.voice_for(voice, language or "en")  # an unknown voice is a 400 now, not a failed job
    if chapters:
        parse_chapter_range(chapters)
    document = await file.read()
    if not document:
        raise HomevoiceError("The uploaded file is empty.", code="empty_document")
    request = AudiobookJobRequest(
        voice=voice or None,
        language=language or None,
        speed=speed,
        format=response_format,
        chapters=chapters or None,
    )
    name = display_name(file)
    job = await anyio.to_thread.run_sync(lambda: jobs.submit_audiobook(document, name, request))
    return JSONResponse(job_json(job), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@router.post("/index", status_code=202)
async def create_index_job(ctx: Ctx) -> JSONResponse:
    """Bring the search index up to date with the vault; while a refresh is queued or running,
    that job is returned instead of a second one. The result counts what changed."""
    jobs = ctx.require_jobs()
    job = await anyio.to_thread.run_sync(jobs.submit_index)
    return JSONResponse(job_json(job), status_code=202, headers={"Location": f"/v1/jobs/{job.id}"})


@router.get("")
async def list_jobs(ctx: Ctx, limit: Annotated[int, Query(ge=1, le=500)] = 50) -> dict[str, Any]:
    jobs = ctx.require_jobs()
    found = await anyio.to_thread.run_sync(lambda: jobs.list(limit))
    return {"object": "list", "data": [job_json(j) for j in found]}


@router.get("/{job_id}")
async def get_job(ctx: Ctx, job_id: JobId) -> dict[str, Any]:
    jobs = ctx.require_jobs()
    return job_json(await anyio.to_thread.run_sync(jobs.get, job_id))


@router.delete("/{job_id}")
async def cancel_job(ctx: Ctx, job_id: JobId) -> dict[str, Any]:
    """Cancel a queued or running job; a running one stops after its current step."""
    jobs = ctx.require_jobs()
    job = await anyio.to_thread.run_sync(jobs.get, job_id)
    if job.state in FINISHED:
        raise HomevoiceError(f"Job {job_id} has already {job.state}.", code="job_finished")
    return job_json(await anyio.to_thread.run_sync(jobs.cancel, job_id))


@router.get("/{job_id}/events", response_class=StreamingResponse)
async def job_events(ctx: Ctx, job_id: JobId) -> StreamingResponse:
    """Server-sent events: ``progress`` while it runs, then one ``done`` with the whole job."""
    jobs = ctx.require_jobs()
    first = await anyio.to_thread.run_sync(jobs.get, job_id)  # 404 before the stream opens

    async def events() -> AsyncIterator[bytes]:
        job = first
        last: tuple[str, float] | None = None
        while job.state not in FINISHED:
            now = (str(job.state), round(job.progress, 3))
            if now != last:
                last = now
                yield sse_event({"id": job.id, "state": now[0], "progress": now[1]}, event="progress")
            await asyncio.sleep(EVENT_POLL_S)
            job = await anyio.to_thread.run_sync(jobs.get, job_id)
        yield sse_event(job_json(job), event="done")

    return StreamingResponse(events(), media_type="text/event-stream", headers=SSE_HEADERS)
