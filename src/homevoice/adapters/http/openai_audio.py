"""OpenAI-compatible speech to text: ``/v1/audio/transcriptions`` and ``/v1/audio/translations``."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from enum import StrEnum
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, UploadFile
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.background import BackgroundTask

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.errors import error_body, status_for
from homevoice.adapters.http.sse import SSE_HEADERS, sse_event
from homevoice.engines.base import Segment, Task, Transcript
from homevoice.errors import HomevoiceError
from homevoice.formats.transcript import to_srt, to_vtt, verbose_json
from homevoice.services.transcription import TranscriptionRequest

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/audio", tags=["audio"])


class ResponseFormat(StrEnum):
    JSON = "json"
    TEXT = "text"
    SRT = "srt"
    VTT = "vtt"
    VERBOSE_JSON = "verbose_json"


class Granularity(StrEnum):
    WORD = "word"
    SEGMENT = "segment"


Ctx = Annotated[HttpContext, Depends(http_context)]
AudioFile = Annotated[
    UploadFile, File(description="Audio or video: ogg/opus, mp3, m4a, wav, flac, webm, mp4...")
]
ModelField = Annotated[
    str | None,
    Form(description="A model id from /v1/models; `whisper-1` means the server's default."),
]
PromptField = Annotated[str | None, Form(description="Text that guides spelling and style.")]
FormatField = Annotated[ResponseFormat, Form()]
TemperatureField = Annotated[float | None, Form(ge=0, le=1, description="0 is deterministic.")]

_TRANSCRIPTION_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {
            "application/json": {},
            "text/plain": {},
            "text/vtt": {},
            "text/event-stream": {},
        },
        "description": "The transcript in the requested format, or server-sent events with stream=true.",
    }
}


@router.post("/transcriptions", responses=_TRANSCRIPTION_RESPONSES, response_model=None)
async def create_transcription(
    ctx: Ctx,
    file: AudioFile,
    model: ModelField = None,
    language: Annotated[str | None, Form(description="ISO-639-1 code; empty or `auto` detects.")] = None,
    prompt: PromptField = None,
    response_format: FormatField = ResponseFormat.JSON,
    temperature: TemperatureField = None,
    timestamp_granularities: Annotated[
        list[Granularity] | None, Form(alias="timestamp_granularities[]")
    ] = None,
    stream: Annotated[bool, Form(description="Send each segment as a server-sent event.")] = False,
) -> Response:
    granularities = set(timestamp_granularities or ())
    request = TranscriptionRequest(
        model=ctx.stt_model(model),
        language=language,
        initial_prompt=prompt,
        temperature=temperature,
        word_timestamps=Granularity.WORD in granularities,
    )
    if stream:
        return await _stream(ctx, file, request)
    transcript = await _transcribe(ctx, file, request)
    response = _render(transcript, response_format, "transcribe", granularities)
    if _announces(ctx):
        # After the response is sent, in a worker thread: the client never waits for the webhooks.
        response.background = BackgroundTask(_transcript_ready, ctx, transcript, request.model)
    return response


@router.post("/translations", responses=_TRANSCRIPTION_RESPONSES, response_model=None)
async def create_translation(
    ctx: Ctx,
    file: AudioFile,
    model: ModelField = None,
    prompt: PromptField = None,
    response_format: FormatField = ResponseFormat.JSON,
    temperature: TemperatureField = None,
) -> Response:
    """Speech in any language to English text."""
    request = TranscriptionRequest(
        model=ctx.stt_model(model), task="translate", initial_prompt=prompt, temperature=temperature
    )
    transcript = await _transcribe(ctx, file, request)
    return _render(transcript, response_format, "translate", set())


async def _transcribe(ctx: HttpContext, file: UploadFile, request: TranscriptionRequest) -> Transcript:
    assert request.model is not None
    name = display_name(file)
    return await ctx.gate.run(
        request.model, lambda: ctx.app.transcription.transcribe(file.file, request, name=name)
    )


async def _stream(ctx: HttpContext, file: UploadFile, request: TranscriptionRequest) -> StreamingResponse:
    """OpenAI's streaming events (``transcript.text.delta`` then ``.done``), one delta per segment."""
    assert request.model is not None
    admission = await ctx.gate.admit(request.model)  # a full queue is a 429, before the stream opens
    loop = asyncio.get_running_loop()
    segments: asyncio.Queue[Segment | None] = asyncio.Queue()
    name = display_name(file)

    def send(segment: Segment) -> None:
        loop.call_soon_threadsafe(segments.put_nowait, segment)

    def work() -> Transcript:
        try:
            return ctx.app.transcription.transcribe(file.file, request, name=name, on_segment=send)
        finally:
            loop.call_soon_threadsafe(segments.put_nowait, None)

    async def events() -> AsyncIterator[bytes]:
        task: asyncio.Future[Transcript] | None = None
        try:
            task = asyncio.ensure_future(anyio.to_thread.run_sync(work))
            # The model is busy until the thread ends, even if the client has gone away.
            task.add_done_callback(lambda _: admission.release())
            first = True
            while (segment := await segments.get()) is not None:
                delta = segment.text if first else " " + segment.text
                first = False
                yield sse_event(
                    {
                        "type": "transcript.text.delta",
                        "delta": delta,
                        "segment_id": str(segment.id),
                        "segment": {"id": segment.id, "start": segment.start, "end": segment.end},
                    }
                )
            try:
                transcript = await task
            except HomevoiceError as err:
                yield sse_event(error_body(err.message, err.code, status_for(err.code)))
                return
            except Exception:  # the stream has started: the error must travel as an event
                log.exception("streamed transcription failed")
                yield sse_event(
                    error_body("The transcription failed; see the server log.", "internal_error", 500)
                )
                return
            yield sse_event({"type": "transcript.text.done", "text": transcript.text})
            finished.append(transcript)
        finally:
            if task is None:
                admission.release()

    def announce() -> None:
        if finished:
            _transcript_ready(ctx, finished[0], request.model)

    finished: list[Transcript] = []
    background = BackgroundTask(announce) if _announces(ctx) else None
    return StreamingResponse(
        events(), media_type="text/event-stream", headers=SSE_HEADERS, background=background
    )


