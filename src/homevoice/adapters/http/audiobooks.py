"""``/v1/audiobooks``: finished audiobooks for the owner: list, fetch, download, delete, the feed's address."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.adapters.http.podcast import base_url, book_file_response
from homevoice.audiobooks.feed import feed_url
from homevoice.audiobooks.library import BookRecord
from homevoice.audiobooks.secret import podcast_secret

router = APIRouter(prefix="/v1/audiobooks", tags=["audiobooks"])
Ctx = Annotated[HttpContext, Depends(http_context)]
BookId = Annotated[str, Path(max_length=200, description="The id in the list of audiobooks.")]
FileName = Annotated[str, Path(max_length=300, description="A file the book's record lists.")]


def book_json(record: BookRecord, base: str) -> dict[str, Any]:
    """The record as stored, with a download URL for each file."""
    body = record.to_json()
    body["object"] = "audiobook"
    for entry in body["files"]:
        entry["url"] = (
            f"{base}/v1/audiobooks/{quote(record.id, safe='')}/files/{quote(entry['name'], safe='')}"
        )
    return body


# Before /{book_id}, which would otherwise take "podcast" for a book's id.
@router.get("/podcast")
async def podcast(ctx: Ctx, request: Request) -> dict[str, Any]:
    """The private feed's address, to paste into a podcast app; whoever has it can listen."""
    secret = await anyio.to_thread.run_sync(podcast_secret, ctx.app.settings)
    return {"object": "podcast", "feed_url": feed_url(base_url(ctx.app.settings, request), secret)}


@router.get("")
async def list_audiobooks(ctx: Ctx, request: Request) -> dict[str, Any]:
    """Finished audiobooks, newest first."""
    books = await anyio.to_thread.run_sync(ctx.app.audiobook_library().list)
    base = base_url(ctx.app.settings, request)
    return {"object": "list", "data": [book_json(b, base) for b in books]}


@router.get("/{book_id}")
async def get_audiobook(ctx: Ctx, request: Request, book_id: BookId) -> dict[str, Any]:
    record = await anyio.to_thread.run_sync(ctx.app.audiobook_library().get, book_id)
    return book_json(record, base_url(ctx.app.settings, request))


@router.head("/{book_id}/files/{name}", include_in_schema=False)
@router.get("/{book_id}/files/{name}", response_class=FileResponse)
async def get_audiobook_file(ctx: Ctx, book_id: BookId, name: FileName) -> FileResponse:
    """Download one of the book's files; answers ``Range`` requests."""
    return await book_file_response(ctx, book_id, name, attachment=True)


@router.delete("/{book_id}")
async def delete_audiobook(ctx: Ctx, book_id: BookId) -> dict[str, Any]:
    """Delete the book's folder; it leaves the list and the feed at once."""
    await anyio.to_thread.run_sync(ctx.app.audiobook_library().delete, book_id)
    return {"id": book_id, "object": "audiobook", "deleted": True}
