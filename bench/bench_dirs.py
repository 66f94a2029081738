"""Folders every benchmark needs: a data dir (given, or a temporary one)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def data_dir(given: Path | None) -> Iterator[Path]:
    """``--data-dir`` when given (models already joined there), else a fresh temporary folder."""
    if given is not None:
        yield given
        return
    with tempfile.TemporaryDirectory(prefix="homevoice-bench-") as tmp:
        yield Path(tmp)
