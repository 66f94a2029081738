"""Change the tempo of speech without changing its pitch, for voices that have no speed control.

WSOLA (waveform-similarity overlap-add): the output is built from 30 ms frames overlapping by
half. Each frame is read from the input where the speed says it belongs, shifted by up to 10 ms
so that it lines up with the natural continuation of the frame before it; the periodic Hann
windows of half-overlapping frames sum to exactly one, so nothing is faded. Pitch and timbre stay.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FRAME_S = 0.030
TOLERANCE_S = 0.010


def change_tempo(samples: NDArray[np.float32], sample_rate: int, speed: float) -> NDArray[np.float32]:
    """``samples`` spoken ``speed`` times as fast: about ``len(samples) / speed`` samples long."""
    if speed <= 0:
        raise ValueError(f"speed must be positive, not {speed}")
    if speed == 1.0 or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    hop = max(8, int(FRAME_S * sample_rate) // 2)
    frame = 2 * hop
    tolerance = max(1, int(TOLERANCE_S * sample_rate))
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(frame) / frame)  # periodic Hann

    out_len = max(1, round(len(samples) / speed))
    frames = out_len // hop + 2
    lead = tolerance + hop  # zeros before the input, so the first frame may start before it
    needed = lead + math.ceil((frames - 1) * hop * speed) + tolerance + 2 * frame
    x = np.zeros(max(needed, lead + len(samples) + 2 * frame), dtype=np.float64)
    x[lead : lead + len(samples)] = samples

    # Frames stay inside the input where it is long enough, so the end does not fade into padding.
    last = lead + len(samples) - frame if len(samples) >= frame else len(x) - frame

    out = np.zeros(frames * hop + frame, dtype=np.float64)
    previous = -1
    for k in range(frames):
        nominal = min(lead - hop + round(k * hop * speed), last)
        start = nominal if previous < 0 else _best_start(x, previous + hop, nominal, frame, tolerance, last)
        out[k * hop : k * hop + frame] += x[start : start + frame] * window
        previous = start
    # Output sample t is the centre of frame t / hop; the first half frame only leads in.
    return np.clip(out[hop : hop + out_len], -1.0, 1.0).astype(np.float32)


def _best_start(
    x: NDArray[np.float64], natural: int, nominal: int, frame: int, tolerance: int, last: int
) -> int:
    """The start within ``nominal ± tolerance`` (at most ``last``) whose frame best matches the
    one at ``natural``, the continuation of the frame before."""
    first = nominal - tolerance
    target = x[natural : natural + frame]
    region = x[first : max(first, min(nominal + tolerance, last)) + frame]
    scores = np.correlate(region, target, mode="valid")
    return first + int(np.argmax(scores))
