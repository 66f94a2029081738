"""Where to cut long audio: about every ``chunk_s`` seconds, at the quietest moment nearby.

Each chunk becomes one checkpointed step, so a killed job resumes from its last finished chunk.
Cutting in a pause keeps every word whole in one chunk. Pure functions over samples.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FRAME_S = 0.02
"""Energy is measured over frames this long."""
PAUSE_S = 0.3
"""Energy is averaged over this span, so a pause wins over a short dip between two syllables."""
MAX_SEARCH_S = 10.0

Span = tuple[int, int]
"""A chunk as [start, end) sample indices."""


def search_radius_s(chunk_s: float) -> float:
    """How far from the nominal boundary a cut may move: a sixth of a chunk, at most 10 s."""
    return min(MAX_SEARCH_S, chunk_s / 6)


def plan_chunks(samples: NDArray[np.float32], sample_rate: int, chunk_s: float) -> list[Span]:
    """Consecutive spans covering all samples; one span when the audio is short."""
    total = len(samples)
    step = int(chunk_s * sample_rate)
    radius = int(search_radius_s(chunk_s) * sample_rate)
    spans: list[Span] = []
    start = 0
    # The last chunk may run up to ``radius`` past chunk_s rather than leave a sliver.
    while total - start > step + radius:
        target = start + step
        cut = quietest_point(samples, target - radius, target + radius, sample_rate)
        spans.append((start, cut))
        start = cut
    spans.append((start, total))
    return spans


def quietest_point(samples: NDArray[np.float32], lo: int, hi: int, sample_rate: int) -> int:
    """The sample index in [lo, hi) at the centre of the quietest stretch; ties go to the middle."""
    lo, hi = max(0, lo), min(len(samples), hi)
    frame = max(1, int(FRAME_S * sample_rate))
    count = (hi - lo) // frame
    if count < 1:
        return (lo + hi) // 2
    window = samples[lo : lo + count * frame].astype(np.float64).reshape(count, frame)
    energy = np.mean(window * window, axis=1)
    width = max(1, min(count, round(PAUSE_S / FRAME_S)))
    smoothed = np.convolve(energy, np.ones(width) / width, mode="same")
    quietest = np.flatnonzero(smoothed <= smoothed.min() * (1 + 1e-9) + 1e-15)
    middle = (count - 1) / 2
    best = int(quietest[np.argmin(np.abs(quietest - middle))])
    return lo + best * frame + frame // 2
