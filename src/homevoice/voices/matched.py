"""An enrolled voice spoken by the offline voice match: a built-in voice, transformed.

Approximate by design: the words, rhythm and accent stay the built-in voice's; pitch and timbre
move toward the sample's (``homevoice.voices.match``).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from homevoice.engines.base import SynthesisOptions, TextToSpeech, VoiceInfo
from homevoice.voices.match import MatchParams, apply_match

ENGINE = "voice-match"


class MatchedVoice:
    def __init__(self, name: str, base: TextToSpeech, params: MatchParams) -> None:
        self._base = base
        self._params = params
        info = base.voice
        self._voice = VoiceInfo(
            name=name,
            engine=ENGINE,
            languages=info.languages,
            sample_rate=info.sample_rate,
            max_chars=info.max_chars,
            accepts_stress=info.accepts_stress,
            call_overhead_s=info.call_overhead_s,
        )

    @property
    def voice(self) -> VoiceInfo:
        return self._voice

    def synthesize(self, text: str, options: SynthesisOptions) -> NDArray[np.float32]:
        audio = self._base.synthesize(text, options)
        if len(audio) == 0:
            return audio
        return apply_match(audio, self._voice.sample_rate, self._params)

    def close(self) -> None:
        self._base.close()
