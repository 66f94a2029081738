"""Integrated loudness (ITU-R BS.1770-4, EBU R128) of mono speech, and one gain to reach a target.

Every chapter is brought to the same loudness so a listener never reaches for the volume between
chapters or voices. The K-weighting filter is two biquads whose coefficients are derived for any
sample rate; it is applied as an FFT convolution with its impulse response, in chunks, so a long
chapter costs a few seconds and no second copy of itself in memory.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

_BLOCK_S = 0.4
_HOPS_PER_BLOCK = 4  # 75 % overlap: a block every 100 ms
_ABSOLUTE_GATE_LUFS = -70.0
_RELATIVE_GATE_LU = -10.0
_OFFSET_DB = -0.691  # makes a 1 kHz sine at 0 dBFS on one channel read -3.01 LUFS

# The two K-weighting stages as analogue prototypes (a high shelf for the head, then the RLB
# high-pass); the bilinear transform below reproduces the 48 kHz table of BS.1770-4.
_SHELF_HZ, _SHELF_Q, _SHELF_GAIN_DB = 1681.9744509555319, 0.7071752369554193, 3.99984385397
_SHELF_BAND_EXPONENT = 0.4996667741545416
_HIGHPASS_HZ, _HIGHPASS_Q = 38.13547087613982, 0.5003270373253953

# Both poles lie inside the unit circle, so the impulse response dies out; this many points hold
# it with an aliasing error far below float precision even at 384 kHz.
_RESPONSE_POINTS = 1 << 18
_RESPONSE_FLOOR = 1e-12
_MIN_FFT = 1 << 16

Biquad = tuple[tuple[float, float, float], tuple[float, float, float]]


def integrated_loudness(samples: NDArray[np.float32], rate: int) -> float:
    """Gated loudness in LUFS of mono samples in [-1, 1]; ``-inf`` for silence.

    Audio shorter than one 400 ms block is measured as a single block, so short chapters still get
    a value.
    """
    powers = _block_powers(np.asarray(samples, dtype=np.float32).reshape(-1), rate)
    audible = powers[_loudness(powers) > _ABSOLUTE_GATE_LUFS]
    if audible.size == 0:
        return -math.inf
    relative_gate = _loudness(np.array([audible.mean()]))[0] + _RELATIVE_GATE_LU
    gated = audible[_loudness(audible) > relative_gate]
    return float(_loudness(np.array([gated.mean()]))[0])


def normalise_loudness(
    samples: NDArray[np.float32], rate: int, target_lufs: float = -18.0, peak_limit_dbfs: float = -1.0
) -> NDArray[np.float32]:
    """Scale by one gain to ``target_lufs``, less if the sample peak would pass ``peak_limit_dbfs``.

    Silence comes back unchanged. The limit is on sample peaks; the −1 dBFS default leaves room for
    the overshoot that lossy encoding adds.
    """
    array = np.asarray(samples, dtype=np.float32).reshape(-1)
    loudness = integrated_loudness(array, rate)
    peak = float(np.max(np.abs(array))) if array.size else 0.0
    if not math.isfinite(loudness) or peak == 0.0:
        return array.copy()
    gain = 10.0 ** ((target_lufs - loudness) / 20.0)
    gain = min(gain, 10.0 ** (peak_limit_dbfs / 20.0) / peak)
    scaled: NDArray[np.float32] = (array * np.float32(gain)).astype(np.float32, copy=False)
    return scaled


def _loudness(powers: NDArray[np.float64]) -> NDArray[np.float64]:
    with np.errstate(divide="ignore"):
        result: NDArray[np.float64] = _OFFSET_DB + 10.0 * np.log10(powers)
    return result


def _block_powers(samples: NDArray[np.float32], rate: int) -> NDArray[np.float64]:
    """Mean square of the K-weighted signal in every 400 ms block, one block each 100 ms."""
    if rate <= 0:
        raise ValueError(f"sample rate must be positive, got {rate}")
    if samples.size == 0:
        return np.zeros(0)
    hop = max(1, round(_BLOCK_S * rate / _HOPS_PER_BLOCK))
    if samples.size < hop * _HOPS_PER_BLOCK:
        weighted = _k_weighted_energy(samples, rate, samples.size)
        return weighted / samples.size
    hop_energy = _k_weighted_energy(samples, rate, hop)
    windows = np.lib.stride_tricks.sliding_window_view(hop_energy, _HOPS_PER_BLOCK)
    powers: NDArray[np.float64] = windows.sum(axis=1) / (hop * _HOPS_PER_BLOCK)
    return powers


def _k_weighted_energy(samples: NDArray[np.float32], rate: int, hop: int) -> NDArray[np.float64]:
    """Sum of squares of the K-weighted signal over each whole run of ``hop`` samples.

    Overlap-add: each chunk is convolved with the filter's impulse response in the frequency
    domain and its tail carried into the next, so only one chunk of filtered audio exists at once.
    """
    response, spectrum, size = _filter_spectrum(rate)
    chunk = size - response.size + 1
    energy = np.zeros(samples.size // hop)
    carry = np.zeros(response.size - 1)
    for start in range(0, samples.size, chunk):
        block = samples[start : start + chunk].astype(np.float64)
        filtered = np.fft.irfft(np.fft.rfft(block, size) * spectrum, size)[: block.size + carry.size]
        filtered[: carry.size] += carry
        carry = filtered[block.size :].copy()
        _add_hop_energy(energy, filtered[: block.size] ** 2, start, hop)
    return energy


def _add_hop_energy(energy: NDArray[np.float64], squares: NDArray[np.float64], start: int, hop: int) -> None:
    first = start // hop
    sums = np.bincount((np.arange(start, start + squares.size) // hop) - first, weights=squares)
    whole = sums[: max(0, energy.size - first)]  # a hop cut short by the end of the audio is dropped
    energy[first : first + whole.size] += whole


@lru_cache(maxsize=8)
def _filter_spectrum(rate: int) -> tuple[NDArray[np.float64], NDArray[np.complex128], int]:
    """The K-weighting impulse response at ``rate``, its spectrum for the FFT size, and that size."""
    points = np.exp(-1j * np.pi * np.arange(_RESPONSE_POINTS // 2 + 1) / (_RESPONSE_POINTS // 2))
    response_spectrum = np.ones_like(points)
    for numerator, denominator in _k_weighting(rate):
        response_spectrum *= np.polyval(numerator[::-1], points) / np.polyval(denominator[::-1], points)
    response = np.fft.irfft(response_spectrum, _RESPONSE_POINTS)
    significant = np.nonzero(np.abs(response) > _RESPONSE_FLOOR * np.abs(response).max())[0]
    response = response[: significant[-1] + 1]
    size = max(_MIN_FFT, 1 << (4 * response.size - 1).bit_length())
    response.flags.writeable = False
    return response, np.fft.rfft(response, size), size


def _k_weighting(rate: int) -> tuple[Biquad, Biquad]:
    """Both biquads as ((b0, b1, b2), (1, a1, a2)) for ``rate``."""
    k = math.tan(math.pi * _SHELF_HZ / rate)
    high = 10.0 ** (_SHELF_GAIN_DB / 20.0)
    band = high**_SHELF_BAND_EXPONENT
    a0 = 1.0 + k / _SHELF_Q + k * k
    shelf: Biquad = (
        (
            (high + band * k / _SHELF_Q + k * k) / a0,
            2.0 * (k * k - high) / a0,
            (high - band * k / _SHELF_Q + k * k) / a0,
        ),
        (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _SHELF_Q + k * k) / a0),
    )
    k = math.tan(math.pi * _HIGHPASS_HZ / rate)
    a0 = 1.0 + k / _HIGHPASS_Q + k * k
    highpass: Biquad = (
        (1.0, -2.0, 1.0),
        (1.0, 2.0 * (k * k - 1.0) / a0, (1.0 - k / _HIGHPASS_Q + k * k) / a0),
    )
    return shelf, highpass
