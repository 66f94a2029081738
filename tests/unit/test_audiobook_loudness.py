"""Integrated loudness (BS.1770-4) and per-chapter normalisation, on signals with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.audiobooks.loudness import integrated_loudness, normalise_loudness


def sine(seconds: float, rate: int, *, frequency: float = 997.0, dbfs: float = 0.0) -> NDArray[np.float32]:
    t = np.arange(round(seconds * rate)) / rate
    return (10 ** (dbfs / 20) * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def noise(seconds: float, rate: int, level: float, seed: int = 1) -> NDArray[np.float32]:
    return (np.random.default_rng(seed).standard_normal(round(seconds * rate)) * level).astype(np.float32)


@pytest.mark.parametrize("rate", [48_000, 44_100, 24_000, 22_050, 16_000])
def test_full_scale_997_hz_sine_reads_minus_3_lufs_at_any_rate(rate: int) -> None:
    assert integrated_loudness(sine(5, rate), rate) == pytest.approx(-3.01, abs=0.05)


def test_level_changes_loudness_decibel_for_decibel() -> None:
    assert integrated_loudness(sine(5, 48_000, dbfs=-20), 48_000) == pytest.approx(-23.01, abs=0.05)


def test_k_weighting_cuts_rumble_and_lifts_presence() -> None:
    reference = integrated_loudness(sine(5, 48_000), 48_000)
    rumble = integrated_loudness(sine(5, 48_000, frequency=20), 48_000)
    presence = integrated_loudness(sine(5, 48_000, frequency=8000), 48_000)
    assert reference - rumble > 8  # the RLB high-pass
    assert 3 < presence - reference < 5  # the high shelf: about +4 dB above 2 kHz


def test_silence_and_empty_input_are_minus_infinity() -> None:
    assert integrated_loudness(np.zeros(48_000, dtype=np.float32), 48_000) == -math.inf
    assert integrated_loudness(np.zeros(0, dtype=np.float32), 48_000) == -math.inf
    # below the absolute gate (-70 LUFS) counts as silence too
    assert integrated_loudness(sine(2, 48_000, dbfs=-80), 48_000) == -math.inf


def test_absolute_gate_ignores_pauses() -> None:
    rate = 22_050
    speech = sine(20, rate, dbfs=-20)
    with_pauses = np.concatenate([np.zeros(rate * 10, np.float32), speech, np.zeros(rate * 20, np.float32)])
    # Only the few blocks straddling an edge count part silence; ungated, this would read 4 LU lower.
    assert integrated_loudness(with_pauses, rate) == pytest.approx(integrated_loudness(speech, rate), abs=0.1)


def test_relative_gate_ignores_quiet_passages() -> None:
    rate = 48_000
    loud = sine(10, rate, dbfs=-20)
    quiet = sine(10, rate, dbfs=-50)  # -53 LUFS: above the absolute gate, 30 LU below the loud part
    measured = integrated_loudness(np.concatenate([loud, quiet]), rate)
    assert measured == pytest.approx(-23.01, abs=0.1)  # ungated, the mean power would read about -26


def test_a_clip_shorter_than_one_block_is_still_measured() -> None:
    assert integrated_loudness(sine(0.25, 24_000, dbfs=-10), 24_000) == pytest.approx(-13.0, abs=0.3)


@pytest.mark.parametrize("rate", [22_050, 48_000])
def test_normalise_reaches_the_target(rate: int) -> None:
    quiet = noise(8, rate, 0.01)
    result = normalise_loudness(quiet, rate, target_lufs=-18.0)
    assert result.dtype == np.float32
    assert result.shape == quiet.shape
    assert integrated_loudness(result, rate) == pytest.approx(-18.0, abs=0.05)
    assert np.allclose(result / quiet, result[0] / quiet[0], rtol=1e-4)  # one gain, no compression


def test_normalise_turns_loud_audio_down() -> None:
    loud = sine(5, 22_050, dbfs=-2)
    assert integrated_loudness(normalise_loudness(loud, 22_050), 22_050) == pytest.approx(-18.0, abs=0.05)


def test_peak_limit_holds_when_the_target_asks_for_too_much() -> None:
    rate = 24_000
    # A sine at -3 LUFS peaks at 0 dBFS; reaching 0 LUFS would need +3 dB.
    result = normalise_loudness(sine(5, rate, dbfs=-6), rate, target_lufs=0.0, peak_limit_dbfs=-1.0)
    assert float(np.max(np.abs(result))) == pytest.approx(10 ** (-1 / 20), rel=1e-4)
    assert integrated_loudness(result, rate) < 0.0


def test_normalise_leaves_silence_alone() -> None:
    silence = np.zeros(24_000, dtype=np.float32)
    result = normalise_loudness(silence, 24_000)
    assert np.array_equal(result, silence)
    assert normalise_loudness(np.zeros(0, np.float32), 24_000).size == 0
