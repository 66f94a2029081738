"""Fundamental frequency with the WORLD analyser (pyworld's DIO refined by StoneMask)."""

from __future__ import annotations

import numpy as np
import pyworld
from numpy.typing import NDArray

FRAME_PERIOD_MS = 5.0
F0_FLOOR = 60.0
F0_CEIL = 500.0


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
    f0 = f0_track(audio, rate)
    voiced = f0[f0 > 0]
    if len(voiced) < 20:
        return None
    return float(np.median(voiced))
