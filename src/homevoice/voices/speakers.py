"""Does one person speak in a sample? A small, model-free test for the voice checks.

The F0 track of the speech (pauses already removed; WORLD's DIO, ``homevoice.voices.pitch``) is
cut into windows of about 1.75 s, and each window gets the median log2-F0 of its voiced frames.
The windows are sorted by pitch and every split into a lower and a higher group, each holding at
least ``MIN_SHARE`` of the windows, is tried; a sample holds several speakers when the widest
split puts ``PITCH_GAP_OCTAVES`` or more between the groups' mean pitch.

What it detects: two voices whose usual pitch differs by half an octave or more (about 40 %) that
each speak at least a quarter of the sample: most men and women taking turns, an adult and a
child. What it cannot detect: voices of similar pitch pass (two men, two women, and a man with a
high voice next to a woman with a low one: a 130 Hz man and a 165 Hz woman pass), and so do a
second voice that speaks less than a quarter of the sample and voices talking over each other. A
single speaker whose pitch jumps by half an octave for a quarter of the sample (a put-on
character voice) may be refused.

The mean mel-cepstrum of each window was tried as a second, timbre feature and left out: over
1.75 s windows it moves with what is said as much as with who says it (one speaker's window
groups: 2.2-10.1 spread units apart; two different speakers: 2.3-14.1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from homevoice.voices.pitch import FRAME_PERIOD_MS

WINDOW_S = 1.75
MIN_SHARE = 0.25
"""Least share of the speech (in windows) each group must hold."""
MIN_VOICED_FRAMES = 20
"""Voiced 5 ms frames a window needs for its pitch to count."""

# Measured with this code on the dev eval set (31 clips, 13 speakers), the widest gap:
#   one speaker, each clip with >= 3 s of speech and 7-30 s of one speaker's clips joined:
#     0.035-0.393 octave (librispeech 61-70968-0000 0.393, librivox 0890 0.346, ljspeech 0.342);
#   a woman (165-194 Hz) and a man (87-108 Hz), 6 s of each one after the other (28 pairs):
#     0.646-1.14 octave; taking turns (A B A B): 0.61-0.98;
#   the same women next to a 130 Hz man: 0.41-0.57 (two of four pass);
#   two women: 0.14-0.33; two men of 87-108 Hz: 0.13-0.37; with the 130 Hz man: 0.26-0.58.
# 0.5 octave leaves 0.107 octave (8 % in F0) above the widest single speaker and 0.11 below the
# closest woman-and-man turns.
PITCH_GAP_OCTAVES = 0.5


@dataclass(frozen=True)
class SpeakerSplit:
    """The widest split of a sample's speech windows by pitch."""

    pitch_gap: float
    """Octaves between the mean pitch of the higher group and of the lower group."""
    share: float
    """Share of the windows in the smaller group."""
    windows: int
    """Windows with enough voiced frames to count."""

    @property
    def several_speakers(self) -> bool:
        return self.pitch_gap >= PITCH_GAP_OCTAVES


def speaker_split(f0: NDArray[np.float64], frame_period_ms: float = FRAME_PERIOD_MS) -> SpeakerSplit | None:
    """The widest pitch split of an F0 track (``pitch.f0_track``) of speech with its pauses
    removed, or None when fewer than two windows have enough voiced frames to tell."""
    per_window = WINDOW_S * 1000 / frame_period_ms
    count = max(1, round(len(f0) / per_window))
    size = len(f0) // count
    pitches = [_window_pitch(f0[i * size : (i + 1) * size]) for i in range(count)]
    pitch = np.sort(np.array([p for p in pitches if p is not None]))
    if len(pitch) < 2:
        return None
    least = max(1, math.ceil(MIN_SHARE * len(pitch)))
    gaps = [
        (float(pitch[cut:].mean() - pitch[:cut].mean()), cut) for cut in range(least, len(pitch) - least + 1)
    ]
    gap, cut = max(gaps)
    return SpeakerSplit(gap, min(cut, len(pitch) - cut) / len(pitch), len(pitch))


def _window_pitch(f0: NDArray[np.float64]) -> float | None:
    """Median log2-F0 of the voiced frames, or None when too few are voiced."""
    voiced = f0[f0 > 0]
    if len(voiced) < MIN_VOICED_FRAMES:
        return None
    return float(np.median(np.log2(voiced)))
