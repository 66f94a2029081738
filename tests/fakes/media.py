"""Real media files made with PyAV's encoders, for decoder and pipeline tests."""

from __future__ import annotations

import io
from fractions import Fraction

import av
import numpy as np
from numpy.typing import NDArray

# container format, codec, sample format, typical file suffix
AUDIO_FORMATS: dict[str, tuple[str, str, str]] = {
    "oga": ("ogg", "libopus", "flt"),
    "mp3": ("mp3", "libmp3lame", "fltp"),
    "m4a": ("ipod", "aac", "fltp"),
    "flac": ("flac", "flac", "s16"),
    "wav": ("wav", "pcm_s16le", "s16"),
    "webm": ("webm", "libopus", "flt"),
}


def tone(
    seconds: float, rate: int = 16_000, freq: float = 440.0, amplitude: float = 0.3
) -> NDArray[np.float32]:
    t = np.arange(int(seconds * rate)) / rate
    return (amplitude * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def encode(samples: NDArray[np.float32], rate: int, fmt: str, channels: int = 1) -> bytes:
    """Encode mono float samples (duplicated to ``channels``) into a real file of ``fmt``."""
    container_format, codec, sample_fmt = AUDIO_FORMATS[fmt]
    out_rate = 48_000 if codec == "libopus" else rate
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_format) as container:
        stream = container.add_stream(codec, rate=out_rate, layout="mono" if channels == 1 else "stereo")
        _write(container, stream, samples, rate, channels, sample_fmt)
    return buf.getvalue()


def encode_video_note(samples: NDArray[np.float32], rate: int, container_format: str = "mp4") -> bytes:
    """A small video with an audio track, like a Telegram video note (mp4) or a browser clip (webm)."""
    audio_codec, video_codec = ("aac", "mpeg4") if container_format == "mp4" else ("libopus", "libvpx")
    buf = io.BytesIO()
    with av.open(buf, mode="w", format=container_format) as container:
        video = container.add_stream(video_codec, rate=10)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        audio = container.add_stream(
            audio_codec, rate=48_000 if audio_codec == "libopus" else rate, layout="mono"
        )
        frames = int(len(samples) / rate * 10)
        for i in range(frames):
            image = np.full((64, 64, 3), i % 255, dtype=np.uint8)
            for packet in video.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
        _write(container, audio, samples, rate, 1, "fltp" if audio_codec == "aac" else "flt")
    return buf.getvalue()


def encode_video_only(seconds: float = 1.0) -> bytes:
    buf = io.BytesIO()
    with av.open(buf, mode="w", format="mp4") as container:
        video = container.add_stream("mpeg4", rate=10)
        video.width, video.height, video.pix_fmt = 64, 64, "yuv420p"
        for i in range(int(seconds * 10)):
            frame = av.VideoFrame.from_ndarray(np.full((64, 64, 3), i, dtype=np.uint8), format="rgb24")
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode(None):
            container.mux(packet)
    return buf.getvalue()


def _write(
    container: av.container.OutputContainer,
    stream: av.AudioStream,
    samples: NDArray[np.float32],
    rate: int,
    channels: int,
    sample_fmt: str,
) -> None:
    layout = "mono" if channels == 1 else "stereo"
    resampler = av.AudioResampler(format=sample_fmt, layout=layout, rate=stream.codec_context.sample_rate)
    block = 1024
    pts = 0
    for start in range(0, len(samples), block):
        chunk = samples[start : start + block]
        data = np.repeat(chunk, channels).reshape(1, -1)  # packed: samples interleaved per channel
        frame = av.AudioFrame.from_ndarray(np.ascontiguousarray(data), format="flt", layout=layout)
        frame.sample_rate = rate
        frame.pts = pts
        frame.time_base = Fraction(1, rate)
        pts += len(chunk)
        for resampled in resampler.resample(frame):
            for packet in stream.encode(resampled):
                container.mux(packet)
    for resampled in resampler.resample(None):
        for packet in stream.encode(resampled):
            container.mux(packet)
    for packet in stream.encode(None):
        container.mux(packet)
