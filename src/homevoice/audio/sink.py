"""Where an encoder's muxer writes: a drain that cannot seek, a memory buffer, or a temporary file.

A muxer that cannot seek never goes back to patch a header, so every byte it hands over is final
and can be streamed at once. One that can seek writes exact sizes when it closes.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path


class EncoderSink:
    """``target`` is what ``av.open`` writes to; ``take`` returns what can be sent now.

    ``reopened``: the muxer needs a real file it can read back by name, as ffmpeg's faststart does
    to move an m4a index to the front; that whole file goes to a temporary directory.
    """

    def __init__(self, streaming: bool, *, reopened: bool = False) -> None:
        self._tempdir: tempfile.TemporaryDirectory[str] | None = None
        self.target: str | Drain | io.BytesIO
        if streaming:
            self.target = Drain()
        elif reopened:
            self._tempdir = tempfile.TemporaryDirectory(prefix="homevoice-encode-")
            self.target = str(Path(self._tempdir.name) / "speech.m4a")
        else:
            self.target = io.BytesIO()

    def take(self) -> bytes:
        return self.target.take() if isinstance(self.target, Drain) else b""

    def finish(self) -> bytes:
        """The rest, after the muxer is closed: all of it when not streaming."""
        if isinstance(self.target, Drain):
            return self.target.take()
        if isinstance(self.target, io.BytesIO):
            return self.target.getvalue()
        try:
            return Path(self.target).read_bytes()
        finally:
            self.discard()

    def discard(self) -> None:
        if self._tempdir is not None:
            self._tempdir.cleanup()
            self._tempdir = None


class Drain:
    """A write-only byte sink without ``seek``: PyAV then tells the muxer it cannot go back."""

    def __init__(self) -> None:
        self._pending = bytearray()

    def write(self, data: bytes) -> int:
        self._pending += data
        return len(data)

    def seekable(self) -> bool:
        return False

    def take(self) -> bytes:
        data = bytes(self._pending)
        self._pending.clear()
        return data
