"""One error tree for every layer.

Each error carries a stable ``code`` that adapters translate once (CLI line, HTTP JSON, Wyoming
``error`` event, Telegram reply). Messages say what the user can do next.
"""

from __future__ import annotations


class HomevoiceError(Exception):
    """Base of every error homevoice raises on purpose."""

    code: str = "internal_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class ConfigError(HomevoiceError):
    """The settings are invalid or inconsistent."""

    code = "invalid_config"


class AudioError(HomevoiceError):
    """The input audio cannot be used."""

    code = "invalid_audio"


class EmptyAudioError(AudioError):
    code = "empty_audio"


class UnsupportedAudioError(AudioError):
    code = "unsupported_audio"


class AudioTooLongError(AudioError):
    code = "audio_too_long"


class ModelError(HomevoiceError):
    code = "model_error"


class UnknownModelError(ModelError):
    code = "model_not_found"


class ModelNotInstalledError(ModelError):
    code = "model_not_installed"


class ModelInUseError(ModelError):
    code = "model_in_use"


class MissingExtraError(ModelError):
    """A backend needs an optional dependency group that is not installed."""

    code = "missing_extra"


class DownloadError(ModelError):
    code = "download_failed"


class ChecksumError(ModelError):
    code = "checksum_mismatch"


class EngineError(HomevoiceError):
    """An engine failed while processing valid input."""

    code = "engine_error"


class JobError(HomevoiceError):
    code = "job_error"


class JobNotFoundError(JobError):
    code = "job_not_found"


class BusyError(HomevoiceError):
    """Too much work is already waiting; the caller should retry later."""

    code = "busy"

    def __init__(self, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
