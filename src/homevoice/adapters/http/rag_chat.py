"""``POST /v1/chat/completions`` with model ``homevoice-rag``: chat with the vault from Open WebUI, n8n
or any OpenAI client. The last user message is the question, earlier ones are the conversation;
the answer ends with the links of its sources."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.errors import error_body, status_for
from homevoice.adapters.http.sse import SSE_HEADERS, sse_event
from homevoice.errors import HomevoiceError
from homevoice.knowledge.answer import message_text, sources_footer
from homevoice.knowledge.model import Passage
from homevoice.knowledge.views import citation
from homevoice.services.knowledge import RAG_MODEL

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1", tags=["knowledge"])
Ctx = Annotated[HttpContext, Depends(http_context)]
_DONE = b"data: [DONE]\n\n"


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    """OpenAI's chat request; sampling options (temperature, max_tokens...) are accepted and ignored."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(description=f"`{RAG_MODEL}`: answer from the vault.")
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False


@router.post("/chat/completions", response_model=None)
async def chat_completions(ctx: Ctx, request: ChatRequest) -> dict[str, Any] | StreamingResponse:
    """Answers from your notes in OpenAI's `chat.completion` shape, or as `chat.completion.chunk`
    server-sent events ending with `data: [DONE]` when `stream` is true."""
    if request.model != RAG_MODEL:
        raise HomevoiceError(
            f"Model {request.model!r} is not served here; use model {RAG_MODEL!r} to chat with your notes.",
            code="model_not_found",
        )
    question, history = _question(request.messages)
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if request.stream:
        citations, pieces = await anyio.to_thread.run_sync(
            lambda: ctx.app.knowledge().stream_ask(question, history=history)
        )
        events = _events(completion_id, created, question, citations, pieces)
        return StreamingResponse(events, media_type="text/event-stream", headers=SSE_HEADERS)
    answer = await anyio.to_thread.run_sync(lambda: ctx.app.knowledge().ask(question, history=history))
    content = answer.text + sources_footer(answer.citations, question)
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": RAG_MODEL,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}
        ],
        "citations": [citation(p, ctx.app.settings.vault_name) for p in answer.citations],
    }


def _question(messages: list[ChatMessage]) -> tuple[str, list[dict[str, Any]]]:
    """The last user message, and everything before it as the conversation."""
    for i in range(len(messages) - 1, -1, -1):
        if messages[i].role == "user":
            history = [{"role": m.role, "content": m.content} for m in messages[:i]]
            return message_text(messages[i].content), history
    raise HomevoiceError(
        "The messages have no user message; the last user message is the question.", code="invalid_request"
    )


async def _events(
    completion_id: str, created: int, question: str, citations: list[Passage], pieces: Iterator[str]
) -> AsyncIterator[bytes]:
    def chunk(delta: dict[str, str], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish}
        return sse_event(
            {
                "id": completion_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": RAG_MODEL,
                "choices": [choice],
            }
        )

    yield chunk({"role": "assistant", "content": ""})
    try:
        # Each piece comes from the LLM's own stream: wait for it off the event loop.
        while (piece := await anyio.to_thread.run_sync(next, pieces, None)) is not None:
            yield chunk({"content": piece})
    except HomevoiceError as err:  # the stream has started: the error travels as an event
        yield sse_event(error_body(err.message, err.code, status_for(err.code)))
        yield _DONE
        return
    except Exception:
        log.exception("a streamed answer failed")
        yield sse_event(error_body("The answer failed; see the server log.", "internal_error", 500))
        yield _DONE
        return
    finally:
        close = getattr(pieces, "close", None)
        if callable(close):
            await anyio.to_thread.run_sync(close)
    footer = sources_footer(citations, question)
    if footer:
        yield chunk({"content": footer})
    yield chunk({}, "stop")
    yield _DONE
