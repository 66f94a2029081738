"""Decode anything a phone, a browser or Telegram sends into 16 kHz mono float32, with PyAV.

No ffmpeg binary is needed: PyAV carries the libraries. Every failure becomes an ``AudioError``
with a message a person can act on; no decoder traceback reaches the user.
"""

from __future__ import annotations

import io
import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import av
import numpy as np
from numpy.typing import NDArray

from homevoice.audio.integrity import PROBE_BYTES, truncation_problem
from homevoice.errors import AudioError, AudioTooLongError, EmptyAudioError, UnsupportedAudioError

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
_SPOOL_IN_MEMORY = 32 * 1024 * 1024
# A decode that ends this much earlier than the container declares means the file was cut short.
_TRUNCATION_TOLERANCE_S = 0.5
_TRUNCATION_TOLERANCE_RATIO = 0.02

AudioSource = Path | bytes | BinaryIO


@dataclass(frozen=True)
class DecodedAudio:
    samples: NDArray[np.float32]
    """Mono float32 in [-1, 1] at ``SAMPLE_RATE``."""
    source_codec: str
    source_rate: int
    source_channels: int

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


def decode_audio(source: AudioSource, *, max_duration_s: float | None = None, name: str = "") -> DecodedAudio:
    """Decode the first audio stream of ``source`` (a path, bytes or a binary file object).

    ``name`` is only used in error messages (a path's own name is used when not given).
    """
    label = name or (source.name if isinstance(source, Path) else "the audio")
    stream_input = _open_input(source, label)
    try:
        return _decode_opened(stream_input, label, max_duration_s)
    finally:
        if stream_input is not source and not isinstance(stream_input, str):
            stream_input.close()  # a buffer made here, not the caller's file


def _decode_opened(stream_input: str | BinaryIO, label: str, max_duration_s: float | None) -> DecodedAudio:
    problem = _structural_problem(stream_input)
    if problem is not None:
        raise _truncated(label, problem)
    try:
        container = av.open(stream_input, mode="r", metadata_errors="ignore")
    except av.FFmpegError as err:
        raise UnsupportedAudioError(
            f"{label} cannot be read as audio ({_reason(err)}): it is damaged or not a supported "
            "format (ogg/opus, mp3, m4a, flac, wav, webm, mp4)."
        ) from err
    with container:
        if not container.streams.audio:
            raise UnsupportedAudioError(f"{label} has no audio track; send a file with sound in it.")
        stream = container.streams.audio[0]
        declared = _declared_duration(container, stream)
        if max_duration_s is not None and declared is not None and declared > max_duration_s:
            raise AudioTooLongError(_too_long(label, declared, max_duration_s))
        samples = _decode_stream(container, stream, label, max_duration_s)
        info = (
            stream.codec_context.name,
            stream.codec_context.sample_rate or 0,
            stream.codec_context.channels,
        )
    if samples.size == 0:
        raise EmptyAudioError(f"{label} contains no audio samples; record again and resend it.")
    decoded = len(samples) / SAMPLE_RATE
    if declared is not None and declared - decoded > max(
        _TRUNCATION_TOLERANCE_S, declared * _TRUNCATION_TOLERANCE_RATIO
    ):
        raise _truncated(label, f"it declares {declared:.1f} s but only {decoded:.1f} s could be read")
    return DecodedAudio(samples, info[0], info[1], info[2])


def _open_input(source: AudioSource, label: str) -> str | BinaryIO:
    if isinstance(source, Path):
        try:
            size = source.stat().st_size
        except FileNotFoundError as err:
            raise AudioError(f"{label}: no such file.", code="file_not_found") from err
        except OSError as err:
            raise AudioError(f"{label} cannot be read: {err.strerror}.", code="file_unreadable") from err
        if not source.is_file():
            raise AudioError(f"{label} is not a regular file.", code="file_unreadable")
        if size == 0:
            raise EmptyAudioError(f"{label} is empty (0 bytes); record again and resend it.")
        return str(source)
    if isinstance(source, bytes):
        if not source:
            raise EmptyAudioError(f"{label} is empty (0 bytes); record again and resend it.")
        return io.BytesIO(source)
    if not source.seekable():
        # The truncation probe needs the tail; a pipe or socket is spooled first.
        spooled = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 -- closed by decode_audio
        shutil.copyfileobj(source, spooled)
        spooled.seek(0)
        source = spooled  # type: ignore[assignment]
    start = source.tell()
    if not source.read(1):
        raise EmptyAudioError(f"{label} is empty (0 bytes); record again and resend it.")
    source.seek(start)
    return source


def _decode_stream(
    container: av.container.InputContainer,
    stream: av.AudioStream,
    label: str,
    max_duration_s: float | None,
) -> NDArray[np.float32]:
    # Keep the channels and average them ourselves: ffmpeg's downmix adds them at -3 dB each,
    # which pushes loud stereo past full scale.
    resampler = av.AudioResampler(format="fltp", rate=SAMPLE_RATE)
    max_samples = None if max_duration_s is None else int(max_duration_s * SAMPLE_RATE)
    chunks: list[NDArray[np.float32]] = []
    total = 0
    try:
        for frame in container.decode(stream):
            frame.pts = None  # timestamps are not needed and broken ones upset the resampler
            for out in resampler.resample(frame):
                chunk = _mono(out)
                chunks.append(chunk)
                total += len(chunk)
            if max_samples is not None and total > max_samples:
                raise AudioTooLongError(_too_long(label, None, max_duration_s or 0))
        for out in resampler.resample(None):
            chunks.append(_mono(out))
    except av.FFmpegError as err:
        if total == 0:
            raise UnsupportedAudioError(
                f"{label} could not be decoded ({_reason(err)}); the file is damaged or not audio."
            ) from err
        raise AudioError(
            f"{label} is damaged after {total / SAMPLE_RATE:.1f} s ({_reason(err)}); send the complete file.",
            code="truncated_audio",
        ) from err
    if not chunks:
        return np.zeros(0, dtype=np.float32)
    return np.concatenate(chunks).astype(np.float32, copy=False)


def _mono(frame: av.AudioFrame) -> NDArray[np.float32]:
    planes = np.asarray(frame.to_ndarray(), dtype=np.float32)
    mono: NDArray[np.float32] = planes[0] if planes.shape[0] == 1 else planes.mean(axis=0, dtype=np.float32)
    return mono


def _structural_problem(opened: str | BinaryIO) -> str | None:
    if isinstance(opened, str):
        with Path(opened).open("rb") as handle:
            return _probe_handle(handle)
    position = opened.tell()
    try:
        return _probe_handle(opened)
    finally:
        opened.seek(position)


def _probe_handle(handle: BinaryIO) -> str | None:
    head = handle.read(PROBE_BYTES)
    size = handle.seek(0, io.SEEK_END)
    handle.seek(max(0, size - PROBE_BYTES))
    return truncation_problem(head, handle.read(PROBE_BYTES), size)


def _truncated(label: str, problem: str) -> AudioError:
    return AudioError(
        f"{label} is cut short ({problem}); the upload or recording was interrupted, send the complete file.",
        code="truncated_audio",
    )


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float | None:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return float(container.duration) / 1_000_000
    return None


def _too_long(label: str, declared: float | None, limit: float) -> str:
    length = f" ({_span(declared)})" if declared is not None else ""
    return f"{label} is longer{length} than the {_span(limit)} limit; split it or raise HOMEVOICE_STT__MAX_DURATION_S."


def _span(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 120 else f"{seconds / 60:.0f} min"


def _reason(err: Exception) -> str:
    return getattr(err, "strerror", None) or type(err).__name__
