"""One process at a time per index: an exclusive lock on a file in the index folder.

The lock goes with the process (the kernel drops it if the process dies), so a crash never
leaves a stale lock behind. Milvus Lite locks its own folder the same way.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from homevoice.knowledge.model import KnowledgeError


def busy_error(where: str) -> KnowledgeError:
    return KnowledgeError(
        f"The knowledge index in {where} is in use by another homevoice process (a running server or "
        "`homevoice index`). Stop it or use it instead; one process at a time can hold the index.",
        code="index_busy",
    )


def locked_elsewhere(lock: Path) -> bool:
    """Whether another holder has ``lock`` (probed without keeping it)."""
    if not lock.exists():
        return False
    fd = os.open(lock, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


class ProcessLock:
    def __init__(self, folder: Path) -> None:
        fd = os.open(folder / "index.lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise busy_error(str(folder)) from None
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
