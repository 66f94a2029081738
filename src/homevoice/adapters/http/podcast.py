"""``/podcast/SECRET/...``: the private feed and its audio, for podcast apps that cannot send API keys.

The secret in the path is the credential, so ``BearerAuth`` lets these paths through; a wrong secret
answers exactly like an unknown route, whatever books exist.
"""

from __future__ import annotations

import hmac
import logging
import re
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException

from homevoice.adapters.http.context import HttpContext, http_context
from homevoice.audiobooks.feed import podcast_feed
from homevoice.audiobooks.library import BookNotFoundError
from homevoice.audiobooks.secret import podcast_secret
from homevoice.settings import Settings

router = APIRouter(prefix="/podcast/{secret}", tags=["podcast"])
Ctx = Annotated[HttpContext, Depends(http_context)]
# No length limits: with a wrong secret every request answers 404, whatever else it says.
Secret = Annotated[str, Path(description="The feed's secret; `GET /v1/audiobooks/podcast` tells it.")]
BookId = Annotated[str, Path()]
FileName = Annotated[str, Path(description="A file the book's record lists.")]

RSS_TYPE = "application/rss+xml; charset=utf-8"


def base_url(settings: Settings, request: Request) -> str:
    """The address phones reach the server at: configured, else the one this request came to."""
    configured = settings.audiobooks.public_url
    if configured:
        return configured.rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}"


async def _check_secret(ctx: HttpContext, given: str) -> str:
    expected = await anyio.to_thread.run_sync(podcast_secret, ctx.app.settings)
    if not hmac.compare_digest(given.encode(), expected.encode()):
        # The same answer as a path that matches no route.
        raise HTTPException(404, "Not Found")
    return expected


# HEAD beside GET (out of the schema, which would repeat the operation): apps probe before downloading.
@router.head("/feed.xml", include_in_schema=False)
@router.get("/feed.xml", response_class=Response, responses={200: {"content": {"application/rss+xml": {}}}})
async def feed(ctx: Ctx, request: Request, secret: Secret) -> Response:
    """The podcast feed: every finished audiobook, one episode per audio file."""
    expected = await _check_secret(ctx, secret)
    settings = ctx.app.settings
    base = base_url(settings, request)

    def build() -> bytes:
        books = ctx.app.audiobook_library().list()
        return podcast_feed(books, title=settings.audiobooks.podcast_title, base_url=base, secret=expected)

    body = await anyio.to_thread.run_sync(build)  # reads every record: off the event loop
    return Response(body, media_type=RSS_TYPE, headers={"Cache-Control": "private, no-cache"})


@router.head("/books/{book_id}/{name}", include_in_schema=False)
@router.get("/books/{book_id}/{name}", response_class=FileResponse)
async def book_file(ctx: Ctx, secret: Secret, book_id: BookId, name: FileName) -> FileResponse:
    """An episode's audio or a cover; answers ``Range`` requests, as podcast apps seek and resume."""
    await _check_secret(ctx, secret)
    return await book_file_response(ctx, book_id, name, attachment=False)


async def book_file_response(ctx: HttpContext, book_id: str, name: str, *, attachment: bool) -> FileResponse:
    """A file the book's record lists (never another path), with Starlette's range support."""
    record, entry, path = await anyio.to_thread.run_sync(ctx.app.audiobook_library().file_path, book_id, name)
    if not await anyio.to_thread.run_sync(path.is_file):
        raise BookNotFoundError(f"Audiobook {record.id!r} has no file {name!r} any more.")
    return FileResponse(
        path,
        media_type=entry.media_type,
        filename=entry.name if attachment else None,
        headers={"Cache-Control": "private"},
    )


class RedactPodcastSecret(logging.Filter):
    """Keeps the feed's secret out of uvicorn's access log, which logs every path at INFO."""

    _SECRET = re.compile(r"(/podcast/)[^/?\s\"]+")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self._redact(a) for a in record.args)
        return True

    def _redact(self, value: Any) -> Any:
        return self._SECRET.sub(r"\1***", value) if isinstance(value, str) and "/podcast/" in value else value


def redact_access_log() -> None:
    """Install the filter on uvicorn's access logger (once; uvicorn's log setup keeps filters)."""
    access = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactPodcastSecret) for f in access.filters):
        access.addFilter(RedactPodcastSecret())
