"""Sentence audio on disk, keyed by (text, voice, engine, speed): synthesised once, reused forever.

One WAV file per sentence (16-bit mono, self-describing), written to a temporary name and renamed,
so a process killed mid-write never leaves a truncated sentence behind for the next render.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
import wave
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.wav import read_pcm16, write_pcm16
from homevoice.errors import HomevoiceError


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
            return read_pcm16(self.path(key))
        except (FileNotFoundError, wave.Error, EOFError):
            return None

    def put(self, key: str, samples: NDArray[np.float32], rate: int) -> None:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".wav")
        except OSError as err:
            raise _storage_error(err, self.root) from err
        try:
            with os.fdopen(handle, "wb") as raw:
                write_pcm16(raw, samples, rate)
            Path(temp).replace(target)
        except OSError as err:
            Path(temp).unlink(missing_ok=True)
            raise _storage_error(err, self.root) from err
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise

    def touch(self, keys: Iterable[str]) -> None:
        """Mark sentences as just used, so trimming keeps them longest."""
        for key in keys:
            with contextlib.suppress(FileNotFoundError):
                os.utime(self.path(key))

    def trim(self, max_bytes: int, keep: Iterable[str] = ()) -> int:
        """Delete the least recently used sentences until the cache fits ``max_bytes``; ``keep``
        (the book just rendered) is never deleted. Returns how many files went."""
        kept = {f"{key}.wav" for key in keep}
        entries = []
        total = 0
        for path in self.root.rglob("*.wav") if self.root.is_dir() else ():
            try:
                info = path.stat()
            except FileNotFoundError:
                continue  # another render trimmed it
            total += info.st_size
            if path.name not in kept:
                entries.append((info.st_mtime, info.st_size, path))
        removed = 0
        for _, size, path in sorted(entries):
            if total <= max_bytes:
                break
            path.unlink(missing_ok=True)
            total -= size
            removed += 1
        return removed

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.root.rglob("*.wav")) if self.root.is_dir() else 0


def _storage_error(err: OSError, root: Path) -> HomevoiceError:
    if err.errno in (errno.ENOSPC, errno.EDQUOT):
        return HomevoiceError(
            f"The disk holding {root} is full: free some space, or delete that folder (the sentence "
            "cache), then render again; what was finished is kept.",
            code="disk_full",
        )
    return HomevoiceError(f"Cannot write the sentence cache in {root}: {err.strerror}.", code="storage_error")
