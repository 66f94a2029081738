"""An enrolled voice spoken by a cloning engine, with each piece checked by speech to text."""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import AbstractContextManager

import numpy as np
from numpy.typing import NDArray

from homevoice.engines.base import SynthesisOptions, VoiceCloner, VoiceInfo, VoiceReference

log = logging.getLogger(__name__)

Verifier = Callable[[NDArray[np.float32], int, str, str], bool]
"""(audio, sample rate, text, language) -> whether the audio says the text."""


UseCloner = Callable[[], AbstractContextManager[VoiceCloner]]
"""Borrows the shared cloning model (loaded once for every enrolled voice) for one call."""


class ClonedVoice:
    def __init__(
        self, use_cloner: UseCloner, reference: VoiceReference, verify: Verifier | None = None
    ) -> None:
        self._use_cloner = use_cloner
        self._reference = reference
        self._verify = verify
        with use_cloner() as cloner:
            info = cloner.info
        self._voice = VoiceInfo(
            name=reference.name,
            engine=info.engine,
            languages=info.languages,
            sample_rate=info.sample_rate,
            max_chars=info.max_chars_for(reference.language),
        )

    @property
    def voice(self) -> VoiceInfo:
        return self._voice

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        """One piece; regenerated once, with another seed, when speech to text hears other words.

        Cloning models now and then skip, repeat or babble; a second try usually reads the text.
        The second take is kept even if it fails too: a wrong piece is better than none.
        """
        with self._use_cloner() as cloner:
            audio = cloner.synthesize(text, self._reference, options)
        if self._verify is None or len(audio) == 0:
            return audio
        if self._verify(audio, self._voice.sample_rate, text, self._reference.language):
            return audio
        log.info("voice %s: a piece did not match its text; regenerating it once", self._reference.name)
        retry = VoiceReference(
            name=self._reference.name,
            audio=self._reference.audio,
            sample_rate=self._reference.sample_rate,
            transcript=self._reference.transcript,
            language=self._reference.language,
            seed=self._reference.seed + 1,
            cache_dir=self._reference.cache_dir,
        )
        with self._use_cloner() as cloner:
            return cloner.synthesize(text, retry, options)

    def close(self) -> None:
        """The cloning model is shared and unloaded by its own manager; nothing is held here."""
