"""Writing results: stdout, or files replaced atomically so a crash never leaves half a transcript."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def output_path(target: Path, source: Path, suffix: str, several: bool) -> Path:
    """One input writes to ``target``; several write ``target/<input stem>.<suffix>``."""
    return target / f"{source.stem}.{suffix}" if several else target
