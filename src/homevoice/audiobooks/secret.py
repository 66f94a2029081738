"""The secret in the podcast feed's address: configured, or generated once and kept in the data dir.

Podcast apps cannot send an API key, so the path itself is the credential. It has to survive restarts
(phones keep the subscribed address) and every process of one server has to agree on it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from pathlib import Path

from homevoice.errors import ConfigError
from homevoice.settings import Settings

SECRET_FILE = "podcast-secret"
_GENERATED_BYTES = 32  # 43 url-safe characters
_MIN_LENGTH = 16
_URL_SAFE = re.compile(r"^[A-Za-z0-9_-]+$")
_READ_ATTEMPTS = 50


def podcast_secret(settings: Settings) -> str:
    """``audiobooks.podcast_secret`` when set, else the one in ``<audiobooks dir>/podcast-secret``."""
    configured = settings.audiobooks.podcast_secret
    if configured is not None and configured.get_secret_value():
        return configured.get_secret_value()
    return stored_secret(settings.audiobooks_dir / SECRET_FILE)


def stored_secret(path: Path) -> str:
    """Read the secret at ``path``, creating it first if there is none."""
    for _ in range(_READ_ATTEMPTS):
        try:
            found = _read(path)
        except FileNotFoundError:
            _create(path)
            continue
        if found:
            return found
        # Empty: another process is between creating and filling it (only without hard links).
        time.sleep(0.02)
    raise ConfigError(f"The podcast secret in {path} stays empty; delete the file to make a new one.")


def _read(path: Path) -> str:
    value = path.read_text(encoding="ascii", errors="replace").strip()
    if value and (len(value) < _MIN_LENGTH or not _URL_SAFE.match(value)):
        raise ConfigError(
            f"The podcast secret in {path} is not {_MIN_LENGTH}+ letters, digits, '-' or '_'; "
            "delete the file to make a new one, or set audiobooks.podcast_secret."
        )
    return value


def _create(path: Path) -> None:
    """Write a new secret unless another process gets there first; theirs wins, whole or not at all."""
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(_GENERATED_BYTES) + "\n"
    temp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(value)
            out.flush()
            os.fsync(out.fileno())
        try:
            # A hard link appears complete and fails if the name exists: the first writer wins.
            os.link(temp, path)
        except FileExistsError:
            pass
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            _create_exclusive(path, value)
    finally:
        temp.unlink(missing_ok=True)


def _create_exclusive(path: Path, value: str) -> None:
    """For file systems without hard links: exclusive create, then fill (readers wait while empty)."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(value)
        out.flush()
        with contextlib.suppress(OSError):
            os.fsync(out.fileno())
