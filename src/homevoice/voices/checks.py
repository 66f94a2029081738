"""The checks a voice sample must pass before it is enrolled, and the speech kept from it.

The input is decoded 16 kHz mono float32. In order, a sample is refused when it is silent
(``sample_silent``), distorted by clipping (``sample_clipped``), holds no clear speech or too much
noise (``sample_noisy``), too little speech (``sample_too_short``) or two clearly different voices
(``sample_several_speakers``, see ``homevoice.voices.speakers`` for what that test can and cannot
tell). Speech is found by Silero VAD (bundled with faster-whisper); since it can take loud noise
for speech, the speech it finds must also be tonal (low spectral flatness), not one steady tone,
and stand clear of the background (estimated SNR).

The audio kept is the input with DC and mains hum below 70 Hz removed (as the analysis sees it):
leading and trailing non-speech cut to a short margin, long pauses shortened, and at most
``max_speech_s`` of speech, cut in a pause between two stretches of speech.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from faster_whisper.vad import VadOptions, get_speech_timestamps
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE
from homevoice.voices.model import VoiceSampleError
from homevoice.voices.pitch import f0_track, voiced_median
from homevoice.voices.speakers import speaker_split

# Measured with this code on the 31 clips of the dev eval set and on generated noise and tones.
SILENCE_DBFS = -55.0
"""Loudest 30 ms frames (99th percentile) below this: silent. Eval set: -31.5 to -13.1 dBFS;
white noise at -60 dBFS RMS: -59.4."""
FULL_SCALE = 0.999
MAX_CLIPPED_SHARE = 0.001
"""Share of samples in runs of two or more at full scale. Eval set: 0 (peaks -2.4 dBFS at most);
references scaled x8 and clipped: 5.1 % (librivox 0870) and 17.6 % (arctic a0024); x3: 0.05 %."""
NO_SPEECH_S = 0.3
"""Less speech than this in a sample that is not silent: noise, music or a tone. Silero VAD finds
none in white, pink or brown noise, a tone, a chord or a buzz, and 0.19 s in falsetto (en_mfa_falsetto2)."""
MAX_FLATNESS = 0.3
"""Median spectral flatness of the speech. Eval set: 0.0004-0.071; white noise 0.56, pink 0.33;
librivox 0870 with white noise 10/5/0 dB under its RMS: 0.21/0.35/0.48."""
MIN_VOICED_SHARE = 0.2
"""Share of the speech DIO calls voiced. Eval set: 0.55-1.0; a chord: 0 (whispering has no pitch either)."""
MIN_PITCH_SPREAD = 0.03
"""Octaves (std of log2-F0 of voiced frames); below it the "speech" is one steady tone. Eval set:
0.18-0.78; a tone 0.003, a 130 Hz buzz 0.008, a voice-like tone with vibrato 0.51 (passes)."""
MIN_SNR_DB = 12.0
"""Eval set: 17.6-82.8 dB. Librivox 0870 with white noise 20/10/5/0 dB under its RMS: 23/15/10/6
dB; with pink noise: 26/19/13/9 dB."""

EDGE_MARGIN_S = 0.2
MAX_PAUSE_S = 0.6
_VAD = VadOptions(threshold=0.5, min_speech_duration_ms=100, min_silence_duration_ms=200, speech_pad_ms=0)
_LEVEL_FRAME = 480  # 30 ms
_HUM_CUT_HZ = (50.0, 70.0)

Segment = tuple[int, int]


@dataclass(frozen=True)
class CheckedSample:
    audio: NDArray[np.float32]
    """What is kept: 16 kHz mono, cut as the module says, without mains hum (which would also
    throw off the pitch tracking of the voice match)."""
    speech_s: float
    """Speech in ``audio``."""
    original_speech_s: float
    """Speech found in the whole input."""
    trimmed: bool
    """True when speech was dropped to fit ``max_speech_s``."""
    peak_dbfs: float
    snr_db: float
    """Estimated speech-to-noise ratio."""
    clipped_share: float
    """Share of samples at full scale."""
    median_f0: float | None
    """Median F0 of the kept speech, Hz."""


def check_sample(
    audio: NDArray[np.float32], *, min_speech_s: float = 3.0, max_speech_s: float = 15.0
) -> CheckedSample:
    """Check a decoded sample (16 kHz mono float32) and keep its speech; raise ``VoiceSampleError``
    with a stable code and a message saying what to record instead.

    Silence, clipping, the amount of speech and the SNR are judged on the whole input; the voice
    itself (tonal, not a steady tone, one speaker) on the speech that is kept."""
    if not 0 < min_speech_s <= max_speech_s:
        raise ValueError("need 0 < min_speech_s <= max_speech_s")
    advice = _advice(min_speech_s, max_speech_s)
    x = np.asarray(audio, dtype=np.float32).reshape(-1)
    clean = _without_hum(x)
    levels = _frame_levels(clean)
    _refuse_silent(levels, advice)
    _refuse_clipped(x, advice)
    segments = [(int(s["start"]), int(s["end"])) for s in get_speech_timestamps(clean, _VAD)]
    original_speech_s = _seconds(segments)
    if original_speech_s < NO_SPEECH_S:
        raise _noisy(
            f"No speech was found: the recording sounds like noise, music or a tone. Please {advice}."
        )
    kept, trimmed = _keep(segments, clean, max_speech_s)
    speech = np.concatenate([clean[start:end] for start, end in kept])
    f0 = f0_track(speech, SAMPLE_RATE)
    snr_db = _snr_db(levels, segments)
    _refuse_noisy(speech, f0, snr_db, advice)
    if original_speech_s < min_speech_s:
        raise VoiceSampleError(
            f"Only {original_speech_s:.1f} s of speech was found; at least {min_speech_s:g} s is "
            f"needed. Please {advice}.",
            code="sample_too_short",
        )
    split = speaker_split(f0)
    if split is not None and split.several_speakers:
        raise VoiceSampleError(
            "More than one person seems to speak in this recording (two voices of clearly "
            f"different pitch). A voice is made from one person only: {advice}, alone.",
            code="sample_several_speakers",
        )
    peak = float(np.max(np.abs(x)))
    return CheckedSample(
        audio=_cut(clean, kept, segments),
        speech_s=_seconds(kept),
        original_speech_s=original_speech_s,
        trimmed=trimmed,
        peak_dbfs=20 * math.log10(max(peak, 1e-6)),
        snr_db=snr_db,
        clipped_share=float(np.mean(np.abs(x) >= FULL_SCALE)),
        median_f0=voiced_median(f0),
    )


def _advice(min_speech_s: float, max_speech_s: float) -> str:
    low = max(min_speech_s, min(5.0, max_speech_s))
    length = f"{low:g}-{max_speech_s:g} s" if low < max_speech_s else f"{max_speech_s:g} s"
    return f"record {length} of your own voice in a quiet room, speaking normally"


def _seconds(segments: list[Segment]) -> float:
    return sum(end - start for start, end in segments) / SAMPLE_RATE


def _refuse_silent(levels: NDArray[np.float64], advice: str) -> None:
    loudest = float(np.percentile(levels, 99)) if len(levels) else -120.0
    if loudest < SILENCE_DBFS:
        raise VoiceSampleError(
            "The recording is silent or far too quiet. Check that the microphone is on and not "
            f"muted, then {advice}, close to the microphone.",
            code="sample_silent",
        )


def _noisy(message: str) -> VoiceSampleError:
    return VoiceSampleError(message, code="sample_noisy")


def _refuse_clipped(x: NDArray[np.float32], advice: str) -> None:
    """Refuse when samples at full scale come in runs (a flattened wave top), not single peaks."""
    full = np.abs(x) >= FULL_SCALE
    in_runs = full[1:] & full[:-1]
    share = float(np.mean(in_runs)) if len(in_runs) else 0.0
    if share > MAX_CLIPPED_SHARE:
        raise VoiceSampleError(
            f"The recording is distorted: {share:.1%} of it is cut off at the loudest level the "
            "microphone can take. Record further from the microphone or lower the input gain, "
            f"then {advice}.",
            code="sample_clipped",
        )


def _refuse_noisy(speech: NDArray[np.float32], f0: NDArray[np.float64], snr_db: float, advice: str) -> None:
    if _median_flatness(speech) > MAX_FLATNESS:
        raise _noisy(
            "The recording is mostly background noise (hiss, a fan, rumble), with no clear voice. "
            f"Switch off fans, music and the TV, then {advice}."
        )
    voiced = f0[f0 > 0]
    if len(voiced) < max(20, MIN_VOICED_SHARE * len(f0)):
        raise _noisy(
            f"No speaking voice was found: the recording sounds like noise, music or whispering. Please {advice}."
        )
    if float(np.std(np.log2(voiced))) < MIN_PITCH_SPREAD:
        raise _noisy(f"The recording sounds like one steady tone or music, not speech. Please {advice}.")
    if snr_db < MIN_SNR_DB:
        raise _noisy(
            f"There is too much background noise: the voice stands only {snr_db:.0f} dB above it "
            f"(at least {MIN_SNR_DB:g} dB is needed). Switch off fans, music and the TV, then {advice}."
        )


def _without_hum(x: NDArray[np.float32]) -> NDArray[np.float32]:
    """``x`` with DC and mains hum (below 50-70 Hz) removed: with its 50 Hz hum, DIO calls 99 % of
    ru_voxforge_ru_0022 unvoiced; without it, 18 %."""
    if len(x) == 0:
        return x
    spectrum = np.fft.rfft(x.astype(np.float64))
    freqs = np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE)
    low, high = _HUM_CUT_HZ
    ramp = np.clip((freqs - low) / (high - low), 0.0, 1.0)
    return np.fft.irfft(spectrum * (0.5 - 0.5 * np.cos(np.pi * ramp)), len(x)).astype(np.float32)


def _frame_levels(x: NDArray[np.float32]) -> NDArray[np.float64]:
    """Level of each 30 ms frame, dBFS (-100 for digital silence)."""
    count = len(x) // _LEVEL_FRAME
    frames = x[: count * _LEVEL_FRAME].astype(np.float64).reshape(count, _LEVEL_FRAME)
    return np.asarray(10 * np.log10(np.mean(frames**2, axis=1) + 1e-10), dtype=np.float64)


def _snr_db(levels: NDArray[np.float64], segments: list[Segment]) -> float:
    """Loud speech (90th percentile of speech frames) over the noise floor (10th percentile of all
    frames: pauses, breaths and the gaps between words)."""
    is_speech = np.zeros(len(levels), dtype=bool)
    for start, end in segments:
        is_speech[start // _LEVEL_FRAME : max(start // _LEVEL_FRAME + 1, end // _LEVEL_FRAME)] = True
    speech = levels[is_speech[: len(levels)]]
    if len(speech) == 0:
        return 0.0
    return float(np.percentile(speech, 90) - np.percentile(levels, 10))


def _median_flatness(x: NDArray[np.float32], size: int = 512, hop: int = 256) -> float:
    """Median over frames of the spectral flatness (geometric over arithmetic mean of the power
    spectrum above 125 Hz): about 0.56 for white noise, near 0 for a voice or a tone."""
    count = (len(x) - size) // hop + 1
    if count <= 0:
        return 0.0
    index = np.arange(size)[None, :] + hop * np.arange(count)[:, None]
    power = np.abs(np.fft.rfft(x.astype(np.float64)[index] * np.hanning(size), axis=1))[:, 4:] ** 2 + 1e-12
    flatness = np.exp(np.mean(np.log(power), axis=1)) / np.mean(power, axis=1)
    return float(np.median(flatness))


def _keep(segments: list[Segment], x: NDArray[np.float32], max_speech_s: float) -> tuple[list[Segment], bool]:
    """The first segments whose speech fits ``max_speech_s``; a first segment longer than that
    alone is cut at its quietest 30 ms in its last fifth."""
    limit = int(max_speech_s * SAMPLE_RATE)
    kept: list[Segment] = []
    total = 0
    for start, end in segments:
        if total + end - start > limit:
            if not kept:
                kept.append((start, _quietest(x, start + int(limit * 0.8), start + limit)))
            return kept, True
        kept.append((start, end))
        total += end - start
    return kept, False


def _quietest(x: NDArray[np.float32], start: int, end: int) -> int:
    levels = _frame_levels(x[start:end])
    if len(levels) == 0:
        return end
    return start + int(np.argmin(levels)) * _LEVEL_FRAME + _LEVEL_FRAME // 2


def _cut(x: NDArray[np.float32], kept: list[Segment], segments: list[Segment]) -> NDArray[np.float32]:
    """The kept segments with a margin each side (never past half the gap to a neighbouring
    segment) and pauses longer than ``MAX_PAUSE_S`` shortened to it."""
    margin = int(EDGE_MARGIN_S * SAMPLE_RATE)
    half_pause = int(MAX_PAUSE_S * SAMPLE_RATE) // 2
    ends = [end for _, end in segments]
    starts = [start for start, _ in segments]
    pieces: list[NDArray[np.float32]] = []
    for i, (start, end) in enumerate(kept):
        previous_end = ends[i - 1] if i > 0 else None
        next_start = starts[i + 1] if i + 1 < len(segments) else None
        lead = margin if previous_end is None else half_pause
        trail = margin if i == len(kept) - 1 else half_pause
        if end != ends[i]:
            trail = 0  # cut inside a long stretch of speech, at its quietest point
        begin = start - lead if previous_end is None else max(start - lead, (previous_end + start) // 2)
        finish = end + trail if next_start is None else min(end + trail, (end + next_start) // 2)
        pieces.append(x[max(0, begin) : min(len(x), finish)])
    return np.concatenate(pieces).astype(np.float32, copy=False)
