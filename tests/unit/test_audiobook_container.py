"""Audiobook files written with PyAV and read back with PyAV: M4B chapters, tags and cover; MP3 and
Ogg/Opus chapter files; no half-written file after a failure; SRT and WebVTT subtitles."""

from __future__ import annotations

import io
import itertools
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import cast

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.audiobooks.container import (
    BookMeta,
    ContainerError,
    M4bWriter,
    read_chapters,
    read_duration,
    write_audio_file,
)
from homevoice.audiobooks.document import Cover
from homevoice.audiobooks.subtitles import Cue, to_srt, to_vtt

RATE = 22_050
CHAPTERS = [("Пролог", 1.3, 440.0), ("Chapter Two", 2.1, 880.0), ("Глава 3 — Эпилог", 0.9, 1320.0)]


def tone(seconds: float, frequency: float, rate: int = RATE) -> NDArray[np.float32]:
    t = np.arange(round(seconds * rate)) / rate
    return (0.3 * np.sin(2 * np.pi * frequency * t)).astype(np.float32)


def blocks(seconds: float, frequency: float, size: int = 4000) -> Iterator[NDArray[np.float32]]:
    """A chapter as the renderer hands it over: blocks of uneven length."""
    samples = tone(seconds, frequency)
    for start in range(0, samples.size, size):
        yield samples[start : start + size]


def picture(codec: str) -> bytes:
    """A small real JPEG or PNG, made with PyAV."""
    pixels = np.random.default_rng(0).integers(0, 255, (48, 32, 3), dtype=np.uint8)
    pix_fmt = "yuvj420p" if codec == "mjpeg" else "rgb24"
    frame = av.VideoFrame.from_ndarray(pixels, format="rgb24").reformat(format=pix_fmt)
    buffer = io.BytesIO()
    with av.open(buffer, mode="w", format="image2pipe") as muxer:
        stream = cast(av.VideoStream, muxer.add_stream(codec, rate=1))
        stream.width, stream.height, stream.pix_fmt = 32, 48, pix_fmt
        muxer.mux(stream.encode(frame))
        muxer.mux(stream.encode(None))
    return buffer.getvalue()


def meta(cover: Cover | None = None) -> BookMeta:
    return BookMeta("Война и мир", "Лев Толстой", language="ru", comment="Read by Piper", cover=cover)


def write_book(path: Path, cover: Cover | None = None) -> tuple[list[tuple[float, float]], float]:
    with M4bWriter(path, RATE, meta(cover)) as writer:
        spans = [writer.add_chapter(title, blocks(seconds, hz)) for title, seconds, hz in CHAPTERS]
        duration = writer.close()
    return spans, duration


def dominant_frequency(path: Path, start: float, end: float) -> float:
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        rate = stream.codec_context.sample_rate
        samples = np.concatenate([f.to_ndarray()[0] for f in container.decode(stream)])
    window = samples[round(start * rate) : round(end * rate)]
    spectrum = np.abs(np.fft.rfft(window * np.hanning(window.size)))
    return float(np.argmax(spectrum) * rate / window.size)


def attached_picture(path: Path) -> tuple[str, bytes] | None:
    with av.open(str(path)) as container:
        for stream in container.streams.video:
            if stream.disposition & av.stream.Disposition.attached_pic:
                packet = next(p for p in container.demux(stream) if p.size)
                return stream.codec_context.name, bytes(packet)
    return None


def test_m4b_has_the_chapters_where_add_chapter_said(tmp_path: Path) -> None:
    path = tmp_path / "book.m4b"
    spans, duration = write_book(path)

    assert spans[0][0] == 0.0
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert [end - start for start, end in spans] == pytest.approx([c[1] for c in CHAPTERS], abs=1e-3)
    assert duration == pytest.approx(sum(c[1] for c in CHAPTERS), abs=1e-3)

    chapters = read_chapters(path)
    assert [title for title, _, _ in chapters] == [c[0] for c in CHAPTERS]
    for (_, start, end), (want_start, want_end) in zip(chapters, spans, strict=True):
        assert start == pytest.approx(want_start, abs=0.1)
        assert end == pytest.approx(want_end, abs=0.1)
    assert read_duration(path) == pytest.approx(duration, abs=0.05)
    # The audio is where the marks are: each chapter's tone sits in the middle of its span.
    for (start, end), (_, _, hz) in zip(spans, CHAPTERS, strict=True):
        middle = (start + end) / 2
        assert dominant_frequency(path, middle - 0.2, middle + 0.2) == pytest.approx(hz, abs=10)


