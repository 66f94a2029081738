"""What a job looks like from outside: its state, progress, result or error, in plain types."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from homevoice.errors import HomevoiceError, JobError


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class JobView:
    id: str
    kind: str
    """What the job does: ``transcription``, ``audiobook`` or ``index``."""
    state: JobState
    progress: float
    """Share of the work done, 0..1."""
    model: str
    created_at: float
    """Unix seconds."""
    result: dict[str, Any] | None
    """For transcriptions: ``formats.transcript.verbose_json(transcript, task)``; for audiobooks:
    ``{"audiobook": BookRecord JSON, "synthesised": n, "cached": n}``; for index refreshes: the
    ``IndexReport`` (``added``, ``updated``, ``removed``, ``unchanged``, ``failed``, ``chunks``,
    ``embedded``, ``seconds``)."""
    error: dict[str, str] | None
    """``{"code": ..., "message": ...}`` with the codes of ``HomevoiceError``."""
    eta_s: float | None = None
    """Seconds left while running, when the job can tell (audiobooks)."""
    name: str | None = None
    """The uploaded file's name as sent, for lists; None for index refreshes and older jobs."""


@dataclass(frozen=True)
class TranscriptionJobRequest:
    """What a transcription job needs besides the audio."""

    model: str | None
    language: str | None
    task: Literal["transcribe", "translate"]
    prompt: str | None
    temperature: float | None
    word_timestamps: bool


_STATES = {
    "ENQUEUED": JobState.QUEUED,
    "DELAYED": JobState.QUEUED,
    "PENDING": JobState.RUNNING,
    "SUCCESS": JobState.SUCCEEDED,
    "ERROR": JobState.FAILED,
    "MAX_RECOVERY_ATTEMPTS_EXCEEDED": JobState.FAILED,
    "CANCELLED": JobState.CANCELLED,
}


def job_state(dbos_status: str) -> JobState:
    """The job state for a DBOS workflow status."""
    try:
        return _STATES[dbos_status]
    except KeyError:
        raise JobError(f"Unknown workflow status {dbos_status!r}; upgrade homevoice.") from None


def error_view(dbos_status: str, error: BaseException | None) -> dict[str, str] | None:
    """The error a failed job reports: the code and message of a HomevoiceError, never a traceback."""
    if dbos_status == "MAX_RECOVERY_ATTEMPTS_EXCEEDED":
        return {
            "code": "job_interrupted",
            "message": "The job was interrupted too many times (its worker kept dying); submit it again.",
        }
    if job_state(dbos_status) is not JobState.FAILED:
        return None
    if isinstance(error, HomevoiceError):
        return {"code": error.code, "message": error.message}
    name = type(error).__name__ if error is not None else "unknown error"
    return {
        "code": "internal_error",
        "message": f"The job failed unexpectedly ({name}); see the worker's log.",
    }
