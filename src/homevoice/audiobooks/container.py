"""Finished audiobook audio on disk, with PyAV: one M4B with chapter marks, or one file per chapter.

Audio arrives chapter by chapter as blocks of mono float32 samples and is encoded as it comes, so
no whole book is ever held in memory. Every file is written under a hidden temporary name beside
its destination and renamed into place when complete: a failure never leaves a half-written file.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self, TypeVar

import av
import numpy as np
from numpy.typing import NDArray

from homevoice.audiobooks.muxing import (
    BlockEncoder,
    ContainerError,
    attach_picture,
    remove_file,
    temporary_path,
    write_failed,
)
from homevoice.audiobooks.tags import (
    BookMeta,
    book_tags,
    file_tags,
    language_code,
    open_picture,
    vorbis_picture,
)

__all__ = ["BookMeta", "ContainerError", "M4bWriter", "read_chapters", "read_duration", "write_audio_file"]

_T = TypeVar("_T")

_OPUS_RATE = 48_000
# ``faststart`` moves the index to the front, so a phone plays from an HTTP range request before
# the whole file is in; ``M4B `` is the brand Apple's players file under Audiobooks.
_M4B_OPTIONS = {"movflags": "+faststart", "brand": "M4B "}
_MP3_OPTIONS = {"id3v2_version": "3"}  # ID3v2.3: read by every player and car radio; v2.4 is not


class M4bWriter:
    """Encode a book chapter by chapter into one M4B (AAC-LC in MP4) with chapter marks and a cover.

    MP4 players read chapters from a text track that FFmpeg lays out with the header, before any
    audio, while chapters here are known only as they end. So the AAC goes into a temporary file
    first, and ``close`` copies its packets (no re-encoding) into the final file behind chapters,
    tags and cover. As a context manager, a failure removes every file it started.
    """

    def __init__(self, path: Path, rate: int, meta: BookMeta, bitrate: int = 64_000) -> None:
        self.path = Path(path)
        self.rate = rate
        self.meta = meta
        self._chapters: list[tuple[str, int, int]] = []
        self._samples = 0
        self._closed = False
        self._audio_path = temporary_path(self.path, "aac")
        try:
            self._muxer = av.open(str(self._audio_path), mode="w", format="mp4")
        except av.FFmpegError as err:
            remove_file(self._audio_path)
            raise write_failed("M4B", self.path, err) from err
        self._muxing = True
        self._encoder = self._guarded(lambda: BlockEncoder(self._muxer, "aac", rate, bitrate))

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is not None:
            self.abort()
        elif not self._closed:
            self.close()

    def add_chapter(self, title: str, blocks: Iterable[NDArray[np.float32]]) -> tuple[float, float]:
        """Encode one chapter; returns its (start, end) in seconds from the start of the book."""
        if self._closed:
            raise ValueError("M4bWriter.add_chapter() after close()")
        start = self._samples
        self._samples += self._guarded(lambda: self._encoder.write_chapter(blocks))
        self._chapters.append((title, start, self._samples))
        return start / self.rate, self._samples / self.rate

    def close(self) -> float:
        """Finish the file and return its duration in seconds."""
        if self._closed:
            return self._samples / self.rate
        if not self._chapters:
            self.abort()
            raise ContainerError(f"{self.path.name} has no chapters; an audiobook needs at least one.")
        self._guarded(self._finish)
        self._closed = True
        return self._samples / self.rate

    def abort(self) -> None:
        """Stop and remove everything written so far; the destination is left untouched."""
        self._closed = True
        self._close_muxer(quietly=True)
        remove_file(self._audio_path)

    def _close_muxer(self, quietly: bool = False) -> None:
        if self._muxing:
            self._muxing = False
            with contextlib.suppress(*((av.FFmpegError, OSError) if quietly else ())):
                self._muxer.close()

    def _finish(self) -> None:
        self._encoder.finish()
        self._close_muxer()
        target = temporary_path(self.path, "m4b")
        try:
            self._remux(target)
            target.replace(self.path)
        finally:
            remove_file(target)
            remove_file(self._audio_path)

    def _remux(self, target: Path) -> None:
        with (
            av.open(str(self._audio_path), mode="r") as source,
            av.open(str(target), mode="w", format="mp4", options=_M4B_OPTIONS) as output,
            open_picture(self.meta.cover) as picture,
        ):
            audio_in = source.streams.audio[0]
            audio = output.add_stream_from_template(audio_in)
            language = language_code(self.meta.language)
            if language:
                audio.metadata["language"] = language
            output.metadata.update(book_tags(self.meta))
            output.set_chapters(
                [
                    {
                        "id": n,
                        "start": s,
                        "end": e,
                        "time_base": Fraction(1, self.rate),
                        "metadata": {"title": t},
                    }
                    for n, (t, s, e) in enumerate(self._chapters, start=1)
                ]
            )
            attach_picture(output, picture)
            for packet in source.demux(audio_in):
                if packet.dts is None:  # the empty packet that ends a demux
                    continue
                packet.stream = audio
                output.mux(packet)

    def _guarded(self, step: Callable[[], _T]) -> _T:
        try:
            return step()
        except av.FFmpegError as err:
            self.abort()
            raise write_failed("M4B", self.path, err) from err
        except BaseException:
            self.abort()
            raise


def write_audio_file(
    path: Path,
    fmt: Literal["mp3", "opus"],
    rate: int,
    blocks: Iterable[NDArray[np.float32]],
    meta: BookMeta,
    *,
    track: int | None = None,
    title: str | None = None,
    bitrate: int = 64_000,
) -> float:
    """Write one chapter as MP3 (ID3v2 tags, cover as APIC) or Ogg/Opus (48 kHz, Vorbis comments).

    Returns the duration in seconds.
    """
    path = Path(path)
    codec, container, options = (
        ("libmp3lame", "mp3", _MP3_OPTIONS) if fmt == "mp3" else ("libopus", "ogg", {})
    )
    partial = temporary_path(path, fmt)
    try:
        with (
            open_picture(meta.cover) as picture,
            av.open(str(partial), mode="w", format=container, options=options) as muxer,
        ):
            tags = file_tags(meta, track, title)
            if fmt == "opus" and picture is not None:
                tags["METADATA_BLOCK_PICTURE"] = vorbis_picture(picture)
            muxer.metadata.update(tags)
            encoder = BlockEncoder(muxer, codec, rate, bitrate, _OPUS_RATE if fmt == "opus" else None)
            if fmt == "mp3":
                attach_picture(muxer, picture)
            samples = encoder.write_chapter(blocks)
            encoder.finish()
        partial.replace(path)
    except av.FFmpegError as err:
        remove_file(partial)
        raise write_failed(fmt.upper(), path, err) from err
    except BaseException:
        remove_file(partial)
        raise
    return samples / rate


def read_chapters(path: Path) -> list[tuple[str, float, float]]:
    """Chapter titles with their start and end in seconds, as a player reads them from the file."""
    with _reading(path) as container:
        return [
            (
                str(chapter["metadata"].get("title", "")),
                _seconds(chapter["start"], chapter["time_base"]),
                _seconds(chapter["end"], chapter["time_base"]),
            )
            for chapter in container.chapters()
        ]


def read_duration(path: Path) -> float:
    """Seconds of audio in the file, from its headers (the encoder's priming samples excluded)."""
    with _reading(path) as container:
        if not container.streams.audio:
            raise ContainerError(f"{Path(path).name} has no audio.", code="audio_read_failed")
        stream = container.streams.audio[0]
        if stream.duration and stream.time_base:
            return _seconds(stream.duration - _opus_pre_skip(stream), stream.time_base)
        if container.duration:
            return float(container.duration) / av.time_base
        ticks = sum(packet.duration or 0 for packet in container.demux(stream))
        return _seconds(ticks, stream.time_base)


def _opus_pre_skip(stream: av.AudioStream) -> int:
    """Ogg counts Opus's priming samples in the stream's length; the ``OpusHead`` says how many."""
    head = stream.codec_context.extradata or b""
    return int.from_bytes(head[10:12], "little") if head.startswith(b"OpusHead") else 0


def _seconds(ticks: int, time_base: Any) -> float:
    # Fraction here; newer PyAV returns its own rational type, which has the same two fields.
    return float(ticks * Fraction(time_base.numerator, time_base.denominator))


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[av.container.InputContainer]:
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError) as err:
        raise ContainerError(
            f"{Path(path).name} cannot be read as audio ({err}).", code="audio_read_failed"
        ) from err
    with container:
        yield container
