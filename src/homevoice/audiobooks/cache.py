"""Sentence audio on disk, keyed by (text, voice, engine, speed): synthesised once, reused forever.

One WAV file per sentence (16-bit mono, self-describing), written to a temporary name and renamed,
so a process killed mid-write never leaves a truncated sentence behind for the next render.
"""

from __future__ import annotations

import os
import tempfile
import wave
from pathlib import Path

import numpy as np
from numpy.typing import NDArray


class SentenceCache:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        # Two levels of fan-out keep folders small for books of tens of thousands of sentences.
        return self.root / key[:2] / f"{key}.wav"

    def has(self, key: str) -> bool:
        """Whether a whole, readable sentence is cached (a damaged file counts as missing)."""
        path = self.path(key)
        try:
            with wave.open(str(path), "rb") as audio:
                expected = audio.getnframes() * audio.getsampwidth()
            return path.stat().st_size >= expected
        except (FileNotFoundError, wave.Error, EOFError):
            return False

    def get(self, key: str) -> tuple[NDArray[np.float32], int] | None:
        """The sentence's samples and rate, or None when not cached (or unreadable)."""
        try:
            with wave.open(str(self.path(key)), "rb") as audio:
                rate = audio.getframerate()
                frames = audio.readframes(audio.getnframes())
        except (FileNotFoundError, wave.Error, EOFError):
            return None
        return np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0, rate

    def put(self, key: str, samples: NDArray[np.float32], rate: int) -> None:
        target = self.path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        pcm = (np.clip(samples, -1.0, 1.0) * 32767.0).astype("<i2")
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".wav")
        try:
            with os.fdopen(handle, "wb") as raw, wave.open(raw, "wb") as audio:
                audio.setnchannels(1)
                audio.setsampwidth(2)
                audio.setframerate(rate)
                audio.writeframes(pcm.tobytes())
            Path(temp).replace(target)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*.wav")) if self.root.is_dir() else 0
