"""Error answers of the fake Bot API."""

from __future__ import annotations

from fastapi.responses import JSONResponse


class ApiError(Exception):
    """An error answer of the Bot API: ``{"ok": false, "error_code": ..., "description": ...}``."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(description)
        self.code = code
        self.description = description


def error_response(err: ApiError) -> JSONResponse:
    body = {"ok": False, "error_code": err.code, "description": err.description}
    return JSONResponse(body, status_code=err.code)
