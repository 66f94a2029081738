"""The marker that says a model directory is complete and verified.

A model directory under ``<data dir>/models/<name>/`` counts as installed only when this file is
present; it is written last, atomically, after every file was checked.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

MANIFEST_NAME = "homevoice-model.json"


@dataclass(frozen=True)
class ModelManifest:
    name: str
    engine: str
    source: str
    """"embedded:<distribution,...>" or "hub:<repo id>@<commit>"."""
    files: dict[str, str] = field(default_factory=dict)
    """File name -> sha256 of what was verified."""


def write_manifest(model_dir: Path, manifest: ModelManifest) -> None:
    fd, tmp = tempfile.mkstemp(dir=model_dir, prefix=".manifest-")
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(asdict(manifest), out, indent=2, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    Path(tmp).replace(model_dir / MANIFEST_NAME)


def read_manifest(model_dir: Path) -> ModelManifest | None:
    path = model_dir / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return ModelManifest(
            name=str(data["name"]),
            engine=str(data["engine"]),
            source=str(data["source"]),
            files={str(k): str(v) for k, v in dict(data.get("files", {})).items()},
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
