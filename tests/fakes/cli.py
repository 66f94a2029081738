"""The environment of a `homevoice` child process in the tests."""

from __future__ import annotations

import os
from pathlib import Path


def cli_env(data_dir: Path, **settings: str) -> dict[str, str]:
    """This process's environment without HOMEVOICE_* variables, plus the data dir, two CPU threads,
    and ``settings`` as HOMEVOICE_<NAME> variables (``jobs__chunk_s`` -> ``HOMEVOICE_JOBS__CHUNK_S``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEVOICE_")}
    env |= {"HOMEVOICE_DATA_DIR": str(data_dir), "HOMEVOICE_STT__CPU_THREADS": "2"}
    return env | {f"HOMEVOICE_{name.upper()}": value for name, value in settings.items()}
