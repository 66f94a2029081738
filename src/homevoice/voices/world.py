"""WORLD vocoder analysis and the spectral-envelope arithmetic the voice match needs.

Envelopes are handled as log power in dB on each signal's own FFT grid, and compared on a shared
mel-spaced grid of frequencies in Hz, so voices at different sample rates (Piper at 22.05 kHz,
the enrolled reference at 16 kHz) meet on the same axis.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyworld
from numpy.typing import NDArray

from homevoice.voices.pitch import F0_CEIL, F0_FLOOR, FRAME_PERIOD_MS, f0_track, voiced_median

DB_FLOOR = 1e-12
"""Power below this counts as this, so silent bins do not become -inf dB."""
APERIODICITY_EVERY = 2
"""D4C, the costliest analysis step, runs on every other frame: aperiodicity changes slowly, and
measured similarity and CER did not move (the match's real-time factor fell by 0.013)."""
OCTAVE_WINDOW_S = 0.04
OCTAVE_TOP_HZ = 2000.0
"""Harmonics are resolved, and the octave question decided, below this."""
OCTAVE_HARMONICS = 12
OCTAVE_THRESHOLD_DB = -4.0
"""Half-harmonics within this of the harmonics mean the true period is twice as long."""
OCTAVE_SMOOTH_FRAMES = 21
OCTAVE_BLOCK = 256
"""Frames analysed at once, so a long input never needs one huge spectrogram."""


@dataclass(frozen=True)
class Analysis:
    f0: NDArray[np.float64]
    """Hz per frame, 0 where unvoiced."""
    envelope_db: NDArray[np.float64]
    """Log power spectral envelope, frames x bins from 0 Hz to rate / 2."""
    aperiodicity: NDArray[np.float64] | None
    rate: int
    frame_period_ms: float


def _aperiodicity(
    x: NDArray[np.float64], rate: int, f0: NDArray[np.float64], times: NDArray[np.float64]
) -> NDArray[np.float64]:
    every = APERIODICITY_EVERY
    coarse = pyworld.d4c(x, np.ascontiguousarray(f0[::every]), np.ascontiguousarray(times[::every]), rate)
    return np.ascontiguousarray(np.repeat(coarse, every, axis=0)[: len(f0)], dtype=np.float64)


def base_f0(x: NDArray[np.float64], rate: int, frame_period_ms: float) -> NDArray[np.float64]:
    """A built-in voice's F0, fast enough for synthesis time: DIO + StoneMask, octave errors halved.

    Empty when the audio is too short for an analysis.
    """
    f0 = f0_track(x.astype(np.float32), rate, frame_period_ms)
    return halve_octave_errors(x, rate, f0, frame_period_ms) if len(f0) else f0


def built_in_median_f0(audio: NDArray[np.float32], rate: int) -> float | None:
    """The median F0 of a built-in voice's speech (or of its match), octave slips corrected as at
    synthesis; None with too few voiced frames. Plain DIO reads Piper's joe, near 88 Hz, as 165 Hz.
    """
    return voiced_median(base_f0(np.asarray(audio, dtype=np.float64), rate, FRAME_PERIOD_MS))


def sample_f0(x: NDArray[np.float64], rate: int, frame_period_ms: float) -> NDArray[np.float64]:
    """An enrolled sample's F0 with Harvest: slower than DIO but it also tracks noisy recordings
    (DIO finds almost no voiced frames in some headset recordings); it runs once, at enrolment."""
    if len(x) < rate * frame_period_ms / 1000 * 4:
        return np.zeros(0, dtype=np.float64)
    f0, _ = pyworld.harvest(
        np.ascontiguousarray(x), rate, f0_floor=F0_FLOOR, f0_ceil=F0_CEIL, frame_period=frame_period_ms
    )
    return np.asarray(f0, dtype=np.float64)


def analyse(
    x: NDArray[np.float64],
    rate: int,
    f0: NDArray[np.float64],
    frame_period_ms: float,
    *,
    aperiodicity: bool,
) -> Analysis | None:
    """CheapTrick envelope and optionally D4C aperiodicity along an F0 track; None without frames."""
    if len(f0) == 0:
        return None
    x = np.ascontiguousarray(x, dtype=np.float64)
    times = np.arange(len(f0), dtype=np.float64) * frame_period_ms / 1000.0
    envelope = pyworld.cheaptrick(x, f0, times, rate)
    ap = _aperiodicity(x, rate, f0, times) if aperiodicity else None
    return Analysis(f0, to_db(envelope), ap, rate, frame_period_ms)


def halve_octave_errors(
    x: NDArray[np.float64], rate: int, f0: NDArray[np.float64], frame_period_ms: float
) -> NDArray[np.float64]:
    """F0 halved where the spectrum shows the true period is twice DIO's.

    DIO locks onto the second harmonic when the fundamental is weak: Piper's joe, a voice near
    85 Hz, reads as 170 Hz in about three voiced frames out of four. Resynthesised at that F0, the
    voice jumps octaves. A frame whose half-harmonics (1.5 F0, 2.5 F0...) are about as strong as its
    harmonics is really at F0 / 2; the score is smoothed over about 100 ms so one noisy frame
    decides nothing.
    """
    voiced = np.flatnonzero(f0 > 0)
    if len(voiced) == 0:
        return f0
    blocks = range(0, len(voiced), OCTAVE_BLOCK)
    score = np.concatenate(
        [_half_harmonics_db(x, rate, f0, voiced[b : b + OCTAVE_BLOCK], frame_period_ms) for b in blocks]
    )
    if len(score) > 1:
        edge = OCTAVE_SMOOTH_FRAMES // 2
        window = np.lib.stride_tricks.sliding_window_view(
            np.pad(score, (edge, edge), mode="edge"), 2 * edge + 1
        )
        score = np.median(window, axis=1)
    f = f0[voiced]
    out = f0.copy()
    flip = (score > OCTAVE_THRESHOLD_DB) & (f / 2 >= F0_FLOOR)
    out[voiced[flip]] = f[flip] / 2
    return out


def _half_harmonics_db(
    x: NDArray[np.float64],
    rate: int,
    f0: NDArray[np.float64],
    frames: NDArray[np.intp],
    frame_period_ms: float,
) -> NDArray[np.float64]:
    """How much weaker (dB) the half-harmonics of F0 are than its harmonics, for the given frames."""
    size = int(rate * OCTAVE_WINDOW_S)
    nfft = 1 << int(np.ceil(np.log2(size * 4)))
    centres = np.round(frames * rate * frame_period_ms / 1000).astype(np.intp)
    index = np.clip(centres[:, None] + np.arange(size)[None, :] - size // 2, 0, len(x) - 1)
    spectrum = 20.0 * np.log10(np.abs(np.fft.rfft(x[index] * np.hanning(size), nfft, axis=1)) + 1e-9)
    f = f0[frames][:, None]
    k = np.arange(1, OCTAVE_HARMONICS + 1, dtype=np.float64)[None, :]
    return _peak_db(spectrum, f * (k - 0.5), rate, nfft) - _peak_db(spectrum, f * k, rate, nfft)


def _peak_db(
    spectrum: NDArray[np.float64], freqs: NDArray[np.float64], rate: int, nfft: int
) -> NDArray[np.float64]:
    """Mean over each row's ``freqs`` below OCTAVE_TOP_HZ of the highest level within ±3 %."""
    rows = np.arange(len(spectrum))[:, None]
    levels = [
        spectrum[
            rows, np.clip(np.round(freqs * (1 + r) / rate * nfft).astype(np.intp), 0, spectrum.shape[1] - 1)
        ]
        for r in (-0.03, -0.015, 0.0, 0.015, 0.03)
    ]
    peak = np.max(levels, axis=0)
    inside = freqs < OCTAVE_TOP_HZ
    return np.asarray(np.sum(peak * inside, axis=1) / np.maximum(np.sum(inside, axis=1), 1), dtype=np.float64)


def envelope_db(
    audio: NDArray[np.float64], rate: int, f0: NDArray[np.float64], frame_period_ms: float
) -> NDArray[np.float64]:
    """CheapTrick envelope (dB) for a known F0 track."""
    times = np.arange(len(f0), dtype=np.float64) * frame_period_ms / 1000.0
    return to_db(pyworld.cheaptrick(np.ascontiguousarray(audio, dtype=np.float64), f0, times, rate))


def synthesize(
    f0: NDArray[np.float64],
    envelope_db: NDArray[np.float64],
    aperiodicity: NDArray[np.float64],
    rate: int,
    frame_period_ms: float,
) -> NDArray[np.float64]:
    power = np.ascontiguousarray(10.0 ** (envelope_db / 10.0))
    return np.asarray(
        pyworld.synthesize(
            np.ascontiguousarray(f0), power, np.ascontiguousarray(aperiodicity), rate, frame_period_ms
        ),
        dtype=np.float64,
    )


def to_db(power: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(10.0 * np.log10(np.maximum(power, DB_FLOOR)), dtype=np.float64)


def sample_bins(values: NDArray[np.float64], rate: int, freqs: NDArray[np.float64]) -> NDArray[np.float64]:
    """Each frame of ``values`` (frames x bins over 0..rate/2) read at ``freqs`` (Hz), linearly
    between bins; frequencies past either end take the end bin."""
    bins = values.shape[1]
    position = np.clip(freqs / (rate / 2.0) * (bins - 1), 0.0, bins - 1)
    low = np.minimum(np.floor(position).astype(np.intp), bins - 2)
    frac = position - low
    return np.asarray(values[:, low] * (1.0 - frac) + values[:, low + 1] * frac, dtype=np.float64)


def warp_frequencies(values: NDArray[np.float64], rate: int, alpha: float) -> NDArray[np.float64]:
    """Stretch each frame along frequency: what was at f moves to alpha * f (alpha > 1: a shorter
    vocal tract, higher formants). The top is held at the last bin when alpha < 1."""
    bins = values.shape[1]
    freqs = np.linspace(0.0, rate / 2.0, bins)
    return sample_bins(values, rate, freqs / alpha)


def hz_to_mel(hz: NDArray[np.float64] | float) -> NDArray[np.float64]:
    return np.asarray(2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0), dtype=np.float64)


def mel_to_hz(mel: NDArray[np.float64]) -> NDArray[np.float64]:
    return np.asarray(700.0 * (10.0 ** (mel / 2595.0) - 1.0), dtype=np.float64)


def mel_grid(top_hz: float, points: int) -> NDArray[np.float64]:
    """Frequencies (Hz) at the midpoints of ``points`` equal mel steps from 0 to ``top_hz``: the
    sample points of a DCT-II, so truncating the transform is a least-squares smoothing."""
    return mel_to_hz((np.arange(points) + 0.5) / points * hz_to_mel(top_hz))


def cosine_basis(positions: NDArray[np.float64], order: int) -> NDArray[np.float64]:
    """cos(pi * k * position) for k = 1..order, positions in 0..1: points x order."""
    k = np.arange(1, order + 1, dtype=np.float64)
    return np.asarray(np.cos(np.pi * positions[:, None] * k[None, :]), dtype=np.float64)


def cepstra(on_grid_db: NDArray[np.float64], order: int) -> NDArray[np.float64]:
    """DCT-II coefficients 1..order of each frame sampled on ``mel_grid`` (a mel cepstrum without
    its level term), scaled so a coefficient evaluates back to dB through ``cosine_basis``."""
    points = on_grid_db.shape[1]
    basis = cosine_basis((np.arange(points) + 0.5) / points, order)
    return np.asarray(on_grid_db @ basis * (2.0 / points), dtype=np.float64)
