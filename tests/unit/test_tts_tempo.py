"""The pitch-keeping time stretch used for voices without their own speed control."""

from __future__ import annotations

import numpy as np
import pytest

from homevoice.engines.tts.tempo import change_tempo

RATE = 16_000


def tone(seconds: float, hz: float = 440.0, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * hz * t)).astype(np.float32)


def peak_hz(audio: np.ndarray, rate: int = RATE) -> float:
    spectrum = np.abs(np.fft.rfft(audio))
    return float(np.fft.rfftfreq(len(audio), 1 / rate)[np.argmax(spectrum)])


@pytest.mark.parametrize("speed", [0.25, 0.5, 0.8, 1.25, 1.5, 2.0, 3.0, 4.0])
def test_length_follows_speed_and_pitch_stays(speed: float) -> None:
    audio = tone(2.0)
    stretched = change_tempo(audio, RATE, speed)
    assert stretched.dtype == np.float32
    assert len(stretched) == round(len(audio) / speed)
    assert peak_hz(stretched) == pytest.approx(440.0, abs=3.0)


@pytest.mark.parametrize("speed", [0.5, 2.0])
def test_loudness_is_even_with_no_fade_or_gap(speed: float) -> None:
    stretched = change_tempo(tone(2.0), RATE, speed)
    blocks = stretched[: len(stretched) // 160 * 160].reshape(-1, 160)
    rms = np.sqrt(np.mean(blocks**2, axis=1))
    assert rms.min() > 0.33 and rms.max() < 0.37  # a 0.5 sine has RMS 0.354


def test_speed_one_and_empty_audio_are_returned_as_they_are() -> None:
    audio = tone(0.5)
    assert np.array_equal(change_tempo(audio, RATE, 1.0), audio)
    assert change_tempo(np.zeros(0, dtype=np.float32), RATE, 2.0).shape == (0,)


def test_very_short_audio_and_other_rates() -> None:
    assert len(change_tempo(tone(0.001), RATE, 2.0)) == 8
    assert len(change_tempo(tone(1.0, rate=22_050), 22_050, 2.0)) == 11_025


def test_stays_within_full_scale() -> None:
    loud = np.sign(tone(1.0)).astype(np.float32)
    assert np.abs(change_tempo(loud, RATE, 1.7)).max() <= 1.0


@pytest.mark.parametrize("speed", [0.0, -1.0])
def test_speed_must_be_positive(speed: float) -> None:
    with pytest.raises(ValueError, match="positive"):
        change_tempo(tone(0.1), RATE, speed)
