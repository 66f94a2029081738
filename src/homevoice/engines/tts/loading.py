"""Build a text-to-speech engine for a voice name: the loader the app's voice manager calls."""

from __future__ import annotations

from homevoice.engines.assets import resolve_voice
from homevoice.engines.base import TextToSpeech, TtsLoadOptions
from homevoice.engines.catalog import EngineName
from homevoice.engines.registry import BACKENDS, load_backend
from homevoice.errors import UnknownModelError
from homevoice.settings import Settings


def load_tts_engine(settings: Settings, name: str, *, cpu_threads: int = 0) -> TextToSpeech:
    """Load a catalog voice (joining the embedded one on first use) or a Piper voice folder by path.

    Raises UnknownModelError for unknown names and ModelNotInstalledError, saying what to run,
    for voices not installed yet. Never downloads. ``cpu_threads`` 0 lets the engine use every core;
    parallel synthesis processes ask for one each.
    """
    resolved = resolve_voice(name, settings.models_dir)
    engine_name = resolved.spec.engine if resolved.spec else EngineName.PIPER
    if BACKENDS[engine_name].capability != "tts":
        raise UnknownModelError(f"{name!r} is not a voice.")
    engine_cls = load_backend(engine_name)
    options = TtsLoadOptions(
        languages=tuple(resolved.spec.languages or ()) if resolved.spec else (), cpu_threads=cpu_threads
    )
    engine: TextToSpeech = engine_cls(resolved.path, options, name=resolved.name)
    return engine
