"""Build a voice cloning engine by name: the loader the app's cloning model manager calls."""

from __future__ import annotations

from homevoice.engines.assets import resolve_cloner
from homevoice.engines.base import VoiceCloner
from homevoice.engines.catalog import CLONERS, find_cloner
from homevoice.engines.registry import BACKENDS, install_hint, load_backend, require
from homevoice.errors import MissingExtraError, UnknownModelError
from homevoice.settings import Settings


def load_cloner(settings: Settings, name: str = "xtts-v2") -> VoiceCloner:
    """Load a pulled cloning model on ``settings.voices.clone_device``. Never downloads.

    Raises UnknownModelError for names that are not cloning models, MissingExtraError naming the
    extra when its libraries are not installed (or do not import), and ModelNotInstalledError
    saying `homevoice models pull NAME` when the model is not pulled yet.
    """
    spec = find_cloner(name)
    if spec is None or BACKENDS[spec.engine].capability != "clone":
        known = ", ".join(s.name for s in CLONERS)
        raise UnknownModelError(f"{name!r} is not a voice cloning model; choose one of {known}.")
    backend = BACKENDS[spec.engine]
    require(backend)  # the extra first: without it a pulled model is of no use
    resolved = resolve_cloner(spec.name, settings.models_dir)
    try:
        engine_cls = load_backend(backend.name)
    except (ImportError, OSError) as err:  # installed but broken, e.g. libraries built for another torch
        raise MissingExtraError(
            f"Engine {backend.name} is installed but does not import ({err}); reinstall it: "
            f"{install_hint(backend)}."
        ) from err
    cloner: VoiceCloner = engine_cls(resolved.path, device=settings.voices.clone_device)
    return cloner
