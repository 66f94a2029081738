"""The files of a vault as Obsidian shows them, in a stable order.

Left out everywhere: hidden files and folders (``.obsidian``, ``.trash``, ``.git``), conflict copies
made by sync tools, names that are not valid UTF-8, and symlinks that lead out of the vault (a
link to ``~`` must not pull a home directory into an index or an audiobook). Symlinked folders are
not descended into at all, so a link loop cannot hang a walk.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Collection
from pathlib import Path

from homevoice.vault.names import is_conflict_file

logger = logging.getLogger(__name__)


def _never(_: str) -> bool:
    return False


def _valid_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes survive as surrogates on POSIX
        return False
    return True


def vault_files(
    root: Path, suffixes: Collection[str], *, skip_folder: Callable[[str], bool] = _never
) -> list[Path]:
    """Files under ``root`` whose suffix (lowercase, with the dot) is in ``suffixes``, ordered by
    their case-folded vault path. ``skip_folder`` gets each folder's vault-relative POSIX path."""
    found: list[tuple[tuple[str, ...], Path]] = []
    resolved_root = root.resolve()
    for current, folders, files in os.walk(root):
        base = Path(current)
        kept: list[str] = []
        for name in folders:
            relative = (base / name).relative_to(root).as_posix()
            if name.startswith(".") or not _valid_name(name) or skip_folder(relative):
                continue
            kept.append(name)
        folders[:] = kept
        for name in files:
            path = base / name
            if name.startswith(".") or path.suffix.lower() not in suffixes or is_conflict_file(name):
                continue
            if not _valid_name(name):
                logger.warning("Skipping a file whose name is not valid UTF-8 in %s", base)
                continue
            if path.is_symlink() and not path.resolve().is_relative_to(resolved_root):
                continue  # a link out of the vault is not part of it
            relative_parts = path.relative_to(root).parts
            found.append((tuple(part.casefold() for part in relative_parts), path))
    return [path for _, path in sorted(found)]
