"""Encode synthesised speech into the formats of OpenAI's ``/v1/audio/speech``, chunk by chunk.

Every format goes through PyAV's own encoders and muxers writing into memory, so a reply can
start streaming after the first sentence. When streaming, the muxer writes to a sink that cannot
seek, so it never goes back to patch a header: what ``write`` returns is final. A whole file
(``streaming=False`` or ``encode``) gets exact headers instead.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray

from homevoice.audio.sink import EncoderSink
from homevoice.errors import HomevoiceError

log = logging.getLogger(__name__)


class AudioFormat(StrEnum):
    OPUS = "opus"
    MP3 = "mp3"
    AAC = "aac"
    FLAC = "flac"
    WAV = "wav"
    PCM = "pcm"


MEDIA_TYPES: dict[AudioFormat, str] = {
    AudioFormat.OPUS: "audio/ogg",  # Ogg/Opus: what Telegram's sendVoice takes
    AudioFormat.MP3: "audio/mpeg",
    AudioFormat.AAC: "audio/aac",
    AudioFormat.FLAC: "audio/flac",
    AudioFormat.WAV: "audio/wav",
    AudioFormat.PCM: "audio/pcm",
}

_SUFFIXES: dict[str, AudioFormat] = {
    ".ogg": AudioFormat.OPUS,
    ".oga": AudioFormat.OPUS,
    ".opus": AudioFormat.OPUS,
    ".mp3": AudioFormat.MP3,
    ".aac": AudioFormat.AAC,
    ".m4a": AudioFormat.AAC,
    ".flac": AudioFormat.FLAC,
    ".wav": AudioFormat.WAV,
    ".pcm": AudioFormat.PCM,
    ".raw": AudioFormat.PCM,
}

_MP4_CONTAINERS = ("ipod", "mp4")
_MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)
_AAC_RATES = (*_MP3_RATES, 64000, 88200, 96000)
_MIN_RATE, _MAX_RATE = 1000, 384_000
# Lossy containers with no packet in them are not valid files; an empty reply becomes this much silence.
_EMPTY_SILENCE_S = 0.02
_OGG_PAGE_S = 0.1  # each page waits for this much audio: small enough to stream, large enough to stay lean
_MP4_FRAGMENT_S = 0.5


@dataclass(frozen=True)
class _Recipe:
    codec: str
    container: str
    rates: tuple[int, ...] = ()
    """Output rates the codec takes: the input rate is kept when listed, else the first is used;
    empty means any rate."""
    bit_rate: int | None = None
    codec_options: dict[str, str] = field(default_factory=dict)


_RECIPES: dict[AudioFormat, _Recipe] = {
    AudioFormat.OPUS: _Recipe("libopus", "ogg", (48_000,), 32_000, {"application": "voip"}),
    AudioFormat.MP3: _Recipe("libmp3lame", "mp3", (24_000, *_MP3_RATES), 64_000),
    AudioFormat.AAC: _Recipe("aac", "adts", (24_000, *_AAC_RATES), 64_000),
    AudioFormat.FLAC: _Recipe("flac", "flac"),
    AudioFormat.WAV: _Recipe("pcm_s16le", "wav"),
    AudioFormat.PCM: _Recipe("pcm_s16le", "s16le", (24_000,)),
}


def format_for_path(path: Path) -> AudioFormat:
    """The format a file name asks for: ``.ogg``/``.oga``/``.opus`` are Ogg/Opus, ``.m4a`` is AAC."""
    fmt = _SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        shown = f"'{path.suffix}'" if path.suffix else "no suffix"
        raise HomevoiceError(
            f"{path.name} has {shown}, which names no audio format; use one of {', '.join(_SUFFIXES)}.",
            code="unsupported_format",
        )
    return fmt


def output_rate(fmt: AudioFormat, input_rate: int) -> int:
    """The sample rate ``fmt`` is written at for input at ``input_rate``."""
    rates = _RECIPES[fmt].rates
    return input_rate if not rates or input_rate in rates else rates[0]


def encode(
    samples: NDArray[np.float32], sample_rate: int, fmt: AudioFormat, *, container: str | None = None
) -> bytes:
    """Encode a whole clip into one complete file with exact headers."""
    encoder = StreamEncoder(fmt, sample_rate, container=container, streaming=False)
    return encoder.write(samples) + encoder.close()


class StreamEncoder:
    """Encode mono float32 speech chunk by chunk; ``write`` returns the bytes ready so far.

    ``container`` only chooses for AAC: ``"adts"`` (the default, a plain stream) or ``"ipod"``/``"mp4"``
    (m4a). With ``streaming=True`` the output is final as it comes: WAV sizes are 0xFFFFFFFF, FLAC
    and MP3 declare no length, m4a is fragmented. With ``streaming=False`` nothing comes out until
    ``close``, which returns the whole file with exact sizes (m4a with its index first).
    """

    def __init__(
        self, fmt: AudioFormat, sample_rate: int, *, container: str | None = None, streaming: bool = True
    ) -> None:
        if not _MIN_RATE <= sample_rate <= _MAX_RATE:
            raise ValueError(f"sample_rate {sample_rate} is outside {_MIN_RATE}..{_MAX_RATE} Hz")
        self.format = AudioFormat(fmt)
        self.container = _container_for(self.format, container)
        self.sample_rate = sample_rate
        self.output_rate = output_rate(self.format, sample_rate)
        self.streaming = streaming
        self._sink = EncoderSink(streaming, reopened=self.container in _MP4_CONTAINERS)
        self._written = 0
        self._closed = False
        try:
            self._muxer, self._stream = _open(
                self.format, self.container, self.output_rate, self._sink, streaming
            )
        except (av.FFmpegError, ValueError) as err:  # ValueError: PyAV's ffmpeg lacks the codec
            self._sink.discard()
            raise _encode_failed(self.format, err) from err

    @property
    def media_type(self) -> str:
        return "audio/mp4" if self.container in _MP4_CONTAINERS else MEDIA_TYPES[self.format]

    def write(self, samples: NDArray[np.float32]) -> bytes:
        """Encode mono float samples in [-1, 1] (louder is clipped, NaN and inf become silence)."""
        if self._closed:
            raise ValueError("StreamEncoder.write() after close()")
        clean = _clean(samples)
        if clean.size:
            self._encode(clean)
        return self._sink.take()

    def close(self) -> bytes:
        """Flush the codec and the container; returns the last bytes (all of them when not streaming)."""
        if self._closed:
            return b""
        self._closed = True
        if self._written == 0 and self.format in (AudioFormat.OPUS, AudioFormat.MP3, AudioFormat.AAC):
            self._encode(np.zeros(int(self.sample_rate * _EMPTY_SILENCE_S), dtype=np.float32))
        try:
            self._muxer.mux(self._stream.encode(None))
            self._muxer.close()
        except av.FFmpegError as err:
            self._sink.discard()
            raise _encode_failed(self.format, err) from err
        return self._sink.finish()

    def _encode(self, samples: NDArray[np.float32]) -> None:
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self.sample_rate
        frame.time_base = Fraction(1, self.sample_rate)
        frame.pts = self._written
        self._written += len(samples)
        try:
            self._muxer.mux(self._stream.encode(frame))
        except av.FFmpegError as err:
            raise _encode_failed(self.format, err) from err


def _open(
    fmt: AudioFormat, container: str, rate: int, sink: EncoderSink, streaming: bool
) -> tuple[av.container.OutputContainer, av.AudioStream]:
    recipe = _RECIPES[fmt]
    muxer = av.open(sink.target, mode="w", format=container, options=_muxer_options(container, streaming))
    stream = cast(
        av.AudioStream, muxer.add_stream(recipe.codec, rate=rate, layout="mono", options=recipe.codec_options)
    )
    if recipe.bit_rate is not None:
        stream.bit_rate = recipe.bit_rate
    muxer.start_encoding()  # the header goes out with the first write, even for an empty reply
    return muxer, stream


def _muxer_options(container: str, streaming: bool) -> dict[str, str]:
    if container == "ogg":
        return {"page_duration": str(int(_OGG_PAGE_S * 1_000_000))}
    if container in _MP4_CONTAINERS and streaming:
        return {
            "movflags": "empty_moov+default_base_moof",
            "frag_duration": str(int(_MP4_FRAGMENT_S * 1_000_000)),
        }
    if container in _MP4_CONTAINERS:
        return {"movflags": "+faststart"}
    if container == "flac":
        return {"metadata_header_padding": "0"}  # 8 KiB by default, for editing tags in place
    return {}


def _container_for(fmt: AudioFormat, container: str | None) -> str:
    default = _RECIPES[fmt].container
    allowed = (default, *_MP4_CONTAINERS) if fmt is AudioFormat.AAC else (default,)
    if container is None:
        return default
    if container not in allowed:
        raise HomevoiceError(
            f"{fmt} audio cannot be written in a '{container}' container; use {' or '.join(allowed)}.",
            code="unsupported_format",
        )
    return container


def _clean(samples: NDArray[np.float32]) -> NDArray[np.float32]:
    array = np.asarray(samples)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"expected mono float samples (1-D), got {array.dtype} with shape {array.shape}")
    finite = np.isfinite(array)
    if not finite.all():
        log.warning("Replacing %d NaN or infinite samples with silence", int(array.size - finite.sum()))
        array = np.where(finite, array, 0.0)
    return np.clip(array, -1.0, 1.0).astype(np.float32)


def _encode_failed(fmt: AudioFormat, err: Exception) -> HomevoiceError:
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    return HomevoiceError(
        f"Encoding {fmt} audio failed ({reason}); try another format, or reinstall PyAV if a codec is missing.",
        code="encode_failed",
    )
