"""Fundamental frequency with the WORLD analyser (pyworld's DIO refined by StoneMask)."""

from __future__ import annotations

import numpy as np
import pyworld
from numpy.typing import NDArray

FRAME_PERIOD_MS = 5.0
F0_FLOOR = 60.0
F0_CEIL = 500.0
MIN_VOICED_FRAMES = 20
"""Fewer voiced frames than this tell no pitch."""


def f0_track(
    audio: NDArray[np.float32], rate: int, frame_period_ms: float = FRAME_PERIOD_MS
) -> NDArray[np.float64]:
    """F0 in Hz per frame, 0 where unvoiced."""
    x = np.ascontiguousarray(audio, dtype=np.float64)
    if len(x) < rate * frame_period_ms / 1000 * 4:
        return np.zeros(0, dtype=np.float64)
    coarse, times = pyworld.dio(x, rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=frame_period_ms)
    return np.asarray(pyworld.stonemask(x, coarse, times, rate), dtype=np.float64)


def median_f0(audio: NDArray[np.float32], rate: int) -> float | None:
    """The median F0 of the voiced frames, or None when there are too few to tell."""
    return voiced_median(f0_track(audio, rate))


def voiced_median(f0: NDArray[np.float64]) -> float | None:
    """The median of an F0 track's voiced frames, or None when there are too few to tell."""
    voiced = f0[f0 > 0]
    return float(np.median(voiced)) if len(voiced) >= MIN_VOICED_FRAMES else None
