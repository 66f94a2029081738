"""Engine name -> backend module, imported only when chosen.

Importing this module loads no engine library; availability is checked with ``find_spec`` so a
missing optional extra gives an error that names the extra to install.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from importlib.machinery import ModuleSpec
from typing import Any

from homevoice.engines.catalog import EngineName
from homevoice.errors import MissingExtraError, UnknownModelError

FindSpec = Callable[[str], ModuleSpec | None]


@dataclass(frozen=True)
class Backend:
    name: EngineName
    capability: str
    """``stt``, ``tts`` or ``clone``."""
    module: str
    attribute: str
    requires: tuple[str, ...]
    """Top-level modules the backend imports."""
    extra: str | None
    """The pip extra that installs ``requires``; None when they are in the core install."""


BACKENDS: dict[EngineName, Backend] = {
    EngineName.FASTER_WHISPER: Backend(
        name=EngineName.FASTER_WHISPER,
        capability="stt",
        module="homevoice.engines.stt.faster_whisper",
        attribute="FasterWhisperEngine",
        requires=("faster_whisper", "ctranslate2"),
        extra=None,
    ),
    EngineName.PIPER: Backend(
        name=EngineName.PIPER,
        capability="tts",
        module="homevoice.engines.tts.piper",
        attribute="PiperEngine",
        requires=("piper", "onnxruntime"),
        extra=None,
    ),
    EngineName.FESTIVAL: Backend(
        name=EngineName.FESTIVAL,
        capability="tts",
        module="homevoice.engines.tts.festival",
        attribute="FestivalEngine",
        requires=(),  # runs the Debian `text2wave` program; the voice's SystemSource checks for it
        extra=None,
    ),
    EngineName.XTTS: Backend(
        name=EngineName.XTTS,
        capability="clone",
        module="homevoice.engines.clone.xtts",
        attribute="XttsCloner",
        # coqui-tts refuses to import without torchaudio, and without torchcodec on torch >= 2.9.
        requires=("TTS", "torch", "torchaudio", "torchcodec"),
        extra="clone",
    ),
}

MAKE_TARGETS: dict[str, str] = {"clone": "make install-clone"}
"""Extras with a Makefile target that installs them properly (the CPU build of torch, for one)."""


def missing_modules(backend: Backend, find_spec: FindSpec = importlib.util.find_spec) -> list[str]:
    return [name for name in backend.requires if find_spec(name) is None]


def is_available(backend: Backend, find_spec: FindSpec = importlib.util.find_spec) -> bool:
    return not missing_modules(backend, find_spec)


def install_hint(backend: Backend) -> str:
    """What to run so that ``backend``'s modules are there."""
    if backend.extra is None:
        return "reinstall homevoice"
    hint = f"pip install 'homevoice[{backend.extra}]'"
    target = MAKE_TARGETS.get(backend.extra)
    return f"{hint} (in a homevoice checkout: `{target}`)" if target else hint


def require(backend: Backend, find_spec: FindSpec = importlib.util.find_spec) -> None:
    """Raise MissingExtraError, naming the extra, unless every module the backend needs is there."""
    missing = missing_modules(backend, find_spec)
    if missing:
        raise MissingExtraError(
            f"Engine {backend.name} needs {', '.join(missing)}, which is not installed; "
            f"run: {install_hint(backend)}."
        )


def load_backend(name: EngineName | str, find_spec: FindSpec = importlib.util.find_spec) -> Any:
    """The backend's engine class, importing its module now and not before."""
    try:
        backend = BACKENDS[EngineName(name)]
    except (KeyError, ValueError) as err:
        known = ", ".join(sorted(BACKENDS))
        raise UnknownModelError(f"Unknown engine {name!r}; known engines: {known}.") from err
    require(backend, find_spec)
    return getattr(importlib.import_module(backend.module), backend.attribute)
