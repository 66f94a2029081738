"""Which engine speaks with an enrolled voice, and loading it for the speech service.

An enrolled voice is loaded under the key ``name#id``: enrolling a voice again under the same
name gives a new id, so a model manager never serves the old voice for the new one.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from homevoice.engines.assets import installed_dir
from homevoice.engines.base import TextToSpeech, VoiceCloner, VoiceReference
from homevoice.engines.catalog import find_any
from homevoice.engines.registry import BACKENDS, is_available
from homevoice.settings_voices import VoicesSettings
from homevoice.voices.cloned import ClonedVoice, Verifier
from homevoice.voices.library import EnrolledVoice, VoiceLibrary
from homevoice.voices.match import MatchParams
from homevoice.voices.matched import ENGINE as MATCH_ENGINE
from homevoice.voices.matched import MatchedVoice
from homevoice.voices.model import VoiceNotFoundError

CLONER = "xtts-v2"
KEY_SEPARATOR = "#"

LoadBuiltin = Callable[[str], TextToSpeech]
UseCloner = Callable[[str], AbstractContextManager[VoiceCloner]]


def engine_key(voice: EnrolledVoice) -> str:
    return f"{voice.name}{KEY_SEPARATOR}{voice.id}"


class EnrolledVoices:
    """The library as the speech service sees it: names to resolve, voices to load."""

    def __init__(
        self,
        settings: VoicesSettings,
        library: VoiceLibrary,
        models_dir: Path,
        load_builtin: LoadBuiltin,
        use_cloner: UseCloner,
        verify: Verifier | None = None,
    ) -> None:
        self.settings = settings
        self.library = library
        self._models_dir = models_dir
        self._load_builtin = load_builtin
        self._use_cloner = use_cloner
        self._verify = verify

    def cloning_installed(self) -> bool:
        """Whether the cloning engine's extra and model are both here."""
        spec = find_any(CLONER)
        if spec is None or not is_available(BACKENDS[spec.engine]):
            return False
        return installed_dir(spec, self._models_dir) is not None

    def speaking_engine(self) -> str:
        """``xtts-v2`` or ``voice-match``: what speaks with enrolled voices under these settings."""
        choice = self.settings.engine
        if choice == CLONER or (choice == "auto" and self.cloning_installed()):
            return CLONER
        return MATCH_ENGINE

    def owns(self, key: str) -> bool:
        """Whether a loading key or name is an enrolled voice's."""
        return self.library.get(key.partition(KEY_SEPARATOR)[0]) is not None

    def key_for(self, name: str) -> str | None:
        """The loading key of an enrolled voice, or None if no voice has this name."""
        voice = self.library.get(name)
        return engine_key(voice) if voice is not None else None

    def identity(self, name: str) -> str | None:
        """What makes this voice's audio what it is (for caches): the enrolment and the engine."""
        key = self.key_for(name)
        return f"{self.speaking_engine()}:{key}" if key is not None else None

    def load(self, key: str) -> TextToSpeech:
        """Load by key (``name#id``) or by name (the voice enrolled under it now)."""
        name, _, voice_id = key.partition(KEY_SEPARATOR)
        voice = self.library.get(name)
        if voice is None or (voice_id and voice.id != voice_id):
            raise VoiceNotFoundError(
                f"The voice {name!r} was removed or enrolled again; ask again to use it."
            )
        if self.speaking_engine() == CLONER:
            reference = VoiceReference(
                name=voice.name,
                audio=self.library.reference(voice),
                sample_rate=16_000,
                transcript=voice.transcript,
                language=voice.language,
                seed=voice.seed,
                cache_dir=voice.cache_dir,
            )
            return ClonedVoice(lambda: self._use_cloner(CLONER), reference, self._verify)
        if voice.match is None:
            raise VoiceNotFoundError(f"The voice {name!r} has no voice match; enrol it again.")
        params = MatchParams.from_json(voice.match)
        return MatchedVoice(voice.name, self._load_builtin(params.base_voice), params)
