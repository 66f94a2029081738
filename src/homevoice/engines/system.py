"""Voices that operating system packages install: present when their programs and folder are.

homevoice never installs or removes them; ``make install`` runs apt-get, and errors say how.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from homevoice.engines.catalog import SystemSource

Which = Callable[[str], str | None]
IsDir = Callable[[Path], bool]


def _is_dir(path: Path) -> bool:
    return path.is_dir()


def missing_parts(source: SystemSource, which: Which = shutil.which, is_dir: IsDir = _is_dir) -> list[str]:
    """What is not there yet: programs not on PATH, then the voice folder."""
    missing = [f"the program {command}" for command in source.commands if which(command) is None]
    if not is_dir(Path(source.folder)):
        missing.append(f"the folder {source.folder}")
    return missing


def install_hint(source: SystemSource) -> str:
    packages = " ".join(source.debian_packages)
    return f"run `sudo apt-get install {packages}` (or `make install`)"


def not_installed_message(name: str, source: SystemSource, missing: list[str]) -> str:
    return (
        f"Voice {name} needs the Debian package(s) {', '.join(source.debian_packages)}; "
        f"{' and '.join(missing)} is missing. To install them, {install_hint(source)}."
    )
