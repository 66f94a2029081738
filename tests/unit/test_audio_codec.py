"""decode_audio on real encoded media: every format, channel layout and rate, every input kind, bad inputs."""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, DecodedAudio, decode_audio
from homevoice.errors import (
    AudioError,
    AudioTooLongError,
    EmptyAudioError,
    HomevoiceError,
    UnsupportedAudioError,
)
from tests.fakes.media import AUDIO_FORMATS, encode, encode_video_note, encode_video_only, tone

# A different tone per source rate, so a decoder that ignored the rate would land on the wrong pitch.
TONE_FOR_RATE = {8000: 300.0, 22050: 440.0, 44100: 1000.0, 48000: 2500.0}
AMPLITUDE = 0.3


def duration_tolerance(fmt: str, rate: int) -> float:
    # AAC pads the last frame to 1024 samples; the other encoders here are sample exact.
    return 1024 / rate + 0.001 if fmt == "m4a" else 0.002


def dominant_frequency(samples: NDArray[np.float32]) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * SAMPLE_RATE / len(samples)


def rms(samples: NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


class NonSeekable(io.RawIOBase):
    """A pipe-like binary stream: readable, not seekable (like a socket or stdin)."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._inner.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


def assert_tone(decoded: DecodedAudio, seconds: float, freq: float, tolerance_s: float) -> None:
    assert decoded.samples.dtype == np.float32
    assert decoded.samples.ndim == 1
    assert abs(decoded.duration - seconds) <= tolerance_s, decoded.duration
    assert dominant_frequency(decoded.samples) == pytest.approx(freq, abs=2.0)
    assert float(np.max(np.abs(decoded.samples))) <= 1.0


CASES = [
    *[pytest.param(fmt, 1, rate, id=f"{fmt}-mono-{rate}") for fmt in AUDIO_FORMATS for rate in TONE_FOR_RATE],
    *[
        pytest.param(fmt, 2, rate, id=f"{fmt}-stereo-{rate}")
        for fmt in AUDIO_FORMATS
        for rate in (8000, 48000)
    ],
]


@pytest.mark.parametrize(("fmt", "channels", "rate"), CASES)
def test_decodes_to_16k_mono_float32_with_the_right_content(fmt: str, channels: int, rate: int) -> None:
    freq = TONE_FOR_RATE[rate]
    data = encode(tone(1.0, rate, freq=freq, amplitude=AMPLITUDE), rate, fmt, channels)

    decoded = decode_audio(data)

    assert_tone(decoded, 1.0, freq, duration_tolerance(fmt, rate))
    assert decoded.source_channels == channels
    expected_rate = 48_000 if AUDIO_FORMATS[fmt][1] == "libopus" else rate
    assert decoded.source_rate == expected_rate
    if channels == 1:
        # Lossy codecs change the level a little, not a lot.
        assert rms(decoded.samples) == pytest.approx(AMPLITUDE / np.sqrt(2), rel=0.15)


def test_loud_stereo_stays_within_full_scale() -> None:
    data = encode(tone(1.0, 16_000, amplitude=0.95), 16_000, "wav", channels=2)
    decoded = decode_audio(data)
    assert float(np.max(np.abs(decoded.samples))) <= 1.0
    assert rms(decoded.samples) == pytest.approx(0.95 / np.sqrt(2), rel=0.05)


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_video_notes_decode_their_audio_track(container: str) -> None:
    data = encode_video_note(tone(1.0, 16_000, freq=440.0), 16_000, container)
    decoded = decode_audio(data)
    assert_tone(decoded, 1.0, 440.0, 0.03)
    assert decoded.source_codec == ("aac" if container == "mp4" else "opus")


# --- input kinds ----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["oga", "m4a", "wav"])
def test_path_bytes_and_file_objects_decode_the_same(fmt: str, tmp_path: Path) -> None:
    data = encode(tone(1.0, 16_000, freq=440.0), 16_000, fmt)
    path = tmp_path / f"note.{fmt}"
    path.write_bytes(data)

    from_path = decode_audio(path)
    from_bytes = decode_audio(data)
    with path.open("rb") as handle:
        from_handle = decode_audio(handle)
    from_buffer = decode_audio(io.BytesIO(data))

    for decoded in (from_path, from_bytes, from_handle, from_buffer):
        assert_tone(decoded, 1.0, 440.0, duration_tolerance(fmt, 16_000))
        np.testing.assert_array_equal(decoded.samples, from_bytes.samples)


def test_a_seekable_file_object_is_read_from_its_current_position() -> None:
    prefix = b"not part of the audio " * 10
    data = encode(tone(1.0, 16_000, freq=440.0), 16_000, "wav")
    buffer = io.BytesIO(prefix + data)
    buffer.seek(len(prefix))  # the integrity probe must put the position back where it found it
    assert_tone(decode_audio(buffer), 1.0, 440.0, 0.002)


def test_non_seekable_stream_decodes() -> None:
    data = encode(tone(1.0, 16_000, freq=440.0), 16_000, "oga")
    assert_tone(decode_audio(NonSeekable(data)), 1.0, 440.0, 0.002)  # type: ignore[arg-type]


def test_silent_file_decodes_to_zeros() -> None:
    silence = np.zeros(16_000, dtype=np.float32)
    exact = decode_audio(encode(silence, 16_000, "wav"))
    assert exact.duration == pytest.approx(1.0, abs=0.002)
    assert not np.any(exact.samples)
    lossy = decode_audio(encode(silence, 16_000, "oga"))
    assert lossy.duration == pytest.approx(1.0, abs=0.002)
    assert float(np.max(np.abs(lossy.samples))) < 1e-3


# --- bad inputs -----------------------------------------------------------------------------------


def assert_readable(err: HomevoiceError) -> None:
    message = str(err)
    assert message
    assert "Traceback" not in message
    assert "\n" not in message


def test_empty_bytes_and_empty_file(tmp_path: Path) -> None:
    with pytest.raises(EmptyAudioError) as info:
        decode_audio(b"")
    assert info.value.code == "empty_audio"
    assert_readable(info.value)

    empty = tmp_path / "empty.ogg"
    empty.write_bytes(b"")
    with pytest.raises(EmptyAudioError, match=r"empty\.ogg") as info:
        decode_audio(empty)
    assert info.value.code == "empty_audio"


@pytest.mark.parametrize(
    "junk",
    [
        pytest.param(bytes(np.random.default_rng(7).integers(0, 256, 5000, dtype=np.uint8)), id="random"),
        pytest.param(b"\x00" * 4096, id="zeros"),
        pytest.param(b"this is not audio at all\n" * 50, id="text"),
    ],
)
def test_junk_is_unsupported_audio(junk: bytes) -> None:
    with pytest.raises(UnsupportedAudioError) as info:
        decode_audio(junk, name="upload.ogg")
    assert info.value.code == "unsupported_audio"
    assert "upload.ogg" in str(info.value)
    assert_readable(info.value)


# What each format gives when cut at half. m4a keeps its index (moov) at the end, so half a file
# cannot even be opened; the others are caught by the container check or the declared duration.
TRUNCATED = {
    "oga": (AudioError, "truncated_audio"),
    "mp3": (AudioError, "truncated_audio"),
    "m4a": (UnsupportedAudioError, "unsupported_audio"),
    "flac": (AudioError, "truncated_audio"),
    "wav": (AudioError, "truncated_audio"),
    "webm": (AudioError, "truncated_audio"),
}


@pytest.mark.parametrize("fmt", list(AUDIO_FORMATS))
def test_file_cut_at_half_is_refused(fmt: str, tmp_path: Path) -> None:
    data = encode(tone(3.0, 16_000), 16_000, fmt)
    cut = data[: len(data) // 2]
    error_class, code = TRUNCATED[fmt]

    with pytest.raises(error_class) as info:
        decode_audio(cut)
    assert info.value.code == code
    assert_readable(info.value)

    path = tmp_path / f"cut.{fmt}"
    path.write_bytes(cut)
    with pytest.raises(error_class) as info:
        decode_audio(path)
    assert info.value.code == code


@pytest.mark.parametrize("container", ["mp4", "webm"])
def test_video_note_cut_at_half_is_refused(container: str) -> None:
    data = encode_video_note(tone(3.0, 16_000), 16_000, container)
    with pytest.raises(AudioError) as info:
        decode_audio(data[: len(data) // 2])
    assert info.value.code in {"truncated_audio", "unsupported_audio"}


@pytest.mark.parametrize("fmt", ["oga", "wav"])
def test_non_seekable_stream_cut_at_half_is_refused(fmt: str) -> None:
    data = encode(tone(3.0, 16_000), 16_000, fmt)
    with pytest.raises(AudioError) as info:
        decode_audio(NonSeekable(data[: len(data) // 2]))  # type: ignore[arg-type]
    assert info.value.code == "truncated_audio"


def test_video_without_audio_track() -> None:
    with pytest.raises(UnsupportedAudioError, match="no audio track") as info:
        decode_audio(encode_video_only(), name="clip.mp4")
    assert "clip.mp4" in str(info.value)
    assert_readable(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"nope\.ogg") as info:
        decode_audio(tmp_path / "nope.ogg")
    assert info.value.code == "file_not_found"
    assert_readable(info.value)


def test_directory_is_not_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "folder.ogg"
    folder.mkdir()
    with pytest.raises(AudioError) as info:
        decode_audio(folder)
    assert info.value.code == "file_unreadable"
    assert_readable(info.value)


# --- length limit ---------------------------------------------------------------------------------


def test_too_long_by_declared_duration() -> None:
    data = encode(tone(3.0, 16_000), 16_000, "wav")
    with pytest.raises(AudioTooLongError) as info:
        decode_audio(data, max_duration_s=1.0)
    assert info.value.code == "audio_too_long"
    # The WAV header declares its length, so the refusal says how long the file is.
    assert "(3.0 s)" in str(info.value)  # declared duration, known before decoding
    assert "HOMEVOICE_STT__MAX_DURATION_S" in str(info.value)


def test_too_long_found_while_decoding_a_stream_without_declared_duration() -> None:
    data = encode(tone(3.0, 16_000), 16_000, "oga")
    with pytest.raises(AudioTooLongError) as info:
        decode_audio(NonSeekable(data), max_duration_s=1.0)  # type: ignore[arg-type]
    # A stream read once has no declared length: the limit is hit while decoding.
    assert "min)" not in str(info.value)
    assert_readable(info.value)


@pytest.mark.parametrize("make", [lambda d: d, NonSeekable], ids=["bytes", "stream"])
def test_audio_within_the_limit_passes(make: object) -> None:
    data = encode(tone(3.0, 16_000), 16_000, "oga")
    source: BinaryIO | bytes = make(data)  # type: ignore[operator]
    assert decode_audio(source, max_duration_s=3.5).duration == pytest.approx(3.0, abs=0.002)
