"""Settings of enrolled voices: how samples are checked and which engine speaks with them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

VoiceEngineChoice = Literal["auto", "match", "xtts-v2"]


class VoicesSettings(BaseModel):
    """Voices enrolled from a sample of someone speaking."""

    model_config = ConfigDict(extra="forbid")

    engine: VoiceEngineChoice = Field(
        "auto",
        description="What speaks with an enrolled voice. `xtts-v2`: voice cloning (the `[clone]` extra and `homevoice models pull xtts-v2`; a GPU is recommended). `match`: the offline voice match, a built-in voice brought closer to the sample (approximate; CPU). `auto`: XTTS-v2 when it is installed, else the voice match.",
    )
    min_speech_s: float = Field(
        3.0, ge=1.0, le=30.0, description="Least speech a sample must hold after silence is cut."
    )
    max_speech_s: float = Field(
        15.0, ge=3.0, le=60.0, description="Speech kept from a longer sample (cut between phrases)."
    )
    max_sample_s: float = Field(
        120.0, gt=0, description="Longest sample accepted, in seconds (before silence is cut)."
    )
    verify_cloned: bool = Field(
        True,
        description="Transcribe each piece a cloning engine speaks and regenerate it once when the words do not match the text.",
    )
    clone_device: str = Field("auto", description="Device for the cloning engine: `auto`, `cpu` or `cuda`.")

    @model_validator(mode="after")
    def _ordered(self) -> VoicesSettings:
        if self.max_speech_s < self.min_speech_s:
            raise ValueError("voices.max_speech_s must not be below voices.min_speech_s")
        return self
