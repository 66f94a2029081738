"""PyAV plumbing shared by the audiobook writers: feeding float blocks to an encoder, attaching a
cover, and the temporary files that keep half-written output out of sight.
"""

from __future__ import annotations

import contextlib
import logging
import os
import tempfile
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray

from homevoice.audiobooks.tags import Picture
from homevoice.errors import HomevoiceError

log = logging.getLogger(__name__)

# A chapter mark needs some length to land on, and an empty file is no valid MP3 or Ogg.
EMPTY_CHAPTER_S = 0.5


class ContainerError(HomevoiceError):
    """Audio could not be encoded into, or read back from, an audiobook file."""

    code = "audio_encode_failed"


class BlockEncoder:
    """One mono audio stream of a muxer, fed with float blocks; counts the samples it was given.

    The codec runs at ``output_rate`` when given, else at ``rate`` when it supports that, else at
    the nearest rate it does; PyAV resamples on the way in.
    """

    def __init__(
        self,
        muxer: av.container.OutputContainer,
        codec: str,
        rate: int,
        bitrate: int,
        output_rate: int | None = None,
    ) -> None:
        if rate <= 0:
            raise ValueError(f"sample rate must be positive, got {rate}")
        self._muxer = muxer
        self._rate = rate
        try:
            stream = muxer.add_stream(codec, rate=output_rate or _supported_rate(codec, rate), layout="mono")
        except ValueError as err:  # PyAV's FFmpeg was built without this encoder
            raise ContainerError(
                f"This PyAV build has no {codec} encoder ({err}); reinstall PyAV from its official wheels."
            ) from err
        self._stream = cast(av.AudioStream, stream)
        self._stream.bit_rate = bitrate
        self._samples = 0

    def write_chapter(self, blocks: Iterable[NDArray[np.float32]]) -> int:
        """Encode the blocks and return their length in samples; nothing at all becomes a short silence."""
        start = self._samples
        for block in blocks:
            self._write(_clean(block))
        if self._samples == start:
            self._write(np.zeros(round(self._rate * EMPTY_CHAPTER_S), dtype=np.float32))
        return self._samples - start

    def finish(self) -> None:
        """Flush the samples the codec still holds."""
        self._muxer.mux(self._stream.encode(None))

    def _write(self, samples: NDArray[np.float32]) -> None:
        if samples.size == 0:
            return
        frame = av.AudioFrame.from_ndarray(samples.reshape(1, -1), format="flt", layout="mono")
        frame.sample_rate = self._rate
        frame.time_base = Fraction(1, self._rate)
        frame.pts = self._samples
        self._samples += samples.size
        self._muxer.mux(self._stream.encode(frame))


def attach_picture(muxer: av.container.OutputContainer, picture: Picture | None) -> None:
    """Add the cover as an attached picture (MP4 ``covr``, ID3 APIC); the header goes out with it."""
    if picture is None:
        return
    stream = muxer.add_stream_from_template(picture.stream)
    # The flag's int: older PyAV (16) refuses the enum member itself; newer takes both.
    stream.disposition = av.stream.Disposition.attached_pic.value  # type: ignore[assignment]
    muxer.start_encoding()
    picture.packet.stream = stream
    muxer.mux(picture.packet)


def temporary_path(path: Path, kind: str) -> Path:
    """A new empty file beside ``path``, hidden, so a listing of the folder never shows it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=f".{kind}.partial")
    os.close(handle)
    return Path(name)


def remove_file(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def write_failed(kind: str, path: Path, err: Exception) -> ContainerError:
    reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
    log.warning("Writing %s failed: %s", path, reason)
    return ContainerError(
        f"Writing {kind} audio to {path.name} failed ({reason}); check the free disk space, or reinstall "
        "PyAV if an encoder is missing."
    )


def _supported_rate(codec: str, rate: int) -> int:
    rates = av.codec.Codec(codec, "w").audio_rates
    if not rates or rate in rates:
        return rate
    higher = [r for r in rates if r >= rate]
    return min(higher) if higher else max(rates)


def _clean(block: NDArray[np.float32]) -> NDArray[np.float32]:
    """Mono float in [-1, 1]: louder is clipped, NaN and infinities become silence."""
    array = np.asarray(block)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.floating):
        raise ValueError(f"expected mono float samples (1-D), got {array.dtype} with shape {array.shape}")
    return np.clip(np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0), -1.0, 1.0).astype(np.float32)
