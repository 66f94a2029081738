"""A fake Telegram Bot API server over real HTTP on 127.0.0.1, for tests that run python-telegram-bot.

Point a bot at it with ``Bot(api.token, base_url=f"{api.root_url}/bot", base_file_url=f"{api.root_url}/file/bot")``:
methods are served at ``{root}/bot{token}/{method}`` and files at ``{root}/file/bot{token}/{file_path}``.
Tests add incoming updates with the ``add_*`` methods (from any thread) and observe what the bot did
through ``calls``, ``calls_of``, ``sent_messages`` and ``sent_voices``.

PTB posts every method as a form: ``application/x-www-form-urlencoded`` without files and
``multipart/form-data`` with them; strings go as they are and every other value (numbers, booleans,
lists, objects such as ``reply_parameters`` or ``reaction``) as a JSON string. The fake also takes query
strings and JSON bodies, and decodes the known numeric, boolean and nested fields.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from tests.fakes.live_server import free_port

BOT_USERNAME = "homevoice_test_bot"
MAX_MESSAGE_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_UPDATES_LIMIT = 100

#: The emoji a bot may react with (the Bot API's ``ReactionTypeEmoji`` list), plus PTB's spellings of the
#: ZWJ sequences with U+FE0F (``telegram.constants.ReactionEmoji``). A lone "❤️" (with U+FE0F) is refused,
#: as the real API does.
ALLOWED_REACTIONS: frozenset[str] = frozenset(
    (  # noqa: SIM905 - a spaced list reads better than 73 quoted items
        "👍 👎 ❤ 🔥 🥰 👏 😁 🤔 🤯 😱 🤬 😢 🎉 🤩 🤮 💩 🙏 👌 🕊 🤡 🥱 🥴 😍 🐳 \u2764\u200d\U0001f525 🌚 🌭 💯 🤣 ⚡ 🍌 "
        "🏆 💔 🤨 😐 🍓 🍾 💋 🖕 😈 😴 😭 🤓 👻 \U0001f468\u200d\U0001f4bb 👀 🎃 🙈 😇 😨 🤝 ✍ 🤗 🫡 🎅 🎄 ☃ 💅 🤪 "
        "🗿 🆒 💘 🙉 🦄 😘 💊 🙊 😎 👾 \U0001f937\u200d\u2642 🤷 \U0001f937\u200d\u2640 😡"
    ).split()
) | {"\u2764\ufe0f\u200d\U0001f525", "\U0001f937\u200d\u2642\ufe0f", "\U0001f937\u200d\u2640\ufe0f"}

CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)

_JSON_FIELDS = frozenset(
    {
        "allowed_updates",
        "caption_entities",
        "commands",
        "entities",
        "link_preview_options",
        "media",
        "reaction",
        "reply_markup",
        "reply_parameters",
        "scope",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "duration",
        "from_chat_id",
        "height",
        "length",
        "limit",
        "message_id",
        "message_thread_id",
        "offset",
        "reply_to_message_id",
        "user_id",
        "width",
    }
)
_FLOAT_FIELDS = frozenset({"timeout"})
_BOOL_FIELDS = frozenset(
    {
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "disable_notification",
        "disable_web_page_preview",
        "drop_pending_updates",
        "has_spoiler",
        "is_big",
        "protect_content",
        "supports_streaming",
    }
)
_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
_MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
)


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes | None = None
    source: Path | None = None
    size: int | None = None

    def read(self) -> bytes:
        if self.data is not None:
            return self.data
        assert self.source is not None
        return self.source.read_bytes()

    def real_size(self) -> int:
        if self.data is not None:
            return len(self.data)
        assert self.source is not None
        return self.source.stat().st_size


@dataclass
class _Upload:
    filename: str | None
    content_type: str | None


@dataclass
class _Call:
    params: dict[str, Any]
    uploads: dict[str, _Upload] = field(default_factory=dict)


_Handler = Callable[[_Call], Awaitable[Any]]


class FakeBotApi:
    """A Telegram Bot API look-alike served by uvicorn in a background thread.

    Thread-safe: updates may be added from the test thread while the bot long-polls. Every method
    call, failed or not, lands in ``calls`` with its decoded parameters (uploads as ``bytes``).
    """

    def __init__(self, token: str = "123456:TEST-token", files: Mapping[str, Path] | None = None) -> None:
        self.token = token
        self.root_url = ""
        head = token.split(":", 1)[0]
        self.bot_id = int(head) if head.isdigit() else 123456
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.sent_messages: list[dict[str, Any]] = []
        self.downloads: list[str] = []
        self.confirmed_offset = 0
        self.fail_downloads = False
        self.file_size_override: int | None = None
        self.max_file_mb: float = 20
        self.commands: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 100_001
        self._next_file = 1
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._reactions: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._sent_voices: list[bytes] = []
        self._poll_generation = 0
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self._handlers: dict[str, tuple[str, _Handler]] = {
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

    # ------------------------------------------------------------------------------------ updates

    def add_text(
        self,
        text: str,
        *,
        user_id: int,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        entities: list[dict[str, Any]] | None = None,
        reply_to_message_id: int | None = None,
        first_name: str | None = None,
    ) -> int:
        """A text message from ``user_id``; returns its message_id."""
        extra: dict[str, Any] = {"text": text}
        if entities:
            extra["entities"] = entities
        return self._add_message(
            extra,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
            first_name=first_name,
        )

    def add_command(
        self,
        command_text: str,
        *,
        user_id: int,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        first_name: str | None = None,
    ) -> int:
        """A command such as ``"/say hello"``: text with a ``bot_command`` entity at offset 0."""
        if not command_text.startswith("/"):
            raise ValueError("a command starts with '/'")
        command = command_text.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
        return self.add_text(
            command_text,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            entities=[entity],
            first_name=first_name,
        )

    def add_edited_text(
        self, message_id: int, text: str, *, user_id: int, chat_id: int | None = None
    ) -> None:
        """An ``edited_message`` update: message ``message_id`` now reads ``text``."""
        chat = user_id if chat_id is None else chat_id
        now = int(time.time())
        with self._lock:
            original = self._messages.get((chat, message_id))
            if original is not None:
                message = dict(original)
            else:
                message = {
                    "message_id": message_id,
                    "from": self._user(user_id),
                    "chat": self._chat(chat, user_id),
                    "date": now - 60,
                }
            message.pop("entities", None)
            message["text"] = text
            message["edit_date"] = max(now, int(message["date"]))
            self._messages[(chat, message_id)] = message
            self._push_update({"edited_message": message})

    def add_voice(
        self,
        path: Path,
        *,
        user_id: int,
        chat_id: int | None = None,
        caption: str | None = None,
        duration: int | None = None,
        mime_type: str = "audio/ogg",
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A voice note; its file gets a new file_id and the file_path ``voice/file_N.oga``."""
        stored = self._register_file(path, folder="voice", suffix=".oga", size=file_size)
        voice = {
            **self._file_fields(stored),
            "duration": 1 if duration is None else duration,
            "mime_type": mime_type,
        }
        return self._add_media(
            "voice",
            voice,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_audio(
        self,
        path: Path,
        *,
        user_id: int,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        duration: int | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        performer: str | None = None,
        title: str | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A music file (``message.audio``), stored under ``music/file_N.<ext>``."""
        stored = self._register_file(path, folder="music", suffix=Path(file_name).suffix, size=file_size)
        audio: dict[str, Any] = {
            **self._file_fields(stored),
            "duration": 1 if duration is None else duration,
            "file_name": file_name,
            "mime_type": mime_type,
        }
        if performer is not None:
            audio["performer"] = performer
        if title is not None:
            audio["title"] = title
        return self._add_media(
            "audio",
            audio,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_document(
        self,
        path: Path,
        *,
        user_id: int,
        file_name: str,
        mime_type: str,
        caption: str | None = None,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A general file (``message.document``), stored under ``documents/file_N.<ext>``."""
        stored = self._register_file(path, folder="documents", suffix=Path(file_name).suffix, size=file_size)
        document = {**self._file_fields(stored), "file_name": file_name, "mime_type": mime_type}
        return self._add_media(
            "document",
            document,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_video_note(
        self,
        path: Path,
        *,
        user_id: int,
        duration: int | None = None,
        length: int = 240,
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A round video message (``message.video_note``), stored under ``video_notes/file_N.mp4``."""
        stored = self._register_file(path, folder="video_notes", suffix=".mp4", size=file_size)
        note = {
            **self._file_fields(stored),
            "length": length,
            "duration": 1 if duration is None else duration,
        }
        return self._add_media(
            "video_note",
            note,
            caption=None,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

    def add_video(
        self,
        path: Path,
        *,
        user_id: int,
        caption: str | None = None,
        duration: int | None = None,
        width: int = 640,
        height: int = 360,
        file_name: str | None = None,
        mime_type: str = "video/mp4",
        chat_id: int | None = None,
        message_id: int | None = None,
        date: int | None = None,
        file_size: int | None = None,
        forward_from_name: str | None = None,
        forward_from_user_id: int | None = None,
        forward_from_chat_title: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """A video (``message.video``), stored under ``videos/file_N.mp4``."""
        stored = self._register_file(path, folder="videos", suffix=".mp4", size=file_size)
        video: dict[str, Any] = {
            **self._file_fields(stored),
            "width": width,
            "height": height,
            "duration": 1 if duration is None else duration,
            "mime_type": mime_type,
        }
        if file_name is not None:
            video["file_name"] = file_name
        return self._add_media(
            "video",
            video,
            caption=caption,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
        )

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

    def reactions_on(self, message_id: int, *, chat_id: int) -> list[str]:
        """The emoji the bot has set on a message now (empty once cleared)."""
        with self._lock:
            reactions = self._reactions.get((chat_id, message_id), [])
            return [str(r.get("emoji") or r.get("custom_emoji_id") or r.get("type")) for r in reactions]

    def pending_updates(self) -> int:
        """How many updates are stored and not yet acknowledged."""
        with self._lock:
            return len(self._updates)

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

    # ------------------------------------------------------------------------------ building blocks

    def _user(self, user_id: int, first_name: str | None = None) -> dict[str, Any]:
        return {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or f"User{user_id}",
            "username": f"user{user_id}",
            "language_code": "en",
        }

    def _bot_user(self) -> dict[str, Any]:
        return {"id": self.bot_id, "is_bot": True, "first_name": "HomeVoice Test", "username": BOT_USERNAME}

    def _chat(self, chat_id: int, user_id: int, first_name: str | None = None) -> dict[str, Any]:
        known = self._chats.get(chat_id)
        if known is not None:
            return dict(known)
        if chat_id > 0:
            user = self._user(user_id, first_name)
            chat = {
                "id": chat_id,
                "type": "private",
                "first_name": user["first_name"],
                "username": user["username"],
            }
        else:
            kind = "supergroup" if str(chat_id).startswith("-100") else "group"
            chat = {"id": chat_id, "type": kind, "title": f"Test {kind} {-chat_id}"}
        self._chats[chat_id] = chat
        return dict(chat)

    def _take_message_id(self, chat_id: int, wanted: int | None = None) -> int:
        last = self._message_ids.get(chat_id, 0)
        message_id = last + 1 if wanted is None else wanted
        self._message_ids[chat_id] = max(last, message_id)
        return message_id

    def _register_file(
        self,
        path: Path,
        *,
        folder: str,
        suffix: str,
        size: int | None = None,
        file_id: str | None = None,
    ) -> _StoredFile:
        with self._lock:
            number = self._next_file
            self._next_file += 1
            stored = _StoredFile(
                file_id=file_id or f"FAKE-{folder}-{number:06d}",
                file_unique_id=f"U{number:06d}",
                file_path=f"{folder}/file_{number}{suffix or ''}",
                source=path,
                size=size,
            )
            self._files[stored.file_id] = stored
            return stored

    def _store_bytes(self, data: bytes, *, folder: str, suffix: str) -> _StoredFile:
        with self._lock:
            number = self._next_file
            self._next_file += 1
            stored = _StoredFile(
                file_id=f"FAKE-{folder}-{number:06d}",
                file_unique_id=f"U{number:06d}",
                file_path=f"{folder}/file_{number}{suffix}",
                data=data,
            )
            self._files[stored.file_id] = stored
            return stored

    def _reported_size(self, stored: _StoredFile) -> int:
        if self.file_size_override is not None:
            return self.file_size_override
        return stored.size if stored.size is not None else stored.real_size()

    def _file_fields(self, stored: _StoredFile) -> dict[str, Any]:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": self._reported_size(stored),
        }

    def _add_media(
        self,
        kind: str,
        media: dict[str, Any],
        *,
        caption: str | None,
        user_id: int,
        chat_id: int | None,
        message_id: int | None,
        date: int | None,
        forward_from_name: str | None,
        forward_from_user_id: int | None,
        forward_from_chat_title: str | None,
        reply_to_message_id: int | None,
    ) -> int:
        extra: dict[str, Any] = {kind: media}
        if caption is not None:
            extra["caption"] = caption
        return self._add_message(
            extra,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            forward_from_name=forward_from_name,
            forward_from_user_id=forward_from_user_id,
            forward_from_chat_title=forward_from_chat_title,
            reply_to_message_id=reply_to_message_id,
            first_name=None,
        )

    def _add_message(
        self,
        extra: dict[str, Any],
        *,
        user_id: int,
        chat_id: int | None,
        message_id: int | None,
        date: int | None,
        forward_from_name: str | None,
        forward_from_user_id: int | None,
        forward_from_chat_title: str | None,
        reply_to_message_id: int | None,
        first_name: str | None,
    ) -> int:
        chat = user_id if chat_id is None else chat_id
        sent = int(time.time()) if date is None else date
        with self._lock:
            message: dict[str, Any] = {
                "message_id": self._take_message_id(chat, message_id),
                "from": self._user(user_id, first_name),
                "chat": self._chat(chat, user_id, first_name),
                "date": sent,
            }
            origin = _forward_origin(
                sent - 3600,
                name=forward_from_name,
                user=None if forward_from_user_id is None else self._user(forward_from_user_id),
                channel_title=forward_from_chat_title,
            )
            if origin is not None:
                message["forward_origin"] = origin
            if reply_to_message_id is not None:
                replied = self._messages.get((chat, reply_to_message_id))
                if replied is not None:
                    message["reply_to_message"] = _without_reply(replied)
            message.update(extra)
            self._messages[(chat, message["message_id"])] = message
            self._push_update({"message": message})
            return int(message["message_id"])

    def _push_update(self, body: dict[str, Any]) -> None:
        with self._lock:
            self._updates.append({"update_id": self._next_update_id, **body})
            self._next_update_id += 1
        self._notify()

    # ------------------------------------------------------------------------ long-poll signalling

    def _notify(self) -> None:
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(self._wake)

    def _wake(self) -> None:
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = None

    def _wakeup_event(self) -> asyncio.Event:
        if self._wakeup is None:
            self._wakeup = asyncio.Event()
        return self._wakeup

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
                return _error(ApiError(404, "Not Found"))
            if self.fail_downloads:
                return Response("Internal Server Error", status_code=500, media_type="text/plain")
            return Response(stored.read(), media_type="application/octet-stream")

        @app.api_route("/bot{token}/{method}", methods=["GET", "POST"])
        async def method(token: str, method: str, request: Request) -> Response:
            if token != self.token:
                return _error(ApiError(401, "Unauthorized"))
            found = self._handlers.get(method.lower())
            if found is None:
                return _error(ApiError(404, "Not Found"))
            name, handler = found
            try:
                call = await _read_call(request)
            except ApiError as err:
                return _error(err)
            with self._lock:
                self.calls.append((name, call.params))
            try:
                result = await handler(call)
            except ApiError as err:
                return _error(err)
            return JSONResponse({"ok": True, "result": result})

        return app

    # ------------------------------------------------------------------------------------ methods

    async def _true(self, call: _Call) -> Any:
        return True

    async def _get_me(self, call: _Call) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, call: _Call) -> Any:
        if call.params.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    async def _get_webhook_info(self, call: _Call) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates()}

    async def _set_my_commands(self, call: _Call) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        with self._lock:
            self.commands = [dict(c) for c in commands]
        return True

    async def _get_my_commands(self, call: _Call) -> Any:
        with self._lock:
            return list(self.commands)

    async def _delete_my_commands(self, call: _Call) -> Any:
        with self._lock:
            self.commands = []
        return True

    async def _get_updates(self, call: _Call) -> Any:
        params = call.params
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), MAX_UPDATES_LIMIT), 1), MAX_UPDATES_LIMIT)
        timeout = max(0.0, _as_float(params.get("timeout"), 0.0))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        with self._lock:
            self._poll_generation += 1
            generation = self._poll_generation
        self._wake()  # an older long poll ends with 409 Conflict, as on the real server
        while True:
            event = self._wakeup_event()
            with self._lock:
                if generation != self._poll_generation:
                    raise ApiError(409, _CONFLICT)
                batch = self._take_updates(offset, limit)
            remaining = deadline - loop.time()
            if batch or self._stopping or remaining <= 0:
                return batch
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), remaining)

    def _take_updates(self, offset: int, limit: int) -> list[dict[str, Any]]:
        if offset < 0:
            self._updates = self._updates[offset:]
            return [dict(u) for u in self._updates[:limit]]
        if offset > 0:
            self.confirmed_offset = max(self.confirmed_offset, offset)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        return [dict(u) for u in self._updates[:limit]]

    async def _get_file(self, call: _Call) -> Any:
        file_id = call.params.get("file_id")
        with self._lock:
            stored = self._files.get(str(file_id)) if file_id else None
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        size = self._reported_size(stored)
        if size > self.max_file_mb * 1024 * 1024:
            raise ApiError(400, "Bad Request: file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": size,
            "file_path": stored.file_path,
        }

    async def _send_message(self, call: _Call) -> Any:
        """The result's text is the text shown (markup removed); no entities are computed."""
        params = call.params
        chat_id = self._known_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain = _parse_text(text, params.get("parse_mode"))
        if _utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(chat_id, params, {"text": plain})

    async def _edit_message_text(self, call: _Call) -> Any:
        params = call.params
        chat_id = self._known_chat(params)
        message_id = _as_int(params.get("message_id"), 0)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain = _parse_text(text, params.get("parse_mode"))
        if _utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            if not message.get("from", {}).get("is_bot"):
                raise ApiError(400, "Bad Request: message can't be edited")
            if message.get("text") == plain:
                raise ApiError(400, _NOT_MODIFIED)
            edited = {**message, "text": plain, "edit_date": int(time.time())}
            self._messages[(chat_id, message_id)] = edited
            return edited

    async def _send_voice(self, call: _Call) -> Any:
        chat_id = self._known_chat(call.params)
        stored, data = self._input_file(call, "voice", folder="voice", suffix=".oga")
        voice = {
            **self._file_fields(stored),
            "duration": _as_int(call.params.get("duration"), 1),
            "mime_type": "audio/ogg",
        }
        message = self._bot_message(chat_id, call.params, {"voice": voice, **self._caption(call.params)})
        with self._lock:
            self._sent_voices.append(data)
        return message

    async def _send_audio(self, call: _Call) -> Any:
        chat_id = self._known_chat(call.params)
        upload = call.uploads.get("audio")
        suffix = Path(upload.filename).suffix if upload and upload.filename else ".mp3"
        stored, _ = self._input_file(call, "audio", folder="music", suffix=suffix)
        audio: dict[str, Any] = {
            **self._file_fields(stored),
            "duration": _as_int(call.params.get("duration"), 1),
            "mime_type": (upload.content_type if upload else None) or "audio/mpeg",
        }
        if upload and upload.filename:
            audio["file_name"] = upload.filename
        for key in ("performer", "title"):
            if isinstance(call.params.get(key), str):
                audio[key] = call.params[key]
        return self._bot_message(chat_id, call.params, {"audio": audio, **self._caption(call.params)})

    async def _send_document(self, call: _Call) -> Any:
        chat_id = self._known_chat(call.params)
        upload = call.uploads.get("document")
        suffix = Path(upload.filename).suffix if upload and upload.filename else ""
        stored, _ = self._input_file(call, "document", folder="documents", suffix=suffix)
        document: dict[str, Any] = {
            **self._file_fields(stored),
            "mime_type": (upload.content_type if upload else None) or "application/octet-stream",
        }
        if upload and upload.filename:
            document["file_name"] = upload.filename
        return self._bot_message(chat_id, call.params, {"document": document, **self._caption(call.params)})

    async def _set_message_reaction(self, call: _Call) -> Any:
        chat_id = self._known_chat(call.params)
        message_id = _as_int(call.params.get("message_id"), 0)
        reaction = call.params.get("reaction") or []
        if not isinstance(reaction, list) or not all(isinstance(r, dict) for r in reaction):
            raise ApiError(400, "Bad Request: can't parse reaction types JSON object")
        with self._lock:
            if (chat_id, message_id) not in self._messages:
                raise ApiError(400, "Bad Request: message to react not found")
        for item in reaction:
            # PTB turns a string that is not in ReactionEmoji into a custom_emoji reaction whose id is
            # that string; a bot may not use custom emoji (or paid) reactions in these chats.
            if item.get("type") != "emoji" or item.get("emoji") not in ALLOWED_REACTIONS:
                raise ApiError(400, "Bad Request: REACTION_INVALID")
        if len(reaction) > 1:
            raise ApiError(400, "Bad Request: REACTIONS_TOO_MANY")
        with self._lock:
            self._reactions[(chat_id, message_id)] = [dict(r) for r in reaction]
        return True

    async def _send_chat_action(self, call: _Call) -> Any:
        self._known_chat(call.params)
        if call.params.get("action") not in CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        return True

    # ------------------------------------------------------------------------------ method helpers

    def _known_chat(self, params: Mapping[str, Any]) -> int:
        chat_id = params.get("chat_id")
        if chat_id is None or chat_id == "":
            raise ApiError(400, "Bad Request: chat_id is empty")
        if not isinstance(chat_id, int):
            raise ApiError(400, "Bad Request: chat not found")
        with self._lock:
            if chat_id not in self._chats:
                raise ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _caption(self, params: Mapping[str, Any]) -> dict[str, Any]:
        caption = params.get("caption")
        if not isinstance(caption, str) or not caption:
            return {}
        plain = _parse_text(caption, params.get("parse_mode"))
        if _utf16_len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        return {"caption": plain}

    def _input_file(self, call: _Call, name: str, *, folder: str, suffix: str) -> tuple[_StoredFile, bytes]:
        value = call.params.get(name)
        if isinstance(value, bytes):
            if not value:
                raise ApiError(400, "Bad Request: file must be non-empty")
            return self._store_bytes(value, folder=folder, suffix=suffix), value
        if isinstance(value, str) and value:
            with self._lock:
                stored = self._files.get(value)
            if stored is None:
                raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
            return stored, stored.read()
        raise ApiError(400, f"Bad Request: there is no {name} in the request")

    def _bot_message(self, chat_id: int, params: Mapping[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
        with self._lock:
            replied: dict[str, Any] | None = None
            reply = params.get("reply_parameters")
            reply_to = (
                reply.get("message_id") if isinstance(reply, dict) else params.get("reply_to_message_id")
            )
            if reply_to is not None:
                reply_chat = reply.get("chat_id", chat_id) if isinstance(reply, dict) else chat_id
                replied = self._messages.get((_as_int(reply_chat, chat_id), _as_int(reply_to, 0)))
                allowed = isinstance(reply, dict) and reply.get("allow_sending_without_reply")
                if replied is None and not allowed and not params.get("allow_sending_without_reply"):
                    raise ApiError(400, "Bad Request: message to be replied not found")
            message: dict[str, Any] = {
                "message_id": self._take_message_id(chat_id),
                "from": self._bot_user(),
                "chat": dict(self._chats[chat_id]),
                "date": int(time.time()),
            }
            if replied is not None:
                message["reply_to_message"] = _without_reply(replied)
            message.update(extra)
            self._messages[(chat_id, message["message_id"])] = message
            self.sent_messages.append(message)
            return message


# ---------------------------------------------------------------------------------------- helpers


def _error(err: ApiError) -> JSONResponse:
    body = {"ok": False, "error_code": err.code, "description": err.description}
    return JSONResponse(body, status_code=err.code)


async def _read_call(request: Request) -> _Call:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, _Upload] = {}
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("application/json"):
        body = await request.body()
        if body:
            try:
                data = json.loads(body)
            except ValueError as err:
                raise ApiError(400, "Bad Request: can't parse JSON object") from err
            if not isinstance(data, dict):
                raise ApiError(400, "Bad Request: can't parse JSON object")
            params.update(data)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        for key, value in form.multi_items():
            if isinstance(value, UploadFile):
                params[key] = await value.read()
                uploads[key] = _Upload(value.filename, value.content_type)
            else:
                params[key] = value
        await form.close()
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if isinstance(params.get(name), bytes):
                params[key] = params[name]
                uploads[key] = uploads[name]
    return _Call({key: _decode(key, value) for key, value in params.items()}, uploads)


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if key in _JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError as err:
            raise ApiError(400, f"Bad Request: can't parse {key} JSON object") from err
    if key in _INT_FIELDS and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    if key in _FLOAT_FIELDS:
        with contextlib.suppress(ValueError):
            return float(value)
    if key in _BOOL_FIELDS and value.lower() in ("true", "false", "1", "0"):
        return value.lower() in ("true", "1")
    return value


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return default


def _as_float(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return float(value)
    return default


def _utf16_len(text: str) -> int:
    """Telegram counts lengths and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _forward_origin(
    date: int, *, name: str | None, user: dict[str, Any] | None, channel_title: str | None
) -> dict[str, Any] | None:
    if user is not None:
        return {"type": "user", "sender_user": user, "date": date}
    if name is not None:
        return {"type": "hidden_user", "sender_user_name": name, "date": date}
    if channel_title is not None:
        chat = {"id": -1001234567890, "type": "channel", "title": channel_title}
        return {"type": "channel", "chat": chat, "message_id": 1, "date": date}
    return None


def _without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A replied-to message as Telegram nests it: one level deep."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def _parse_text(text: str, parse_mode: Any) -> str:
    """The text as the chat shows it; refuse markup the real API refuses."""
    if parse_mode == "HTML":
        return _parse_html(text)
    if parse_mode == "MarkdownV2":
        return _parse_markdown_v2(text)
    return text


def _parse_html(text: str) -> str:
    stack: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in re.finditer(r"<[^>]*>|<", text):
        pieces.append(text[position : match.start()])
        position = match.end()
        offset = len(text[: match.start()].encode())
        tag = match.group()
        if tag == "<":
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unclosed start tag at byte offset {offset}"
            )
        name_match = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)", tag)
        if name_match is None:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset {offset}'
            )
        closing, name = name_match.group(1) == "/", name_match.group(2).lower()
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset {offset}',
            )
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unexpected end tag at byte offset {offset}"
            )
        else:
            stack.pop()
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"",
        )
    pieces.append(text[position:])
    return html.unescape("".join(pieces))


def _parse_markdown_v2(text: str) -> str:
    """A partial MarkdownV2 check: reserved characters outside code and link targets must be escaped."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char == "`":
            fence = "```" if text.startswith("```", index) else "`"
            end = text.find(fence, index + len(fence))
            if end < 0:
                raise ApiError(400, "Bad Request: can't parse entities: Can't find end of Pre entity")
            out.append(text[index + len(fence) : end])
            index = end + len(fence)
            continue
        if char == "]" and text.startswith("](", index):
            end = text.find(")", index)
            if end < 0:
                raise ApiError(400, "Bad Request: can't parse entities: Can't find end of a URL")
            index = end + 1
            continue
        if char in "*_~|[":
            index += 1
            continue
        if char == ">" and (index == 0 or text[index - 1] == "\n"):
            index += 1
            continue
        if char in _MARKDOWN_V2_RESERVED:
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Character '{char}' is reserved and must be escaped "
                "with the preceding '\\'",
            )
        out.append(char)
        index += 1
    return "".join(out)


def _brief(params: Mapping[str, Any]) -> str:
    shown = {
        key: (f"<{len(value)} bytes>" if isinstance(value, bytes) else value) for key, value in params.items()
    }
    text = repr(shown)
    return text if len(text) < 200 else text[:197] + "..."
