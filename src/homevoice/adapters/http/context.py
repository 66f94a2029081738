"""What the routers need, built once per server and reached through ``request.app.state``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import Request

from homevoice.adapters.http.gate import ModelGate
from homevoice.app import App
from homevoice.engines.catalog import find_model
from homevoice.errors import HomevoiceError

if TYPE_CHECKING:
    from homevoice.commands.service import CommandService
    from homevoice.jobs.service import JobService


@dataclass
class HttpContext:
    app: App
    gate: ModelGate
    jobs: JobService | None = None

    def commands(self) -> CommandService:
        return self.app.commands()

    def require_jobs(self) -> JobService:
        if self.jobs is None:
            raise HomevoiceError("Jobs are not running on this server.", code="jobs_unavailable")
        return self.jobs

    def stt_model(self, requested: str | None) -> str:
        """The catalog model a request names; over HTTP only catalog names, never filesystem paths."""
        name = self.app.transcription.model_name(requested or None)
        if find_model(name) is None:
            raise HomevoiceError(
                f"Unknown model {requested or name!r}; GET /v1/models lists the models of this server.",
                code="model_not_found",
            )
        return name


def http_context(request: Request) -> HttpContext:
    context: HttpContext = request.app.state.homevoice
    return context
