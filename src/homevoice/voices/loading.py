"""Building the enrolled voices from settings, for the app and for processes without one."""

from __future__ import annotations

from collections.abc import Callable

from homevoice.engines.base import TextToSpeech, VoiceCloner
from homevoice.engines.catalog import find_voice
from homevoice.engines.clone.loading import load_cloner
from homevoice.engines.manager import ModelManager
from homevoice.engines.tts.loading import load_tts_engine
from homevoice.settings import Settings
from homevoice.voices.library import VoiceLibrary
from homevoice.voices.speaking import EnrolledVoices
from homevoice.voices.verify import Transcribe, speech_verifier


def cloner_manager(settings: Settings) -> ModelManager[VoiceCloner]:
    """The cloning model, loaded once for every enrolled voice and unloaded when idle."""
    return ModelManager(lambda name: load_cloner(settings, name), settings.models.keep_alive_s)


def enrolled_voices(
    settings: Settings,
    cloners: ModelManager[VoiceCloner],
    transcribe: Transcribe | None,
    *,
    cpu_threads: int = 0,
) -> EnrolledVoices:
    verify = speech_verifier(transcribe) if transcribe is not None and settings.voices.verify_cloned else None
    return EnrolledVoices(
        settings.voices,
        VoiceLibrary(settings.voices_dir),
        settings.models_dir,
        lambda name: load_tts_engine(settings, name, cpu_threads=cpu_threads),
        cloners.use,
        verify,
    )


def voice_loader(
    enrolled: EnrolledVoices, settings: Settings, *, cpu_threads: int = 0
) -> Callable[[str], TextToSpeech]:
    """Loads a built-in voice by name, an enrolled one by key or name."""

    def load(name: str) -> TextToSpeech:
        if find_voice(name) is None and enrolled.owns(name):
            return enrolled.load(name)
        # A built-in voice, a Piper voice folder, or a clear error.
        return load_tts_engine(settings, name, cpu_threads=cpu_threads)

    return load
