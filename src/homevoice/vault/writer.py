"""Safe, atomic writes into a vault that the owner edits and syncs at the same time.

Rules: never overwrite what the owner wrote, never leave a half-written note that a sync tool
could copy to other devices, and never write outside the vault whatever a path says.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import secrets
import stat
import unicodedata
from pathlib import Path
from typing import Final

from homevoice.vault.errors import VaultError

logger = logging.getLogger(__name__)

# File systems without hard links (FAT/exFAT cards, some FUSE and SMB mounts) answer these.
_NO_LINKS: Final = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV})


def _name_key(name: str) -> str:
    """How macOS, Windows and Android compare names: case- and normalisation-insensitively."""
    return unicodedata.normalize("NFC", name).casefold()


def _write_new(path: Path, data: bytes, mode: int | None = None) -> None:
    """Create ``path`` (never an existing file), write and fsync it; removed again on failure."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if mode is not None and hasattr(os, "fchmod"):
            os.fchmod(fd, mode)
        _write_all(fd, data)
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_dir(folder: Path) -> None:
    """Make a new or renamed entry survive a power cut; some systems cannot open folders."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class VaultWriter:
    """Creates and updates files by vault-relative paths ("Inbox/2026-01-01 0900 Idea.md")."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _unwritable(self, rel: str, error: OSError) -> VaultError:
        reason = error.strerror or str(error)
        return VaultError(
            f"Cannot write {rel!r} in the vault {str(self.root)!r}: {reason}. "
            "Free some disk space or let this service write to the vault folder, then try again.",
            code="vault_unwritable",
        )

    def _require_root(self) -> None:
        """Never create the vault itself: a missing root usually means an unmounted drive."""
        if not self.root.is_dir():
            raise VaultError(
                f"The vault folder {str(self.root)!r} does not exist. "
                "Check the configured vault path and that its drive or share is mounted.",
                code="vault_unwritable",
            )

    def resolve(self, rel: str) -> Path:
        """The absolute path for ``rel``; refuses ``..``, absolute paths and symlinks leading out."""
        parts = rel.replace("\\", "/").split("/")
        drive = len(rel) >= 2 and rel[1] == ":"
        if rel.startswith(("/", "\\")) or drive or ".." in parts or "\0" in rel:
            raise self._escape(rel)
        path = self.root.joinpath(*[part for part in parts if part not in ("", ".")])
        root = self.root.resolve()
        inside = [path.parent.resolve()] if path != self.root else []
        if path.is_symlink() or path.exists():
            inside.append(path.resolve())
        if any(not candidate.is_relative_to(root) for candidate in inside):
            raise self._escape(rel)
        return path

    def _escape(self, rel: str) -> VaultError:
        return VaultError(
            f"The path {rel!r} would lead outside the vault {str(self.root)!r}. "
            "Use a folder inside the vault and no symlinks that point elsewhere.",
            code="vault_path_escape",
        )

    def unique_path(self, folder: str, filename: str) -> str:
        """A free vault-relative path for ``filename`` in ``folder``: "x.md", "x 2.md", "x 3.md"...

        Names are compared ignoring case, because the vault syncs to case-insensitive systems.
        Creates ``folder``. Another writer may still win the name: :meth:`create` then says False.
        """
        directory = self.resolve(folder)
        self._require_root()
        try:
            directory.mkdir(parents=True, exist_ok=True)
            taken = {_name_key(entry.name) for entry in directory.iterdir()}
        except OSError as error:
            raise self._unwritable(folder, error) from error
        stem, dot, extension = filename.rpartition(".")
        if not stem:
            stem, dot, extension = filename, "", ""
        candidate, number = filename, 1
        while _name_key(candidate) in taken:
            number += 1
            candidate = f"{stem} {number}{dot}{extension}"
        prefix = "/".join(part for part in folder.replace("\\", "/").split("/") if part not in ("", "."))
        return f"{prefix}/{candidate}" if prefix else candidate

    def _temp_file(self, folder: Path, data: bytes, mode: int | None = None) -> Path:
        """A fully written, fsynced hidden temp file next to its target (Obsidian ignores dot files)."""
        temp = folder / f".homevoice-{secrets.token_hex(8)}.tmp"
        _write_new(temp, data, mode)
        return temp

    def create(self, rel: str, data: bytes) -> bool:
        """Create ``rel`` with ``data`` in one step; False if it already exists (nothing changed)."""
        target = self.resolve(rel)
        self._require_root()
        temp: Path | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = self._temp_file(target.parent, data)
            try:
                os.link(temp, target)  # unlike rename, a hard link never replaces an existing file
            except FileExistsError:
                return False
            except OSError as error:
                if error.errno not in _NO_LINKS:
                    raise
                if not self._create_exclusive(target, data):
                    return False
            with contextlib.suppress(OSError):
                temp.unlink()
            temp = None
            _fsync_dir(target.parent)
            logger.debug("Created %s", rel)
            return True
        except OSError as error:
            raise self._unwritable(rel, error) from error
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()

    def _create_exclusive(self, target: Path, data: bytes) -> bool:
        """Fallback without hard links: exclusive create, removed again if writing fails."""
        try:
            _write_new(target, data)
        except FileExistsError:
            return False
        return True

    def replace_if_unchanged(self, rel: str, data: bytes, expected_sha256: str) -> bool:
        """Atomically replace ``rel`` only if its content still hashes to ``expected_sha256``.

        False (and nothing touched) when the owner edited or removed the file meanwhile. A tiny
        window between the check and the rename remains; the caller's next read will see it.
        """
        target = self.resolve(rel)
        current = self.read(rel)
        if current is None or self.sha256(current) != expected_sha256:
            return False
        temp: Path | None = None
        try:
            temp = self._temp_file(target.parent, data, stat.S_IMODE(target.stat().st_mode))
            temp.replace(target)
            temp = None
            _fsync_dir(target.parent)
        except OSError as error:
            raise self._unwritable(rel, error) from error
        finally:
            if temp is not None:
                with contextlib.suppress(OSError):
                    temp.unlink()
        logger.debug("Updated %s", rel)
        return True

    def read(self, rel: str) -> bytes | None:
        """The file's bytes, or None when it does not exist."""
        path = self.resolve(rel)
        try:
            return path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as error:
            raise VaultError(
                f"Cannot read {rel!r} in the vault {str(self.root)!r}: {error.strerror or error}. "
                "Check that this service may read the vault folder.",
                code="vault_unreadable",
            ) from error

    @staticmethod
    def sha256(data: bytes) -> str:
        return hashlib.sha256(data).hexdigest()
