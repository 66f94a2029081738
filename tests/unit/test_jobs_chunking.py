"""Chunk boundaries: about every chunk_s seconds, moved to the quietest moment nearby."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.jobs.chunking import plan_chunks, quietest_point, search_radius_s

RATE = 16_000


def speech(seconds: float, pauses: dict[float, float] | None = None, seed: int = 0) -> NDArray[np.float32]:
    """Loud noise standing in for speech, silent over ``{start_s: length_s}``."""
    samples = np.random.default_rng(seed).uniform(-0.3, 0.3, int(seconds * RATE)).astype(np.float32)
    for start, length in (pauses or {}).items():
        samples[int(start * RATE) : int((start + length) * RATE)] = 0.0
    return samples


def test_short_audio_is_one_chunk() -> None:
    samples = speech(34.0)
    assert plan_chunks(samples, RATE, 30.0) == [(0, len(samples))]


def test_spans_cover_everything_without_gaps() -> None:
    samples = speech(200.0)
    spans = plan_chunks(samples, RATE, 30.0)
    assert spans[0][0] == 0 and spans[-1][1] == len(samples)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    radius = search_radius_s(30.0) * RATE
    for start, end in spans[:-1]:
        assert 30 * RATE - radius <= end - start <= 30 * RATE + radius
    assert spans[-1][1] - spans[-1][0] <= 30 * RATE + radius


def test_cut_lands_in_the_pause_near_the_boundary() -> None:
    samples = speech(90.0, {27.5: 0.6, 61.0: 1.0})
    spans = plan_chunks(samples, RATE, 30.0)
    cuts = [end / RATE for _, end in spans[:-1]]
    assert len(cuts) == 2 and 27.5 < cuts[0] < 28.1 and 61.0 < cuts[1] < 62.0
    assert len(spans) == 3  # the last 28.5 s fit in one chunk


def test_a_pause_outside_the_search_window_is_ignored() -> None:
    samples = speech(70.0, {20.0: 2.0})
    cut = plan_chunks(samples, RATE, 30.0)[0][1] / RATE
    assert 25.0 <= cut <= 35.0


def test_a_pause_beats_a_short_dip_between_syllables() -> None:
    samples = speech(10.0, {3.0: 0.04, 6.0: 0.5})
    assert 6.0 < quietest_point(samples, 2 * RATE, 8 * RATE, RATE) / RATE < 6.5


def test_ties_go_to_the_middle_of_the_window() -> None:
    silence = np.zeros(10 * RATE, dtype=np.float32)
    assert abs(quietest_point(silence, 2 * RATE, 8 * RATE, RATE) - 5 * RATE) <= 0.02 * RATE


@pytest.mark.parametrize(("lo", "hi"), [(-100, 50), (10 * RATE - 10, 10 * RATE + 500), (5, 5)])
def test_windows_at_the_edges_stay_inside_the_audio(lo: int, hi: int) -> None:
    samples = speech(10.0)
    point = quietest_point(samples, lo, hi, RATE)
    assert 0 <= point <= len(samples)


@pytest.mark.parametrize(("chunk_s", "radius"), [(30.0, 5.0), (60.0, 10.0), (300.0, 10.0)])
def test_search_radius(chunk_s: float, radius: float) -> None:
    assert search_radius_s(chunk_s) == radius
