"""What the voice library keeps and the errors enrolment reports."""

from __future__ import annotations

from homevoice.errors import HomevoiceError


class VoiceSampleError(HomevoiceError):
    """A sample that cannot make a voice; the code says which check failed."""

    code = "invalid_voice_sample"


class VoiceNotFoundError(HomevoiceError):
    code = "voice_not_found"


class VoiceExistsError(HomevoiceError):
    code = "voice_exists"


class InvalidVoiceNameError(HomevoiceError):
    code = "invalid_voice_name"
