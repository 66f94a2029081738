"""The store shared by every part of the fake Bot API: chats, messages, files and pending updates.

``BotState`` holds it behind one re-entrant lock (updates are added from the test thread while the bot
long-polls on the server's loop), builds the users and chats Telegram would send, registers files, queues
updates and wakes a waiting ``getUpdates``.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.fakes.telegram.constants import BOT_USERNAME


@dataclass
class StoredFile:
    """A file the fake serves: bytes the bot uploaded or a file on disk a test added."""

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


@dataclass(frozen=True)
class SentAudio:
    """A music file the bot uploaded with ``sendAudio``, as it was sent."""

    chat_id: int
    data: bytes
    file_name: str | None
    title: str | None
    performer: str | None
    duration: int | None


class BotState:
    """The fake's data and the building blocks the update builders and method handlers share."""

    def __init__(self, token: str) -> None:
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
        self.max_upload_mb: float = 50
        """Requests larger than this (in MiB) are refused with 413, as the Bot API refuses uploads."""
        self.commands: list[dict[str, Any]] = []
        self._lock = threading.RLock()
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = 100_001
        self._next_file = 1
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._files: dict[str, StoredFile] = {}
        self._reactions: dict[tuple[int, int], list[dict[str, Any]]] = {}
        self._sent_voices: list[bytes] = []
        self._sent_audios: list[SentAudio] = []
        self._poll_generation = 0
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None

    def pending_updates(self) -> int:
        """How many updates are stored and not yet acknowledged."""
        with self._lock:
            return len(self._updates)

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
    ) -> StoredFile:
        with self._lock:
            number = self._next_file
            self._next_file += 1
            stored = StoredFile(
                file_id=file_id or f"FAKE-{folder}-{number:06d}",
                file_unique_id=f"U{number:06d}",
                file_path=f"{folder}/file_{number}{suffix or ''}",
                source=path,
                size=size,
            )
            self._files[stored.file_id] = stored
            return stored

    def _store_bytes(self, data: bytes, *, folder: str, suffix: str) -> StoredFile:
        with self._lock:
            number = self._next_file
            self._next_file += 1
            stored = StoredFile(
                file_id=f"FAKE-{folder}-{number:06d}",
                file_unique_id=f"U{number:06d}",
                file_path=f"{folder}/file_{number}{suffix}",
                data=data,
            )
            self._files[stored.file_id] = stored
            return stored

    def _reported_size(self, stored: StoredFile) -> int:
        if self.file_size_override is not None:
            return self.file_size_override
        return stored.size if stored.size is not None else stored.real_size()

    def _file_fields(self, stored: StoredFile) -> dict[str, Any]:
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": self._reported_size(stored),
        }

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
