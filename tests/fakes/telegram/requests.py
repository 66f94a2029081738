"""Reading a method call's parameters as PTB sends them, and decoding the known fields.

PTB posts every method as a form: ``application/x-www-form-urlencoded`` without files and
``multipart/form-data`` with them; strings go as they are and every other value (numbers, booleans,
lists, objects such as ``reply_parameters`` or ``reaction``) as a JSON string. The fake also takes query
strings and JSON bodies, and decodes the known numeric, boolean and nested fields.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from tests.fakes.telegram.errors import ApiError

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


@dataclass
class Upload:
    filename: str | None
    content_type: str | None


@dataclass
class Call:
    params: dict[str, Any]
    uploads: dict[str, Upload] = field(default_factory=dict)


Handler = Callable[[Call], Awaitable[Any]]


async def read_call(request: Request) -> Call:
    """Parameters from the query string and a JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query_params)
    uploads: dict[str, Upload] = {}
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
                uploads[key] = Upload(value.filename, value.content_type)
            else:
                params[key] = value
        await form.close()
    for key, value in list(params.items()):
        if isinstance(value, str) and value.startswith("attach://"):
            name = value.removeprefix("attach://")
            if isinstance(params.get(name), bytes):
                params[key] = params[name]
                uploads[key] = uploads[name]
    return Call({key: _decode(key, value) for key, value in params.items()}, uploads)


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


def as_int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        return int(value)
    return default


def as_float(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            return float(value)
    return default
