"""The Bot API methods about the bot and its updates: getMe, webhooks, commands, getUpdates, getFile.

``getUpdates`` long-polls: it waits on the state's wake-up event until an update arrives, the timeout
passes or the server stops; a newer poll ends an older one with 409 Conflict, as on the real server.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from tests.fakes.telegram.constants import CONFLICT, MAX_UPDATES_LIMIT
from tests.fakes.telegram.errors import ApiError
from tests.fakes.telegram.requests import Call, as_float, as_int
from tests.fakes.telegram.state import BotState


class MethodsMixin(BotState):
    """Handlers of the bot, webhook, command, update and file methods."""

    async def _true(self, call: Call) -> Any:
        return True

    async def _get_me(self, call: Call) -> Any:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _delete_webhook(self, call: Call) -> Any:
        if call.params.get("drop_pending_updates"):
            with self._lock:
                self._updates.clear()
        return True

    async def _get_webhook_info(self, call: Call) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count": self.pending_updates()}

    async def _set_my_commands(self, call: Call) -> Any:
        commands = call.params.get("commands")
        if not isinstance(commands, list):
            raise ApiError(400, 'Bad Request: parameter "commands" is required')
        with self._lock:
            self.commands = [dict(c) for c in commands]
        return True

    async def _get_my_commands(self, call: Call) -> Any:
        with self._lock:
            return list(self.commands)

    async def _delete_my_commands(self, call: Call) -> Any:
        with self._lock:
            self.commands = []
        return True

    async def _get_updates(self, call: Call) -> Any:
        params = call.params
        offset = as_int(params.get("offset"), 0)
        limit = min(max(as_int(params.get("limit"), MAX_UPDATES_LIMIT), 1), MAX_UPDATES_LIMIT)
        timeout = max(0.0, as_float(params.get("timeout"), 0.0))
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
                    raise ApiError(409, CONFLICT)
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

    async def _get_file(self, call: Call) -> Any:
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
