"""The benchmark clip: English dev clips joined to about 10 s, as a WAV file and as an Ogg/Opus one."""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import av
import numpy as np
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.audio.wav import pcm16_bytes
from homevoice.evaluation.wer import load_manifest
from http_common import Clip

GAP_S = 0.3
OPUS_RATE = 48_000
OPUS_BITRATE = 32_000  # a voice note's bitrate
BLOCK = 1024


def build_clip(evalset: Path, seconds: float) -> Clip:
    """The manifest's English clips in order, 0.3 s apart, until at least ``seconds`` long."""
    english = [c for c in load_manifest(evalset / "manifest.tsv") if c.language == "en"]
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    parts: list[NDArray[np.float32]] = []
    words: list[str] = []
    for clip in english:
        if parts:
            parts.append(gap)
        parts.append(decode_audio(clip.path).samples)
        words.append(clip.transcript)
        if sum(len(p) for p in parts) >= seconds * SAMPLE_RATE:
            break
    samples = np.concatenate(parts)
    return Clip(
        duration=len(samples) / SAMPLE_RATE,
        reference=" ".join(words),
        files={"wav": pcm16_bytes(samples, SAMPLE_RATE), "ogg": opus_bytes(samples)},
        mime={"wav": "audio/wav", "ogg": "audio/ogg"},
    )


def opus_bytes(samples: NDArray[np.float32]) -> bytes:
    """Ogg/Opus, mono, 48 kHz, 32 kbit/s: what a phone's voice note looks like."""
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=OPUS_RATE, layout="mono")
        stream.bit_rate = OPUS_BITRATE
        resampler = av.AudioResampler(format="flt", layout="mono", rate=OPUS_RATE)
        for start in range(0, len(samples), BLOCK):
            frame = av.AudioFrame.from_ndarray(
                np.ascontiguousarray(samples[start : start + BLOCK]).reshape(1, -1),
                format="flt",
                layout="mono",
            )
            frame.sample_rate, frame.pts, frame.time_base = SAMPLE_RATE, start, Fraction(1, SAMPLE_RATE)
            for resampled in resampler.resample(frame):
                container.mux(stream.encode(resampled))
        for resampled in resampler.resample(None):
            container.mux(stream.encode(resampled))
        container.mux(stream.encode(None))
    return buf.getvalue()
