"""The fake Bot API's HTTP side: the FastAPI app, its uvicorn thread, and ``FakeBotApi`` composing the rest.

Methods are served at ``{root}/bot{token}/{method}`` and files at ``{root}/file/bot{token}/{file_path}``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

from tests.fakes.live_server import free_port
from tests.fakes.telegram.errors import ApiError, error_response
from tests.fakes.telegram.media_updates import MediaUpdatesMixin
from tests.fakes.telegram.messages import MessagesMixin
from tests.fakes.telegram.methods import MethodsMixin
from tests.fakes.telegram.requests import Handler, read_call
from tests.fakes.telegram.state import SentAudio


class FakeBotApi(MediaUpdatesMixin, MethodsMixin, MessagesMixin):
    """A Telegram Bot API look-alike served by uvicorn in a background thread.

    Thread-safe: updates may be added from the test thread while the bot long-polls. Every method
    call, failed or not, lands in ``calls`` with its decoded parameters (uploads as ``bytes``).
    """

    def __init__(self, token: str = "123456:TEST-token", files: Mapping[str, Path] | None = None) -> None:
        super().__init__(token)
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, tuple[str, Handler]] = {
            name.lower(): (name, handler)
            for name, handler in {
                "getMe": self._get_me,
                "logOut": self._true,
                "close": self._true,
                "getUpdates": self._get_updates,
                "deleteWebhook": self._delete_webhook,
                "getWebhookInfo": self._get_webhook_info,
                "setMyCommands": self._set_my_commands,
                "getMyCommands": self._get_my_commands,
                "deleteMyCommands": self._delete_my_commands,
                "getFile": self._get_file,
                "sendMessage": self._send_message,
                "editMessageText": self._edit_message_text,
                "sendVoice": self._send_voice,
                "sendAudio": self._send_audio,
                "sendDocument": self._send_document,
                "setMessageReaction": self._set_message_reaction,
                "sendChatAction": self._send_chat_action,
            }.items()
        }
        for file_id, path in (files or {}).items():
            self._register_file(path, folder="documents", suffix=path.suffix, file_id=file_id)
        self.app = self._build_app()

    # ----------------------------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Serve on a free port of 127.0.0.1 and set ``root_url``."""
        if self._thread is not None:
            return
        port = free_port()
        config = uvicorn.Config(
            self.app,
            host="127.0.0.1",
            port=port,
            log_level="warning",
            lifespan="on",
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self._stopping = False
        self._thread = threading.Thread(target=self._server.run, name="fake-telegram-api", daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 60
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the fake Telegram Bot API did not start")
            time.sleep(0.02)
        self.root_url = f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        """End pending long polls and stop the server."""
        if self._server is None or self._thread is None:
            return
        self._stopping = True
        self._notify()
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._server = None
        self._thread = None

    def __enter__(self) -> FakeBotApi:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        """The ``base_url`` argument for ``telegram.Bot``."""
        return f"{self.root_url}/bot"

    @property
    def base_file_url(self) -> str:
        """The ``base_file_url`` argument for ``telegram.Bot``."""
        return f"{self.root_url}/file/bot"

    # ---------------------------------------------------------------------------------- observing

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        """The parameters of every call of ``method`` (case-insensitive), oldest first."""
        wanted = method.lower()
        with self._lock:
            return [params for name, params in self.calls if name.lower() == wanted]

    def sent_voices(self) -> list[bytes]:
        """The audio bytes of every successful ``sendVoice``."""
        with self._lock:
            return list(self._sent_voices)

    def sent_audios(self) -> list[SentAudio]:
        """Every successful ``sendAudio``: its bytes and the title, performer and duration sent."""
        with self._lock:
            return list(self._sent_audios)

    def reactions_on(self, message_id: int, *, chat_id: int) -> list[str]:
        """The emoji the bot has set on a message now (empty once cleared)."""
        with self._lock:
            reactions = self._reactions.get((chat_id, message_id), [])
            return [str(r.get("emoji") or r.get("custom_emoji_id") or r.get("type")) for r in reactions]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 30.0) -> None:
        """Poll ``predicate`` until it holds; on timeout fail with what the bot has done so far."""
        deadline = time.monotonic() + timeout
        while True:
            if predicate():
                return
            if time.monotonic() > deadline:
                break
            time.sleep(0.02)
        with self._lock:
            recent = [
                f"  {name} {_brief(params)}" for name, params in self.calls[-15:] if name != "getUpdates"
            ]
            polls = sum(1 for name, _ in self.calls if name == "getUpdates")
            pending = len(self._updates)
        raise AssertionError(
            f"condition not met within {timeout:g}s; pending updates: {pending}, "
            f"confirmed offset: {self.confirmed_offset}, getUpdates calls: {polls}, "
            f"recent calls:\n" + ("\n".join(recent) or "  (none)")
        )

    # ---------------------------------------------------------------------------------------- app

    def _build_app(self) -> FastAPI:
        @contextlib.asynccontextmanager
        async def lifespan(_: FastAPI) -> AsyncIterator[None]:
            self._loop = asyncio.get_running_loop()
            self._wakeup = None
            yield
            self._loop = None

        app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)

        @app.api_route("/file/bot{token}/{file_path:path}", methods=["GET"])
        async def download(token: str, file_path: str) -> Response:
            with self._lock:
                self.downloads.append(file_path)
                stored = next((f for f in self._files.values() if f.file_path == file_path), None)
            if token != self.token or stored is None:
                return error_response(ApiError(404, "Not Found"))
            if self.fail_downloads:
                return Response("Internal Server Error", status_code=500, media_type="text/plain")
            return Response(stored.read(), media_type="application/octet-stream")

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def method(token: str, method: str, request: Request) -> Response:
            if token != self.token:
                return error_response(ApiError(401, "Unauthorized"))
            found = self._handlers.get(method.lower())
            if found is None:
                return error_response(ApiError(404, "Not Found"))
            name, handler = found
            too_large = await _request_size(request) > self.max_upload_mb * 1024 * 1024
            try:
                call = await read_call(request)
            except ApiError as err:
                return error_response(err)
            with self._lock:
                self.calls.append((name, call.params))
            if too_large:  # the real API refuses it before reading any parameter
                return error_response(ApiError(413, "Request Entity Too Large"))
            try:
                result = await handler(call)
            except ApiError as err:
                return error_response(err)
            return JSONResponse({"ok": True, "result": result})

        return app


async def _request_size(request: Request) -> int:
    length = request.headers.get("content-length", "")
    return int(length) if length.isdigit() else len(await request.body())


def _brief(params: Mapping[str, Any]) -> str:
    shown = {
        key: (f"<{len(value)} bytes>" if isinstance(value, bytes) else value) for key, value in params.items()
    }
    text = repr(shown)
    return text if len(text) < 200 else text[:197] + "..."
