"""What every text-to-speech backend checks the same way."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from homevoice.errors import EngineError


def has_words(text: str) -> bool:
    """Whether there is anything to say: a letter or a digit. Punctuation alone is silence."""
    return any(ch.isalnum() for ch in text)


def silence() -> NDArray[np.float32]:
    """What a backend returns for text without words: no samples at all."""
    return np.zeros(0, dtype=np.float32)


def check_request(text: str, speed: float, max_chars: int, voice: str) -> None:
    """Refuse what no backend can do, with a message that says why."""
    if not speed > 0:
        raise EngineError(f"Voice {voice}: speed must be positive, not {speed}.")
    if len(text) > max_chars:
        raise EngineError(
            f"Voice {voice} speaks at most {max_chars} characters at a time, not {len(text)}; "
            "split the text into sentences first."
        )
