"""Errors of the vault writer, in the project's one error tree."""

from __future__ import annotations

from homevoice.errors import HomevoiceError


class VaultError(HomevoiceError):
    """The vault cannot be read or written as asked.

    Codes: ``vault_unwritable`` (disk full, permissions, read-only sync folder),
    ``vault_unreadable`` (a note exists but cannot be read) and ``vault_path_escape``
    (a path would land outside the vault, e.g. ``..`` or a symlink pointing elsewhere).
    """

    code = "vault_unwritable"
