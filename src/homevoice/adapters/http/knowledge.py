"""Search and answers over the vault: ``/v1/search``, ``/v1/ask`` and ``/v1/knowledge/expand``."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Body, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.knowledge.model import SearchMode
from homevoice.knowledge.views import answer_json, search_result

router = APIRouter(prefix="/v1", tags=["knowledge"])
Ctx = Annotated[HttpContext, Depends(http_context)]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="What to ask the notes; the answer is in the question's language.")
    limit: int | None = Field(
        None,
        ge=1,
        le=50,
        description="Passages given to the LLM (default `HOMEVOICE_RAG__CONTEXT_PASSAGES`).",
    )


class ExpandRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: date | None = Field(None, description="Only the notes of this day (YYYY-MM-DD); default every day.")


@router.get("/search")
async def search(
    ctx: Ctx,
    q: Annotated[str, Query(description="What to look for, in words or as a question.")],
    limit: Annotated[int, Query(ge=1, le=50, description="How many passages.")] = 5,
    mode: Annotated[
        SearchMode, Query(description="`hybrid` (meanings and words), `vector` or `keyword`.")
    ] = SearchMode.HYBRID,
) -> dict[str, Any]:
    """The vault's best passages: `results`, each with `path`, `title`, `heading`, `page`, `text`,
    `score`, `link` (an Obsidian wikilink) and `obsidian_uri` (opens the file in Obsidian). Works
    without an LLM."""
    passages = await anyio.to_thread.run_sync(lambda: ctx.app.knowledge().search(q, limit, mode))
    vault = ctx.app.settings.vault_name
    return {"results": [search_result(p, vault) for p in passages]}


@router.post("/ask")
async def ask(ctx: Ctx, request: AskRequest) -> dict[str, Any]:
    """Answer from the notes through the LLM: `answer`, `citations` (the passages it was given:
    `path`, `title`, `heading`, `page`, `link`, `score`, `obsidian_uri`) and `model`. 503
    `llm_not_configured` when no LLM is set."""
    answer = await anyio.to_thread.run_sync(
        lambda: ctx.app.knowledge().ask(request.question, limit=request.limit)
    )
    return answer_json(answer, ctx.app.settings.vault_name)


@router.post("/knowledge/expand")
async def expand(ctx: Ctx, request: Annotated[ExpandRequest | None, Body()] = None) -> dict[str, Any]:
    """Expand the notes marked `status: unprocessed` into structured notes: `written` (the new
    notes), `processed` (the sources now marked) and `skipped` (sources edited meanwhile)."""
    day = request.day if request is not None else None
    report = await anyio.to_thread.run_sync(lambda: ctx.app.knowledge().expand(day=day))
    return asdict(report)
