"""The offline voice match: DTW, fitting on speech with known differences, applying, its JSON form,
and one real fit of Piper's joe on an eval-set recording."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import pyworld
from numpy.typing import NDArray

from homevoice.audio.codec import decode_audio
from homevoice.engines.base import SynthesisOptions, TextToSpeech
from homevoice.engines.tts.loading import load_tts_engine
from homevoice.errors import EngineError
from homevoice.settings import load_settings
from homevoice.voices.dtw import accumulated_cost, align
from homevoice.voices.match import MatchParams, apply_match, fit_match
from homevoice.voices.pitch import median_f0
from homevoice.voices.world import built_in_median_f0

FRAME_MS = 5.0


# --- DTW -----------------------------------------------------------------------------------------


def test_the_vectorised_recurrence_equals_the_textbook_loop() -> None:
    cost = np.random.default_rng(1).random((9, 13))
    expected = np.full((10, 14), np.inf)
    expected[0, 0] = 0.0
    for i in range(9):
        for j in range(13):
            expected[i + 1, j + 1] = cost[i, j] + min(expected[i, j], expected[i, j + 1], expected[i + 1, j])
    np.testing.assert_allclose(accumulated_cost(cost), expected[1:, 1:])


def test_a_time_stretched_copy_aligns_frame_to_frame() -> None:
    steps = np.random.default_rng(2).normal(size=(60, 4))
    original = np.cumsum(steps, axis=0)
    stretched = np.repeat(original, 2, axis=0)  # the same "speech" at half the tempo
    path = align(original, stretched)
    assert tuple(path[0]) == (0, 0) and tuple(path[-1]) == (59, 119)
    assert np.all(np.diff(path, axis=0) >= 0) and np.all(np.abs(np.diff(path, axis=0)).sum(axis=1) >= 1)
    # Every frame of the slow copy is paired with the frame it was copied from, and only with it.
    assert {(int(i), int(j)) for i, j in path} == {(j // 2, j) for j in range(120)}


def test_alignment_of_nothing_is_empty() -> None:
    assert align(np.zeros((0, 3)), np.ones((5, 3))).shape == (0, 2)


# --- synthetic speech ----------------------------------------------------------------------------


def _speech(
    rate: int, *, f0_scale: float = 1.0, formant_scale: float = 1.0, seconds: float = 2.4
) -> NDArray[np.float32]:
    """WORLD-synthesised 'syllables': a falling-rising F0 near 120 Hz, three moving formants, short
    unvoiced gaps. The same call with other scales is the same utterance by another 'speaker'."""
    frames = int(seconds * 1000 / FRAME_MS)
    t = np.arange(frames) * FRAME_MS / 1000
    f0 = 120.0 * f0_scale * (1.0 + 0.15 * np.sin(2 * np.pi * 0.7 * t))
    f0[(t % 0.3) > 0.24] = 0.0  # 60 ms without voice every 300 ms
    fft_size = pyworld.get_cheaptrick_fft_size(rate)
    freqs = np.linspace(0, rate / 2, fft_size // 2 + 1)[None, :]
    formants = np.stack(
        [
            550 + 200 * np.sin(2 * np.pi * 2.1 * t),
            1500 + 500 * np.sin(2 * np.pi * 1.3 * t + 1.0),
            2600 + 200 * np.sin(2 * np.pi * 0.9 * t),
        ],
        axis=1,
    )
    level_db = -0.004 * freqs  # a falling spectral tilt, 4 dB per kHz
    for k in range(3):
        centre = formants[:, k : k + 1] * formant_scale
        level_db = level_db + 30.0 * np.exp(-0.5 * ((freqs - centre) / (60.0 + 40 * k)) ** 2)
    envelope = 1e-4 * 10 ** (level_db / 10)
    aperiodicity = np.where(f0[:, None] > 0, 0.01 + 0.5 * (freqs / (rate / 2)) ** 2, 0.999)
    audio = np.asarray(pyworld.synthesize(f0, envelope, aperiodicity, rate, FRAME_MS), dtype=np.float64)
    return np.asarray(0.3 * audio / float(np.max(np.abs(audio))), dtype=np.float32)


@pytest.fixture(scope="module")
def base() -> NDArray[np.float32]:
    return _speech(22050)


def test_fitting_recovers_a_known_pitch_shift(base: NDArray[np.float32]) -> None:
    reference = _speech(16000, f0_scale=1.3)
    params = fit_match(reference, 16000, base, 22050, base_voice="synthetic")
    assert params.base_voice == "synthetic"
    assert params.f0_ratio == pytest.approx(1.3, rel=0.04)
    assert params.target_f0_spread / params.base_f0_spread == pytest.approx(1.0, abs=0.15)
    assert params.warp == pytest.approx(1.0, abs=0.05)


def test_fitting_recovers_a_known_vocal_tract_warp(base: NDArray[np.float32]) -> None:
    reference = _speech(16000, formant_scale=1.15)
    params = fit_match(reference, 16000, base, 22050, base_voice="synthetic")
    assert params.warp == pytest.approx(1.15, abs=0.05)
    assert params.f0_ratio == pytest.approx(1.0, rel=0.04)


def test_a_sample_without_voice_cannot_be_fitted(base: NDArray[np.float32]) -> None:
    silence = np.zeros(16000 * 3, dtype=np.float32)
    with pytest.raises(EngineError, match="voiced"):
        fit_match(silence, 16000, base, 22050, base_voice="synthetic")


@pytest.fixture(scope="module")
def params(base: NDArray[np.float32]) -> MatchParams:
    return fit_match(_speech(16000, f0_scale=1.5, formant_scale=1.1), 16000, base, 22050, base_voice="x")


def test_applying_keeps_rate_length_and_loudness(base: NDArray[np.float32], params: MatchParams) -> None:
    out = apply_match(base, 22050, params)
    assert out.dtype == np.float32 and len(out) == len(base)
    assert np.all(np.isfinite(out)) and np.max(np.abs(out)) <= 1.0
    assert np.sqrt(np.mean(out**2)) == pytest.approx(np.sqrt(np.mean(base**2)), rel=0.01)
    shifted, original = median_f0(out, 22050), median_f0(base, 22050)
    assert shifted is not None and original is not None
    assert math.log(shifted / original) == pytest.approx(math.log(1.5), abs=0.08)


def test_applying_to_nothing_or_almost_nothing(params: MatchParams) -> None:
    assert len(apply_match(np.zeros(0, dtype=np.float32), 22050, params)) == 0
    tiny = np.full(40, 0.5, dtype=np.float32)
    assert np.array_equal(apply_match(tiny, 22050, params), tiny)
    silence = np.zeros(22050, dtype=np.float32)
    assert np.array_equal(apply_match(silence, 22050, params), silence)


# --- JSON ----------------------------------------------------------------------------------------


def test_json_round_trip(params: MatchParams) -> None:
    data = json.loads(json.dumps(params.to_json()))
    assert data["base_voice"] == "x" and len(data["correction_db"]) > 0
    assert MatchParams.from_json(data) == params


@pytest.mark.parametrize(
    "change",
    [
        {"version": 99},
        {"base_voice": ""},
        {"base_voice": 3},
        {"warp": "1.1"},
        {"warp": True},
        {"warp": float("nan")},
        {"warp": 7.0},
        {"base_f0_spread": 0.0},
        {"target_f0_mean": float("inf")},
        {"correction_db": "flat"},
        {"correction_db": [1.0, None]},
        {"correction_db": [500.0]},
        {"band_hz": 20000.0},
    ],
)
def test_from_json_rejects_junk(params: MatchParams, change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        MatchParams.from_json({**params.to_json(), **change})


def test_from_json_rejects_missing_fields_and_non_objects(params: MatchParams) -> None:
    data = params.to_json()
    del data["target_f0_mean"]
    with pytest.raises(ValueError):
        MatchParams.from_json(data)
    with pytest.raises(ValueError):
        MatchParams.from_json([1, 2])  # type: ignore[arg-type]


# --- a real voice on a real recording ------------------------------------------------------------


@pytest.fixture(scope="module")
def joe(data_dir: Path) -> Iterator[TextToSpeech]:
    engine = load_tts_engine(load_settings(data_dir=data_dir), "en_US-joe-medium", cpu_threads=2)
    yield engine
    engine.close()


def test_joe_fitted_on_an_arctic_recording_moves_toward_its_pitch(evalset: Path, joe: TextToSpeech) -> None:
    reference = decode_audio(evalset / "audio" / "en_arctic_a0024.wav").samples
    transcript = "It was my reports from the north which chiefly induced people to buy."
    rate = joe.voice.sample_rate
    options = SynthesisOptions()
    params = fit_match(
        reference, 16000, joe.synthesize(transcript, options), rate, base_voice="en_US-joe-medium"
    )
    assert 1.05 <= params.warp <= 1.30  # a woman's shorter vocal tract than joe's
    spoken = joe.synthesize("Please water the tomatoes before the evening.", options)
    matched = apply_match(spoken, rate, params)
    assert len(matched) == len(spoken) and np.all(np.isfinite(matched))
    ref_f0, base_f0, matched_f0 = (
        median_f0(reference, 16000),
        built_in_median_f0(spoken, rate),  # plain DIO hears joe an octave up
        built_in_median_f0(matched, rate),
    )
    assert ref_f0 and base_f0 and matched_f0
    assert abs(math.log(matched_f0 / ref_f0)) < 0.5 * abs(math.log(base_f0 / ref_f0))


def test_built_in_voice_pitch_is_read_without_octave_slips(joe: TextToSpeech) -> None:
    """Joe is near 88 Hz (pYIN agrees), with a weak fundamental that plain DIO mostly hears an
    octave up; a clean synthetic voice near 120 Hz is read as it is, not halved."""
    spoken = joe.synthesize("Please water the tomatoes before the evening.", SynthesisOptions())
    joe_f0 = built_in_median_f0(spoken, joe.voice.sample_rate)
    assert joe_f0 is not None and 75.0 <= joe_f0 <= 105.0
    synthetic_f0 = built_in_median_f0(_speech(22050), 22050)
    assert synthetic_f0 == pytest.approx(120.0, rel=0.06)
    assert built_in_median_f0(np.zeros(22050, dtype=np.float32), 22050) is None
