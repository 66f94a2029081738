"""The Bot API methods by which the bot talks: sending and editing messages, voice, audio and documents,
reactions and chat actions, with the checks the real API makes (known chat, text length, markup, files).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from tests.fakes.telegram.constants import (
    ALLOWED_REACTIONS,
    CHAT_ACTIONS,
    MAX_CAPTION_LENGTH,
    MAX_MESSAGE_LENGTH,
    NOT_MODIFIED,
)
from tests.fakes.telegram.errors import ApiError
from tests.fakes.telegram.markup import parse_text, utf16_len
from tests.fakes.telegram.requests import Call, as_int
from tests.fakes.telegram.state import BotState, SentAudio, StoredFile
from tests.fakes.telegram.updates import without_reply


class MessagesMixin(BotState):
    """Handlers of the sending methods, and the helpers that check and record what the bot sends."""

    async def _send_message(self, call: Call) -> Any:
        """The result's text is the text shown (markup removed); no entities are computed."""
        params = call.params
        chat_id = self._known_chat(params)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain = parse_text(text, params.get("parse_mode"))
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        return self._bot_message(chat_id, params, {"text": plain})

    async def _edit_message_text(self, call: Call) -> Any:
        params = call.params
        chat_id = self._known_chat(params)
        message_id = as_int(params.get("message_id"), 0)
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        plain = parse_text(text, params.get("parse_mode"))
        if utf16_len(plain) > MAX_MESSAGE_LENGTH:
            raise ApiError(400, "Bad Request: message is too long")
        with self._lock:
            message = self._messages.get((chat_id, message_id))
            if message is None:
                raise ApiError(400, "Bad Request: message to edit not found")
            if not message.get("from", {}).get("is_bot"):
                raise ApiError(400, "Bad Request: message can't be edited")
            if message.get("text") == plain:
                raise ApiError(400, NOT_MODIFIED)
            edited = {**message, "text": plain, "edit_date": int(time.time())}
            self._messages[(chat_id, message_id)] = edited
            return edited

    async def _send_voice(self, call: Call) -> Any:
        chat_id = self._known_chat(call.params)
        stored, data = self._input_file(call, "voice", folder="voice", suffix=".oga")
        voice = {
            **self._file_fields(stored),
            "duration": as_int(call.params.get("duration"), 1),
            "mime_type": "audio/ogg",
        }
        message = self._bot_message(chat_id, call.params, {"voice": voice, **self._caption(call.params)})
        with self._lock:
            self._sent_voices.append(data)
        return message

    async def _send_audio(self, call: Call) -> Any:
        chat_id = self._known_chat(call.params)
        upload = call.uploads.get("audio")
        suffix = Path(upload.filename).suffix if upload and upload.filename else ".mp3"
        stored, data = self._input_file(call, "audio", folder="music", suffix=suffix)
        audio: dict[str, Any] = {
            **self._file_fields(stored),
            "duration": as_int(call.params.get("duration"), 1),
            "mime_type": (upload.content_type if upload else None) or "audio/mpeg",
        }
        if upload and upload.filename:
            audio["file_name"] = upload.filename
        for key in ("performer", "title"):
            if isinstance(call.params.get(key), str):
                audio[key] = call.params[key]
        message = self._bot_message(chat_id, call.params, {"audio": audio, **self._caption(call.params)})
        sent = SentAudio(
            chat_id=chat_id,
            data=data,
            file_name=audio.get("file_name"),
            title=audio.get("title"),
            performer=audio.get("performer"),
            duration=audio["duration"],
        )
        with self._lock:
            self._sent_audios.append(sent)
        return message

    async def _send_document(self, call: Call) -> Any:
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

    async def _set_message_reaction(self, call: Call) -> Any:
        chat_id = self._known_chat(call.params)
        message_id = as_int(call.params.get("message_id"), 0)
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

    async def _send_chat_action(self, call: Call) -> Any:
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
        plain = parse_text(caption, params.get("parse_mode"))
        if utf16_len(plain) > MAX_CAPTION_LENGTH:
            raise ApiError(400, "Bad Request: message caption is too long")
        return {"caption": plain}

    def _input_file(self, call: Call, name: str, *, folder: str, suffix: str) -> tuple[StoredFile, bytes]:
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
                replied = self._messages.get((as_int(reply_chat, chat_id), as_int(reply_to, 0)))
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
                message["reply_to_message"] = without_reply(replied)
            message.update(extra)
            self._messages[(chat_id, message["message_id"])] = message
            self.sent_messages.append(message)
            return message


# ---------------------------------------------------------------------------------------- helpers
