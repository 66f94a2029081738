"""Media files of captures, durable in the data dir until their note holds them."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from homevoice.errors import HomevoiceError

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class SpoolError(HomevoiceError):
    def __init__(self, message: str) -> None:
        super().__init__(message, code="spool_unwritable")


class Spool:
    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def name_for(self, chat_id: int, message_id: int, suffix: str) -> str:
        return f"{chat_id}_{message_id}{_SAFE.sub('', suffix)[:12]}"

    def path(self, name: str) -> Path:
        return self._folder / name

    def write(self, name: str, data: bytes) -> Path:
        """Write, fsync and rename into place: after this returns, the file survives a power cut."""
        target = self._folder / name
        temp: str | None = None
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
            fd, temp = tempfile.mkstemp(dir=self._folder, prefix=".incoming-")
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            Path(temp).replace(target)
            temp = None
            dir_fd = os.open(self._folder, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except OSError as err:
            raise SpoolError(
                f"Cannot store an incoming file in {self._folder}: {err.strerror or err}; free some disk space."
            ) from err
        finally:
            if temp is not None:
                Path(temp).unlink(missing_ok=True)
        return target

    def read(self, name: str) -> bytes | None:
        try:
            return (self._folder / name).read_bytes()
        except FileNotFoundError:
            return None

    def remove(self, name: str) -> None:
        (self._folder / name).unlink(missing_ok=True)