def _announces(ctx: HttpContext) -> bool:
    """Whether a transcript goes to webhooks: someone takes ``transcript.ready`` and the job runtime
    (which delivers webhooks) runs in this server."""
    return ctx.jobs is not None and ctx.app.webhooks.subscribed("transcript.ready")


def _transcript_ready(ctx: HttpContext, transcript: Transcript, model: str | None) -> None:
    """The ``transcript.ready`` event (blocking: Starlette runs a sync background task in a thread)."""
    data = {
        "text": transcript.text,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "model": model,
    }
    try:
        ctx.app.webhooks.publish("transcript.ready", data)
    except Exception as err:  # the client has its transcript; a webhook problem is only logged
        log.warning("cannot queue the transcript.ready webhook: %s", err)


def _render(
    transcript: Transcript, fmt: ResponseFormat, task: Task, granularities: set[Granularity]
) -> Response:
    if fmt is ResponseFormat.TEXT:
        return PlainTextResponse(transcript.text)
    if fmt is ResponseFormat.SRT:
        return PlainTextResponse(to_srt(transcript))
    if fmt is ResponseFormat.VTT:
        return PlainTextResponse(to_vtt(transcript), media_type="text/vtt")
    if fmt is ResponseFormat.JSON:
        return JSONResponse({"text": transcript.text})
    body = verbose_json(transcript, task)
    if granularities == {Granularity.WORD}:
        body.pop("segments", None)  # OpenAI gives only what was asked for
    return Response(json.dumps(body, ensure_ascii=False), media_type="application/json")


def display_name(file: UploadFile) -> str:
    # Only for messages; the upload never touches the filesystem under this name.
    name = (file.filename or "upload").replace("\n", " ").replace("\r", " ")
    return name[-120:]
