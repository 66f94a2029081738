"""Writing results: stdout, or files replaced atomically so a crash never leaves half a transcript."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    write_chunks_atomically(path, [text.encode("utf-8")])


def write_chunks_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        Path(tmp).replace(path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def output_path(target: Path, source: Path, suffix: str, several: bool) -> Path:
    """One input writes to ``target``; several write ``target/<input stem>.<suffix>``."""
    return target / f"{source.stem}.{suffix}" if several else target