def test_m4b_is_aac_lc_with_book_tags_and_the_index_first(tmp_path: Path) -> None:
    path = tmp_path / "book.m4b"
    write_book(path)
    with av.open(str(path)) as container:
        tags = dict(container.metadata)
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"
        assert audio.codec_context.profile == "LC"
        assert audio.codec_context.sample_rate == RATE
        assert audio.metadata.get("language") == "rus"
    assert tags["major_brand"] == "M4B "
    assert tags["title"] == tags["album"] == "Война и мир"
    assert tags["artist"] == "Лев Толстой"
    assert tags["genre"] == "Audiobook"
    assert tags["comment"] == "Read by Piper"
    data = path.read_bytes()
    assert data.index(b"moov") < data.index(b"mdat")  # faststart: playable from the first bytes
    assert attached_picture(path) is None


@pytest.mark.parametrize(("codec", "media_type"), [("mjpeg", "image/jpeg"), ("png", "image/png")])
def test_m4b_carries_the_cover(tmp_path: Path, codec: str, media_type: str) -> None:
    path = tmp_path / "book.m4b"
    image = picture(codec)
    write_book(path, Cover(image, media_type))
    assert attached_picture(path) == (codec, image)
    assert len(read_chapters(path)) == 3


def test_an_unreadable_cover_is_left_out(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "book.m4b"
    with caplog.at_level(logging.WARNING):
        write_book(path, Cover(b"<svg>not a bitmap</svg>", "image/jpeg"))
    assert attached_picture(path) is None
    assert len(read_chapters(path)) == 3
    assert "cover" in caplog.text


def test_an_unusual_rate_and_an_empty_chapter_still_make_a_book(tmp_path: Path) -> None:
    path = tmp_path / "book.m4b"
    with M4bWriter(path, 20_000, BookMeta("T", "A")) as writer:
        first = writer.add_chapter("One", [tone(1.0, 500.0, 20_000)])
        empty = writer.add_chapter("Title page", [])
        last = writer.add_chapter("Two", [tone(1.0, 700.0, 20_000)])
    assert first == (0.0, 1.0)
    assert empty[1] - empty[0] == pytest.approx(0.5)  # a mark needs room; silence fills it
    assert [c[0] for c in read_chapters(path)] == ["One", "Title page", "Two"]
    assert read_duration(path) == pytest.approx(last[1], abs=0.05)


def test_a_failure_inside_the_writer_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "book.m4b"
    with pytest.raises(RuntimeError, match="synthesis died"), M4bWriter(path, RATE, meta()) as writer:
        writer.add_chapter("One", blocks(1.0, 440.0))
        raise RuntimeError("synthesis died")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_chapter_source_leaves_the_previous_book_untouched(tmp_path: Path) -> None:
    path = tmp_path / "book.m4b"
    path.write_bytes(b"the previous render")

    def broken() -> Iterator[NDArray[np.float32]]:
        yield tone(0.5, 440.0)
        raise OSError("cache vanished")

    with pytest.raises(OSError, match="cache vanished"), M4bWriter(path, RATE, meta()) as writer:
        writer.add_chapter("One", broken())
    assert list(tmp_path.iterdir()) == [path]
    assert path.read_bytes() == b"the previous render"


def test_a_book_without_chapters_is_an_error(tmp_path: Path) -> None:
    writer = M4bWriter(tmp_path / "book.m4b", RATE, meta())
    with pytest.raises(ContainerError) as raised:
        writer.close()
    assert raised.value.code == "audio_encode_failed"
    assert list(tmp_path.iterdir()) == []


def test_mp3_chapter_file_has_its_length_tags_and_cover(tmp_path: Path) -> None:
    path = tmp_path / "chapter-03.mp3"
    image = picture("mjpeg")
    duration = write_audio_file(
        path, "mp3", RATE, blocks(1.5, 440.0), meta(Cover(image, "image/jpeg")), track=3, title="Глава 3"
    )
    assert duration == pytest.approx(1.5, abs=1e-3)
    assert read_duration(path) == pytest.approx(1.5, abs=0.03)
    with av.open(str(path)) as container:
        tags = dict(container.metadata)
        audio = container.streams.audio[0]
        assert audio.codec_context.name.startswith("mp3")
        assert audio.codec_context.sample_rate == RATE
        decoded = sum(frame.samples for frame in container.decode(audio))
    assert decoded == pytest.approx(1.5 * RATE, abs=0.03 * RATE)
    assert tags["title"] == "Глава 3"
    assert tags["album"] == "Война и мир"
    assert tags["artist"] == "Лев Толстой"
    assert tags["track"] == "3"
    assert tags["genre"] == "Audiobook"
    assert tags["language"] == "rus"
    assert attached_picture(path) == ("mjpeg", image)
    assert read_chapters(path) == []


def test_opus_chapter_file_is_48_khz_with_vorbis_comments_and_cover(tmp_path: Path) -> None:
    path = tmp_path / "chapter-01.opus"
    image = picture("png")
    duration = write_audio_file(
        path, "opus", RATE, blocks(1.5, 440.0), meta(Cover(image, "image/png")), track=1
    )
    assert duration == pytest.approx(1.5, abs=1e-3)
    assert read_duration(path) == pytest.approx(1.5, abs=0.01)
    with av.open(str(path)) as container:
        audio = container.streams.audio[0]
        tags = dict(audio.metadata)  # Ogg keeps its comments with the stream
        assert audio.codec_context.name == "opus"
        assert audio.codec_context.sample_rate == 48_000
        decoded = sum(frame.samples for frame in container.decode(audio))
    assert decoded == pytest.approx(1.5 * 48_000, abs=0.01 * 48_000)
    assert tags["title"] == "Война и мир"  # no chapter title given: the book's
    assert tags["artist"] == "Лев Толстой"
    assert tags["track"] == "1"
    assert tags["comment"] == "Read by Piper"
    assert attached_picture(path) == ("png", image)
    assert dominant_frequency(path, 0.5, 1.0) == pytest.approx(440.0, abs=10)


def test_a_failing_chapter_file_leaves_no_file(tmp_path: Path) -> None:
    def broken() -> Iterator[NDArray[np.float32]]:
        yield tone(0.5, 440.0)
        raise ValueError("bad block")

    with pytest.raises(ValueError, match="bad block"):
        write_audio_file(tmp_path / "chapter.mp3", "mp3", RATE, broken(), meta())
    with pytest.raises(ValueError, match="mono float"):
        write_audio_file(tmp_path / "chapter.opus", "opus", RATE, [np.zeros((2, 10), np.float32)], meta())
    assert list(tmp_path.iterdir()) == []


def test_reading_something_that_is_not_audio_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.m4b"
    path.write_text("not audio", encoding="utf-8")
    with pytest.raises(ContainerError) as raised:
        read_chapters(path)
    assert raised.value.code == "audio_read_failed"


def test_srt_numbers_cues_with_comma_milliseconds() -> None:
    srt = to_srt([Cue(0.0, 1.5, "Первое предложение."), Cue(61.25, 3723.0, "Second --> one\n\nwith lines")])
    assert srt == (
        "1\n00:00:00,000 --> 00:00:01,500\nПервое предложение.\n\n"
        "2\n00:01:01,250 --> 01:02:03,000\nSecond -> one with lines\n"
    )


def test_vtt_has_a_header_dot_milliseconds_and_escaped_markup() -> None:
    vtt = to_vtt([Cue(0.0, 2.0, "Tom & Jerry <3"), Cue(2.0, 2.5, "   ")])
    assert vtt == "WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nTom &amp; Jerry &lt;3\n"
    assert to_vtt([]) == "WEBVTT\n"
    assert to_srt([]) == ""


def test_long_sentences_become_consecutive_cues_of_two_short_lines() -> None:
    sentence = (
        "Это очень длинное предложение, которое никак не помещается в две строки субтитров, "
        "поэтому его надо разбить на несколько реплик подряд и поделить между ними время."
    )
    srt = to_srt([Cue(10.0, 22.0, sentence)])
    cues = [block.split("\n") for block in srt.strip().split("\n\n")]
    assert len(cues) >= 2
    texts = [" ".join(lines[2:]) for lines in cues]
    assert " ".join(texts) == sentence
    for lines in cues:
        assert 1 <= len(lines[2:]) <= 2
        assert all(len(line) <= 42 for line in lines[2:])
    times = [lines[1].split(" --> ") for lines in cues]
    assert times[0][0] == "00:00:10,000"
    assert times[-1][1] == "00:00:22,000"
    assert all(a[1] == b[0] for a, b in itertools.pairwise(times))


def test_a_two_line_cue_is_split_near_its_middle() -> None:
    vtt = to_vtt([Cue(0.0, 3.0, "Short one but just over forty-two characters long.")])
    lines = vtt.split("\n")[3:5]
    assert lines == ["Short one but just over", "forty-two characters long."]
