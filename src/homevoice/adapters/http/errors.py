"""One translation of errors into OpenAI's JSON error shape; never a stack trace on the wire."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from homevoice.errors import BusyError, HomevoiceError

log = logging.getLogger(__name__)

_STATUS_BY_CODE: dict[str, int] = {
    "empty_audio": 400,
    "invalid_audio": 400,
    "truncated_audio": 400,
    "unsupported_audio": 400,
    "unsupported_language": 400,
    "unsupported_task": 400,
    "invalid_request": 400,
    "empty_text": 400,
    "empty_command": 400,
    "text_too_long": 400,
    "invalid_speed": 400,
    "unknown_voice": 400,
    "invalid_lexicon": 500,
    "unsupported_format": 400,
    "invalid_document": 400,
    "unsupported_document": 400,
    "empty_document": 400,
    "no_text_layer": 400,
    "invalid_chapters": 400,
    "invalid_format": 400,
    "document_too_large": 413,
    "encrypted_document": 400,
    "audio_too_long": 413,
    "request_too_large": 413,
    "invalid_api_key": 401,
    "model_not_found": 404,
    "model_not_installed": 404,
    "model_not_loaded": 404,
    "job_not_found": 404,
    "audiobook_not_found": 404,
    "not_found": 404,
    "method_not_allowed": 405,
    "model_in_use": 409,
    "job_finished": 409,
    "busy": 429,
    "disk_full": 507,
    "missing_extra": 501,
    "homeassistant_unavailable": 502,
    "llm_unavailable": 502,
    "llm_bad_reply": 502,
    "empty_query": 400,
    "empty_note": 400,
    "note_too_long": 400,
    "llm_not_configured": 503,
    "index_busy": 503,
    "jobs_unavailable": 503,
    "index_unavailable": 503,
    "embeddings_unavailable": 503,
    "invalid_voice_sample": 400,
    "sample_silent": 400,
    "sample_too_short": 400,
    "sample_noisy": 400,
    "sample_clipped": 400,
    "sample_several_speakers": 400,
    "sample_no_words": 400,
    "invalid_voice_name": 400,
    "voice_exists": 409,
    "voice_not_found": 404,
}


def status_for(code: str) -> int:
    return _STATUS_BY_CODE.get(code, 500)


def error_body(message: str, code: str, status: int, param: str | None = None) -> dict[str, Any]:
    kind = (
        "invalid_request_error"
        if status < 500 and status not in (401, 429)
        else {401: "authentication_error", 429: "rate_limit_error"}.get(status, "server_error")
    )
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def error_response(
    message: str, code: str, status: int | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    status = status or status_for(code)
    return JSONResponse(error_body(message, code, status), status_code=status, headers=headers)


def homevoice_error_response(err: HomevoiceError) -> JSONResponse:
    status = status_for(err.code)
    if status >= 500:
        log.error("request failed: %s (%s)", err.message, err.code)
    headers = {"Retry-After": str(err.retry_after_s)} if isinstance(err, BusyError) else None
    return error_response(err.message, err.code, status, headers)


async def _on_homevoice_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HomevoiceError)
    return homevoice_error_response(exc)


async def _on_validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = []
    param = None
    for e in exc.errors():
        loc = [str(p) for p in e.get("loc", ()) if p not in ("body", "query", "path", "header")]
        param = param or (".".join(loc) or None)
        problems.append(f"{'.'.join(loc) or 'request'}: {e.get('msg', 'invalid')}")
    body = error_body("Invalid request: " + "; ".join(problems), "invalid_request", 400, param)
    return JSONResponse(body, status_code=400)


async def _on_http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = {404: "not_found", 405: "method_not_allowed", 401: "invalid_api_key"}.get(
        exc.status_code, "invalid_request" if exc.status_code < 500 else "server_error"
    )
    return error_response(str(exc.detail), code, exc.status_code, dict(exc.headers or {}))


async def _on_unexpected(_: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error while serving a request", exc_info=exc)
    return error_response(
        "The server hit an unexpected error; details are in its log.", "internal_error", 500
    )


def install_error_handlers(api: FastAPI) -> None:
    api.add_exception_handler(HomevoiceError, _on_homevoice_error)
    api.add_exception_handler(RequestValidationError, _on_validation_error)
    api.add_exception_handler(StarletteHTTPException, _on_http_error)
    api.add_exception_handler(Exception, _on_unexpected)
