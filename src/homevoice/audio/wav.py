"""Mono 16-bit PCM WAV, the plain format kept on disk (sentence cache, voice samples) and handed
to the decoder in memory. The standard library's ``wave`` does it; PyAV is not needed."""

from __future__ import annotations

import io
import wave
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray


def write_pcm16(out: BinaryIO, samples: NDArray[np.float32], rate: int) -> None:
    """Write ``samples`` (mono float in [-1, 1], clipped beyond) as a 16-bit WAV file to ``out``."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(rate)
        audio.writeframes(pcm.tobytes())


def pcm16_bytes(samples: NDArray[np.float32], rate: int) -> bytes:
    """A whole mono 16-bit WAV file of ``samples``, in memory."""
    buffer = io.BytesIO()
    write_pcm16(buffer, samples, rate)
    return buffer.getvalue()


def read_pcm16(path: Path) -> tuple[NDArray[np.float32], int]:
    """(samples, rate) of a mono 16-bit WAV file. Raises OSError, EOFError or ``wave.Error`` when it
    cannot be read, and ``wave.Error`` when it is a WAV of another kind."""
    with wave.open(str(path), "rb") as audio:
        if audio.getnchannels() != 1 or audio.getsampwidth() != 2:
            raise wave.Error(f"{path.name} is not a mono 16-bit WAV")
        rate = audio.getframerate()
        frames = audio.readframes(audio.getnframes())
    return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate
