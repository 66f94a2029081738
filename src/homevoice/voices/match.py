"""Offline voice match: bring a built-in voice's pitch and timbre toward an enrolled sample.

Approximate by design (no cloning model, CPU only): the words, rhythm and accent stay the
built-in voice's. Three WORLD-vocoder changes, all fitted once per enrolment:

1. log-F0 mapped from the base voice's mean and spread to the reference's;
2. the spectral envelope stretched along frequency by a vocal-tract factor ``warp``;
3. a smooth timbre correction: the remaining average envelope difference, kept to a few
   mel-cepstral coefficients (so it is independent of the sample rate) and limited in dB.

The fit compares like with like: the base voice speaks the reference's own transcript, DTW pairs
their frames, and only voiced pairs count, which works far better than long-term averages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from homevoice.errors import EngineError
from homevoice.voices.dtw import align
from homevoice.voices.world import (
    Analysis,
    analyse,
    base_f0,
    cepstra,
    cosine_basis,
    envelope_db,
    hz_to_mel,
    mel_grid,
    sample_bins,
    sample_f0,
    synthesize,
    warp_frequencies,
)

VERSION = 1
FIT_FRAME_MS = 10.0
"""Fitting needs averages, not detail: 10 ms frames halve the analysis and shrink the DTW."""
APPLY_FRAME_MS = 5.0
GRID_POINTS = 64
"""Mel-spaced frequencies the two voices are compared on."""
DTW_ORDER = 24
"""Mel-cepstral coefficients (beyond the level) that DTW and the warp search compare."""
LIFTER = 12
"""Coefficients kept of the timbre correction: broad shape (tilt, formant regions), no detail."""
LIMIT_DB = 15.0
"""The correction never boosts or cuts any frequency by more than this."""
WARP_GRID = np.round(np.arange(0.75, 1.3001, 0.025), 3)
SPREAD_RATIO = (0.5, 2.0)
"""How much the F0 spread may be scaled: a short sample's spread is a rough estimate."""
MIN_SPREAD = 0.02
TOP_HZ = 8000.0
"""The reference is enrolled at 16 kHz: nothing above this is known about it."""
EDGE = 0.95
"""The top 5 % below a Nyquist frequency is the anti-alias filter's, not the voice's."""
TAPER_HZ = 1500.0
"""Above the fitted band the correction fades to nothing over this width."""
MIN_VOICED = 20
SILENCE_DB = 40.0
"""Frames this far below the loudest are leading or trailing silence, trimmed before DTW."""


@dataclass(frozen=True)
class MatchParams:
    """How to turn the base voice's speech into the reference's (fitted once per enrolment)."""

    base_voice: str
    """The built-in voice it was fitted on."""
    base_f0_mean: float
    """Median log-F0 (log Hz) of the base voice's voiced frames."""
    base_f0_spread: float
    """Robust standard deviation of the base voice's log-F0."""
    target_f0_mean: float
    target_f0_spread: float
    warp: float
    """Frequency-warp factor of the envelope: > 1 raises formants (a shorter vocal tract)."""
    correction_db: tuple[float, ...]
    """Timbre correction as mel-cosine coefficients 1..n in dB over 0..``band_hz``."""
    band_hz: float
    """The top of the band the correction was fitted on; above it, it fades out."""

    @property
    def f0_ratio(self) -> float:
        """The factor typical F0 is multiplied by."""
        return float(np.exp(self.target_f0_mean - self.base_f0_mean))

    def to_json(self) -> dict[str, object]:
        """Plain JSON types; ``version`` names this method, so a later one can refuse old fits."""
        return {
            "version": VERSION,
            "base_voice": self.base_voice,
            "base_f0_mean": self.base_f0_mean,
            "base_f0_spread": self.base_f0_spread,
            "target_f0_mean": self.target_f0_mean,
            "target_f0_spread": self.target_f0_spread,
            "warp": self.warp,
            "correction_db": list(self.correction_db),
            "band_hz": self.band_hz,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, object]) -> MatchParams:
        """Raises ValueError on anything malformed, so a damaged voice file is refused, not spoken."""
        if not isinstance(data, Mapping):
            raise ValueError("voice match parameters must be an object")
        if data.get("version") != VERSION:
            raise ValueError(f"unsupported voice match version {data.get('version')!r}")
        base_voice = data.get("base_voice")
        if not isinstance(base_voice, str) or not base_voice:
            raise ValueError("base_voice must be a non-empty string")
        correction = data.get("correction_db")
        if not isinstance(correction, list) or len(correction) > 64:
            raise ValueError("correction_db must be a list of at most 64 numbers")
        params = cls(
            base_voice=base_voice,
            base_f0_mean=_number(data, "base_f0_mean", 3.0, 7.0),
            base_f0_spread=_number(data, "base_f0_spread", MIN_SPREAD, 2.0),
            target_f0_mean=_number(data, "target_f0_mean", 3.0, 7.0),
            target_f0_spread=_number(data, "target_f0_spread", MIN_SPREAD, 2.0),
            warp=_number(data, "warp", 0.5, 2.0),
            correction_db=tuple(_finite(value, "correction_db") for value in correction),
            band_hz=_number(data, "band_hz", 100.0, TOP_HZ),
        )
        if any(abs(value) > 100.0 for value in params.correction_db):
            raise ValueError("correction_db values are out of range")
        return params


def _finite(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise ValueError(f"{name} must hold finite numbers, not {value!r}")
    return float(value)


def _number(data: Mapping[str, object], name: str, low: float, high: float) -> float:
    value = _finite(data.get(name), name)
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, not {value}")
    return value


# --- fitting -------------------------------------------------------------------------------------


def fit_match(
    reference: NDArray[np.float32],
    reference_rate: int,
    base: NDArray[np.float32],
    base_rate: int,
    *,
    base_voice: str,
) -> MatchParams:
    """reference: the enrolled speech; base: the base voice speaking the reference's transcript."""
    ref = _analyse_for_fit(reference, reference_rate, "sample", base=False)
    own = _analyse_for_fit(base, base_rate, f"built-in voice {base_voice}", base=True)
    band = min(TOP_HZ, reference_rate / 2.0, base_rate / 2.0) * EDGE
    grid = mel_grid(band, GRID_POINTS)
    ref_grid = sample_bins(ref.envelope_db, ref.rate, grid)
    pairs = _voiced_pairs(ref, own, ref_grid, sample_bins(own.envelope_db, own.rate, grid))
    ref_cep = cepstra(ref_grid[pairs[:, 0]], DTW_ORDER)
    params = MatchParams(
        base_voice,
        *_log_f0_stats(own.f0),
        *_log_f0_stats(ref.f0),
        warp=_best_warp(ref_cep, own.envelope_db[pairs[:, 1]], own.rate, grid),
        correction_db=(),
        band_hz=float(band),
    )
    # The correction is what is still missing once pitch and warp are applied and the result is
    # analysed again: CheapTrick's envelope of a voice depends a little on its F0, and fitting on
    # the transformed base rather than the original removes that bias (+0.03 mean similarity).
    f0, heard = _transform(own, params)
    heard_db = envelope_db(heard, own.rate, f0, own.frame_period_ms)[pairs[:, 1]]
    difference = ref_cep - cepstra(sample_bins(heard_db, own.rate, grid), DTW_ORDER)
    return replace(params, correction_db=tuple(float(c) for c in difference.mean(axis=0)[:LIFTER]))


def _analyse_for_fit(audio: NDArray[np.float32], rate: int, what: str, *, base: bool) -> Analysis:
    """The base voice is analysed as at synthesis, since the fit resynthesises it and its F0
    statistics must be those ``apply_match`` will see; the sample with the sturdier Harvest."""
    x = _trim_silence(np.asarray(audio, dtype=np.float64), rate)
    f0 = base_f0(x, rate, FIT_FRAME_MS) if base else sample_f0(x, rate, FIT_FRAME_MS)
    analysis = analyse(x, rate, f0, FIT_FRAME_MS, aperiodicity=base)
    if analysis is None or np.count_nonzero(analysis.f0) < MIN_VOICED:
        raise EngineError(f"The {what} has too little voiced speech to fit a voice match.")
    return analysis


def _trim_silence(audio: NDArray[np.float64], rate: int) -> NDArray[np.float64]:
    """Leading and trailing silence would only be aligned to each other's pauses."""
    hop = max(1, int(rate * FIT_FRAME_MS / 1000))
    frames = len(audio) // hop
    if frames < 2:
        return audio
    power = np.mean(audio[: frames * hop].reshape(frames, hop) ** 2, axis=1)
    level = 10.0 * np.log10(power + 1e-20)
    loud = np.flatnonzero(level > level.max() - SILENCE_DB)
    start, end = max(0, loud[0] - 2), min(frames, loud[-1] + 3)
    return audio[start * hop : end * hop]


def _voiced_pairs(
    ref: Analysis, own: Analysis, ref_grid: NDArray[np.float64], base_grid: NDArray[np.float64]
) -> NDArray[np.intp]:
    """DTW on mean-normalised cepstra (the voices' average timbres differ; the sounds align),
    keeping the pairs where both frames are voiced."""
    ref_cep, base_cep = cepstra(ref_grid, DTW_ORDER), cepstra(base_grid, DTW_ORDER)
    path = align(ref_cep - ref_cep.mean(axis=0), base_cep - base_cep.mean(axis=0))
    pairs = path[(ref.f0[path[:, 0]] > 0) & (own.f0[path[:, 1]] > 0)]
    if len(pairs) < MIN_VOICED:
        raise EngineError(
            "The sample and the built-in voice share too few voiced sounds to fit a voice match; "
            "use a longer, clearer sample with its exact transcript."
        )
    return pairs


def _best_warp(
    ref_cep: NDArray[np.float64], base_db: NDArray[np.float64], rate: int, grid: NDArray[np.float64]
) -> float:
    """The grid's warp factor that leaves the least cepstral distance on the paired frames."""
    residuals = [
        _residual(ref_cep, cepstra(sample_bins(base_db, rate, grid / a), DTW_ORDER)) for a in WARP_GRID
    ]
    return float(WARP_GRID[int(np.argmin(residuals))])


def _residual(ref_cep: NDArray[np.float64], base_cep: NDArray[np.float64]) -> float:
    """Mean cepstral distance left once the correction (the lifted mean difference) is applied."""
    difference = ref_cep - base_cep
    difference[:, :LIFTER] -= difference[:, :LIFTER].mean(axis=0)
    return float(np.mean(np.linalg.norm(difference, axis=1)))


def _log_f0_stats(f0: NDArray[np.float64]) -> tuple[float, float]:
    """Median and robust spread (1.4826 MAD) of log-F0: a few wrong frames (an octave slip, a
    voicing error at a boundary) barely move them."""
    log_f0 = np.log(f0[f0 > 0])
    median = float(np.median(log_f0))
    spread = 1.4826 * float(np.median(np.abs(log_f0 - median)))
    return median, max(spread, MIN_SPREAD)


# --- applying ------------------------------------------------------------------------------------


def apply_match(audio: NDArray[np.float32], rate: int, params: MatchParams) -> NDArray[np.float32]:
    """The base voice's speech (any text) at its own rate, transformed; same rate and about the same
    length, float32 in [-1,1], finite. Empty input -> empty output."""
    x = np.nan_to_num(np.asarray(audio, dtype=np.float64))
    analysis = analyse(x, rate, base_f0(x, rate, APPLY_FRAME_MS), APPLY_FRAME_MS, aperiodicity=True)
    if analysis is None or not np.any(analysis.f0 > 0):
        return np.clip(x, -1.0, 1.0).astype(np.float32)
    _, y = _transform(analysis, params)
    y = np.pad(y[: len(x)], (0, max(0, len(x) - len(y))))
    # The base voice's loudness is kept: the correction changes the spectrum's shape, not its level.
    rms_in, rms_out = np.sqrt(np.mean(x**2)), np.sqrt(np.mean(y**2))
    if rms_out > 0:
        y *= rms_in / rms_out
    return np.clip(np.nan_to_num(y), -1.0, 1.0).astype(np.float32)


def _transform(analysis: Analysis, params: MatchParams) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """The mapped F0 track and the audio resynthesised with it, the warp and the correction."""
    if analysis.aperiodicity is None:
        raise ValueError("resynthesis needs the aperiodicity")
    f0 = map_f0(analysis.f0, params)
    envelope = warp_frequencies(analysis.envelope_db, analysis.rate, params.warp)
    envelope += correction_curve(params, np.linspace(0.0, analysis.rate / 2.0, envelope.shape[1]))
    return f0, synthesize(f0, envelope, analysis.aperiodicity, analysis.rate, analysis.frame_period_ms)


def map_f0(f0: NDArray[np.float64], params: MatchParams) -> NDArray[np.float64]:
    """Voiced frames' log-F0 moved from the base voice's mean and spread to the target's."""
    ratio = np.clip(params.target_f0_spread / params.base_f0_spread, *SPREAD_RATIO)
    voiced = f0 > 0
    out = np.zeros_like(f0)
    out[voiced] = np.exp((np.log(f0[voiced]) - params.base_f0_mean) * ratio + params.target_f0_mean)
    return out


def correction_curve(params: MatchParams, freqs: NDArray[np.float64]) -> NDArray[np.float64]:
    """The correction in dB at ``freqs`` (Hz): the lifted series, limited, faded out above the band."""
    if not params.correction_db:
        return np.zeros_like(freqs)
    position = hz_to_mel(np.minimum(freqs, params.band_hz)) / hz_to_mel(params.band_hz)
    curve = cosine_basis(position, len(params.correction_db)) @ np.asarray(params.correction_db)
    above = np.clip((freqs - params.band_hz) / TAPER_HZ, 0.0, 1.0)
    fade = 0.5 * (1.0 + np.cos(np.pi * above))
    return np.asarray(np.clip(curve, -LIMIT_DB, LIMIT_DB) * fade, dtype=np.float64)
