"""The web page at ``/`` and its files under ``/web/``: open without a key, since they hold no data.

Everything the page shows comes from the API, which still needs the key when keys are set.
"""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homevoice.web import STATIC_DIR

PAGE_PATH: Final = "/"
FILES_PREFIX: Final = "/web"
# Only this server's own files and the audio the page makes itself (blob: URLs for playback and
# downloads); no CDN, no inline script, no framing by other sites.
CONTENT_SECURITY_POLICY: Final = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS: Final = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    # Microphone for dictation and voice samples, from this page only.
    "Permissions-Policy": "microphone=(self), camera=(), geolocation=()",
    # Revalidated on every load, so an upgraded server never runs with an old page.
    "Cache-Control": "no-cache",
}
_RAW_HEADERS: Final = [(name.lower().encode(), value.encode()) for name, value in PAGE_HEADERS.items()]

router = APIRouter(include_in_schema=False)


@router.get(PAGE_PATH)
async def page() -> FileResponse:
    return FileResponse(
        STATIC_DIR / "index.html", media_type="text/html; charset=utf-8", headers=PAGE_HEADERS
    )


class _FileHeaders:
    """Gives the static files' responses the page's headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_RAW_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def mount_web(api: FastAPI) -> None:
    api.include_router(router)
    api.mount(FILES_PREFIX, _FileHeaders(StaticFiles(directory=STATIC_DIR)), name="web")
