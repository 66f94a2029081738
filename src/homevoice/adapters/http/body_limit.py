"""Refuse request bodies over the configured size before they fill memory or disk."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from homevoice.adapters.http.errors import error_response
from homevoice.errors import HomevoiceError


class RequestTooLargeError(HomevoiceError):
    code = "request_too_large"


class BodySizeLimit:
    """Checks Content-Length up front and counts streamed (chunked) bodies as they arrive."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _error(self) -> RequestTooLargeError:
        return RequestTooLargeError(
            f"The request body is larger than {self.max_bytes / 1e6:.0f} MB, this server's limit "
            "(HOMEVOICE_HTTP__MAX_UPLOAD_MB); compress the audio (for example to Opus) or split it."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            err = self._error()
            await error_response(err.message, err.code, 413)(scope, receive, send)
            return
        received = 0
        exceeded = False
        started = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise self._error()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started, replaced
            if message["type"] == "http.response.start":
                started = True
                if exceeded:
                    # A parser may have turned our exception into its own 400; the answer is a 413.
                    replaced = True
                    err = self._error()
                    await error_response(err.message, err.code, 413)(scope, receive, send)
                    return
            if not replaced:
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except RequestTooLargeError as err:
            if replaced:
                return
            if started:
                raise
            await error_response(err.message, err.code, 413)(scope, receive, send)
