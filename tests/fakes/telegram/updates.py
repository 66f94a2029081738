"""Building incoming messages and updates as Telegram sends them: text, commands and edits.

The media builders (``add_voice`` and the like) live in ``media_updates`` and end in ``_add_media``.
"""

from __future__ import annotations

import time
from typing import Any

from tests.fakes.telegram.markup import utf16_len
from tests.fakes.telegram.state import BotState


class UpdatesMixin(BotState):
    """The ``add_*`` builders of text updates, and the message assembly every builder shares."""

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
        reply_to_message_id: int | None = None,
    ) -> int:
        """A command such as ``"/say hello"``: text with a ``bot_command`` entity at offset 0."""
        entity = command_entity(command_text)
        if entity is None:
            raise ValueError("a command starts with '/'")
        return self.add_text(
            command_text,
            user_id=user_id,
            chat_id=chat_id,
            message_id=message_id,
            date=date,
            entities=[entity],
            first_name=first_name,
            reply_to_message_id=reply_to_message_id,
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
            entity = command_entity(caption)
            if entity is not None:  # Telegram marks a command in a caption as in a text
                extra["caption_entities"] = [entity]
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
            origin = forward_origin(
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
                    message["reply_to_message"] = without_reply(replied)
            message.update(extra)
            self._messages[(chat, message["message_id"])] = message
            self._push_update({"message": message})
            return int(message["message_id"])


def forward_origin(
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


def command_entity(text: str) -> dict[str, Any] | None:
    """The ``bot_command`` entity of a text or caption that starts with ``/command``."""
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return None
    command = text.split(maxsplit=1)[0]
    return {"type": "bot_command", "offset": 0, "length": utf16_len(command)}


def without_reply(message: dict[str, Any]) -> dict[str, Any]:
    """A replied-to message as Telegram nests it: one level deep."""
    return {key: value for key, value in message.items() if key != "reply_to_message"}
