"""Whether synthesised speech says its text: speech to text, then the character error rate."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.wav import pcm16_bytes
from homevoice.evaluation.wer import normalize
from homevoice.voices.cloned import Verifier

MAX_CER = 0.35
"""Whisper base on clean synthetic speech stays far below this; a skipped or babbled phrase does not."""


def character_error_rate(reference: str, hypothesis: str) -> float:
    """Levenshtein distance over characters, divided by the reference's length. (The scoring in
    ``homevoice.evaluation`` uses jiwer, which the server's own install does not have.)"""
    if not reference:
        return 0.0 if not hypothesis else 1.0
    previous = list(range(len(hypothesis) + 1))
    for i, ref_char in enumerate(reference, 1):
        current = [i]
        for j, hyp_char in enumerate(hypothesis, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ref_char != hyp_char)))
        previous = current
    return previous[-1] / len(reference)


Transcribe = Callable[[bytes, str], str]
"""(a WAV file, language) -> the words heard."""


def speech_verifier(transcribe: Transcribe, max_cer: float = MAX_CER) -> Verifier:
    def says(audio: NDArray[np.float32], rate: int, text: str, language: str) -> bool:
        heard = transcribe(pcm16_bytes(audio, rate), language)
        expected = normalize(text, language)
        return character_error_rate(expected, normalize(heard, language)) <= max_cer

    return says
