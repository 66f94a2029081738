"""Encoders for synthesised speech, with the real codecs: every format decodes back to the same tone."""

from __future__ import annotations

import io
import logging
import struct
import wave
from pathlib import Path

import av
import numpy as np
import pytest
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.audio.encode import (
    MEDIA_TYPES,
    AudioFormat,
    StreamEncoder,
    encode,
    format_for_path,
    output_rate,
)
from homevoice.audio.integrity import truncation_problem
from homevoice.errors import HomevoiceError
from tests.fakes.media import tone

PIPER_RATE = 22_050
FESTIVAL_RATE = 16_000
FREQ = 440.0
AMPLITUDE = 0.3
DURATION_TOLERANCE_S = 0.05
# The pieces a TTS engine would hand over sentence by sentence.
SENTENCE_CHUNKS = (0.7, 0.05, 1.3)

# (format, container) pairs: AAC also goes into m4a, the others have one container each.
TARGETS = [
    *[pytest.param(fmt, None, id=str(fmt)) for fmt in AudioFormat],
    pytest.param(AudioFormat.AAC, "ipod", id="aac-ipod"),
    pytest.param(AudioFormat.AAC, "mp4", id="aac-mp4"),
]
DECODED_CODEC = {
    AudioFormat.OPUS: "opus",
    AudioFormat.MP3: "mp3float",
    AudioFormat.AAC: "aac",
    AudioFormat.FLAC: "flac",
    AudioFormat.WAV: "pcm_s16le",
}


def expected_seconds(
    fmt: AudioFormat, container: str | None, streaming: bool, rate: int, seconds: float
) -> float:
    """How long the decoded audio is: the input plus what the codec adds and the container cannot remove.

    Ogg/Opus trims its pre-skip and end padding by granule positions, a whole MP3 by its LAME header.
    AAC primes with 1024 samples and pads its last 1024-sample frame; only a whole m4a's edit list
    skips the priming. A streamed MP3 has no LAME header, so its encoder delay is played.
    """
    out = output_rate(fmt, rate)
    samples = round(seconds * out)
    if fmt is AudioFormat.AAC:
        frames = -(-(samples + 1024) // 1024)
        primed = 0 if container in ("ipod", "mp4") and not streaming else 1024
        return (frames * 1024 - 1024 + primed) / out
    if fmt is AudioFormat.MP3 and streaming:
        return (samples + 576 + 529) / out  # LAME's delay and the decoder's, plus padding up to 576
    return seconds


def dominant_frequency(samples: NDArray[np.float32], rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(samples * np.hanning(len(samples))))
    return float(np.argmax(spectrum)) * rate / len(samples)


def rms(samples: NDArray[np.float32]) -> float:
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def pcm_samples(data: bytes) -> NDArray[np.float32]:
    return (np.frombuffer(data, dtype="<i2") / 32768.0).astype(np.float32)


def stream(
    fmt: AudioFormat, rate: int, pieces: list[NDArray[np.float32]], container: str | None = None
) -> tuple[list[bytes], bytes]:
    """What each write returned, and what close returned."""
    encoder = StreamEncoder(fmt, rate, container=container)
    written = [encoder.write(piece) for piece in pieces]
    return written, encoder.close()


def split(samples: NDArray[np.float32], rate: int, seconds: tuple[float, ...]) -> list[NDArray[np.float32]]:
    edges = np.cumsum([int(s * rate) for s in seconds])[:-1]
    return list(np.split(samples, edges))


def pyav_seconds(data: bytes) -> float:
    """Decode as much as PyAV can read, which for a cut stream is the part that arrived."""
    with av.open(io.BytesIO(data), mode="r") as container:
        audio = container.streams.audio[0]
        samples = 0
        try:
            for frame in container.decode(audio):
                samples += frame.samples
        except av.FFmpegError:
            pass  # the stream ends mid-packet: what was decoded so far counts
        return samples / audio.codec_context.sample_rate


def assert_tone(fmt: AudioFormat, data: bytes, seconds: float) -> None:
    if fmt is AudioFormat.PCM:
        samples, rate = pcm_samples(data), 24_000
    else:
        decoded = decode_audio(data)
        samples, rate = decoded.samples, SAMPLE_RATE
        assert decoded.source_codec == DECODED_CODEC[fmt]
        assert decoded.source_channels == 1
    assert abs(len(samples) / rate - seconds) <= DURATION_TOLERANCE_S, len(samples) / rate
    assert dominant_frequency(samples, rate) == pytest.approx(FREQ, abs=2.0)
    assert rms(samples) == pytest.approx(AMPLITUDE / np.sqrt(2), rel=0.15)
    assert float(np.max(np.abs(samples))) <= 1.0


# --- choosing formats -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("reply.ogg", AudioFormat.OPUS),
        ("reply.oga", AudioFormat.OPUS),
        ("reply.opus", AudioFormat.OPUS),
        ("REPLY.OGG", AudioFormat.OPUS),
        ("reply.mp3", AudioFormat.MP3),
        ("reply.aac", AudioFormat.AAC),
        ("reply.m4a", AudioFormat.AAC),
        ("reply.flac", AudioFormat.FLAC),
        ("reply.wav", AudioFormat.WAV),
        ("reply.pcm", AudioFormat.PCM),
        ("reply.raw", AudioFormat.PCM),
        ("archive.tar.wav", AudioFormat.WAV),
    ],
)
def test_format_for_path(name: str, fmt: AudioFormat) -> None:
    assert format_for_path(Path(name)) is fmt


@pytest.mark.parametrize("name", ["reply.webm", "reply", "notes.txt"])
def test_format_for_unknown_path_lists_the_choices(name: str) -> None:
    with pytest.raises(HomevoiceError) as info:
        format_for_path(Path(name))
    assert info.value.code == "unsupported_format"
    assert name in str(info.value)
    for suffix in (".ogg", ".mp3", ".m4a", ".flac", ".wav", ".pcm"):
        assert suffix in str(info.value)


def test_every_format_has_a_media_type() -> None:
    assert set(MEDIA_TYPES) == set(AudioFormat)
    assert MEDIA_TYPES[AudioFormat.OPUS] == "audio/ogg"
    assert StreamEncoder(AudioFormat.AAC, PIPER_RATE).media_type == "audio/aac"
    assert StreamEncoder(AudioFormat.AAC, PIPER_RATE, container="ipod").media_type == "audio/mp4"


@pytest.mark.parametrize(
    ("fmt", "rate", "expected"),
    [
        (AudioFormat.OPUS, PIPER_RATE, 48_000),
        (AudioFormat.OPUS, 48_000, 48_000),
        (AudioFormat.PCM, FESTIVAL_RATE, 24_000),
        (AudioFormat.PCM, 48_000, 24_000),
        (AudioFormat.MP3, PIPER_RATE, PIPER_RATE),
        (AudioFormat.MP3, 96_000, 24_000),
        (AudioFormat.AAC, FESTIVAL_RATE, FESTIVAL_RATE),
        (AudioFormat.AAC, 7_000, 24_000),
        (AudioFormat.FLAC, 7_000, 7_000),
        (AudioFormat.WAV, PIPER_RATE, PIPER_RATE),
    ],
)
def test_output_rate(fmt: AudioFormat, rate: int, expected: int) -> None:
    assert output_rate(fmt, rate) == expected


def test_a_container_that_does_not_fit_the_format_is_refused() -> None:
    with pytest.raises(HomevoiceError) as info:
        StreamEncoder(AudioFormat.OPUS, PIPER_RATE, container="ipod")
    assert info.value.code == "unsupported_format"
    assert "ogg" in str(info.value)


# --- round trips ----------------------------------------------------------------------------------


@pytest.mark.parametrize("rate", [PIPER_RATE, FESTIVAL_RATE])
@pytest.mark.parametrize(("fmt", "container"), TARGETS)
def test_one_shot_file_decodes_to_the_same_tone(fmt: AudioFormat, container: str | None, rate: int) -> None:
    data = encode(tone(1.0, rate, FREQ, AMPLITUDE), rate, fmt, container=container)
    assert_tone(fmt, data, expected_seconds(fmt, container, False, rate, 1.0))


@pytest.mark.parametrize("rate", [PIPER_RATE, FESTIVAL_RATE])
@pytest.mark.parametrize(("fmt", "container"), TARGETS)
def test_streamed_pieces_join_into_a_valid_file(fmt: AudioFormat, container: str | None, rate: int) -> None:
    pieces = split(tone(sum(SENTENCE_CHUNKS), rate, FREQ, AMPLITUDE), rate, SENTENCE_CHUNKS)
    written, tail = stream(fmt, rate, pieces, container)
    seconds = expected_seconds(fmt, container, True, rate, sum(SENTENCE_CHUNKS))
    assert_tone(fmt, b"".join(written) + tail, seconds)


@pytest.mark.parametrize(("fmt", "container"), TARGETS)
def test_many_small_writes_and_one_big_write_give_the_same_audio(
    fmt: AudioFormat, container: str | None
) -> None:
    samples = tone(1.0, PIPER_RATE, FREQ, AMPLITUDE)
    sizes = np.random.default_rng(3).integers(0, 700, 200)
    pieces = np.split(samples, np.cumsum(sizes)[np.cumsum(sizes) < len(samples)])  # includes empty ones
    small_written, small_tail = stream(fmt, PIPER_RATE, pieces, container)
    big_written, big_tail = stream(fmt, PIPER_RATE, [samples], container)
    small, big = b"".join(small_written) + small_tail, b"".join(big_written) + big_tail
    seconds = expected_seconds(fmt, container, True, PIPER_RATE, 1.0)
    assert_tone(fmt, small, seconds)
    assert_tone(fmt, big, seconds)
    if fmt in (AudioFormat.WAV, AudioFormat.FLAC, AudioFormat.PCM):
        assert small == big  # lossless: chunking changes nothing


# --- streaming ------------------------------------------------------------------------------------

# A client can start playing before the reply is complete: after one sentence of 1 s, the bytes
# already returned decode on their own to most of it. Each format holds back at most one codec
# frame and its muxer's buffer: an Ogg page (0.1 s), an m4a fragment (0.5 s), a FLAC frame
# (4608 samples, 0.2 s at 22.05 kHz).
EARLY_SECONDS = {
    AudioFormat.OPUS: 0.7,
    AudioFormat.MP3: 0.9,
    AudioFormat.AAC: 0.9,
    AudioFormat.FLAC: 0.75,
    AudioFormat.WAV: 1.0,
    AudioFormat.PCM: 0.99,  # the resampler keeps a few samples for its filter
}


@pytest.mark.parametrize(("fmt", "container"), TARGETS)
def test_write_returns_playable_audio_before_close(fmt: AudioFormat, container: str | None) -> None:
    encoder = StreamEncoder(fmt, PIPER_RATE, container=container)
    early = encoder.write(tone(1.0, PIPER_RATE, FREQ, AMPLITUDE))
    expected = EARLY_SECONDS[fmt] if container is None else 0.45
    if fmt is AudioFormat.PCM:
        assert len(early) / 2 / 24_000 >= expected
    else:
        assert pyav_seconds(early) >= expected
    encoder.close()


def test_pcm_is_24k_s16le_whatever_the_input_rate() -> None:
    for rate in (PIPER_RATE, FESTIVAL_RATE, 48_000):
        assert len(encode(tone(1.0, rate), rate, AudioFormat.PCM)) == 2 * 24_000
        written, tail = stream(AudioFormat.PCM, rate, split(tone(2.0, rate), rate, (0.3, 0.3, 1.4)))
        assert len(b"".join(written) + tail) == 2 * 24_000 * 2


def test_ogg_opus_headers_and_granules_are_what_telegram_expects() -> None:
    written, tail = stream(AudioFormat.OPUS, PIPER_RATE, split(tone(2.0, PIPER_RATE), PIPER_RATE, (1.0, 1.0)))
    data = b"".join(written) + tail
    pages = ogg_pages(data)

    first_flags, _, first_packet = pages[0]
    assert first_flags & 0x02  # beginning of stream
    magic, version, channels, pre_skip, input_rate, gain, mapping = struct.unpack_from(
        "<8sBBHIhB", first_packet
    )
    assert (magic, version, channels, input_rate, gain, mapping) == (b"OpusHead", 1, 1, 48_000, 0, 0)
    assert pages[1][2].startswith(b"OpusTags")
    granules = [granule for _, granule, _ in pages[2:]]
    assert granules == sorted(granules)
    assert granules[-1] - pre_skip == 2 * 48_000  # the end trimming that makes the duration exact
    assert pages[-1][0] & 0x04  # end of stream
    assert truncation_problem(data[:65536], data[-65536:], len(data)) is None


def ogg_pages(data: bytes) -> list[tuple[int, int, bytes]]:
    """(header flags, granule position, body) of every page, checking that they tile the stream."""
    pages = []
    offset = 0
    while offset < len(data):
        assert data[offset : offset + 4] == b"OggS"
        flags, granule = data[offset + 5], struct.unpack_from("<q", data, offset + 6)[0]
        segments = data[offset + 26]
        body_start = offset + 27 + segments
        body_size = sum(data[offset + 27 : body_start])
        pages.append((flags, granule, data[body_start : body_start + body_size]))
        offset = body_start + body_size
    return pages


# --- headers of a streamed reply and of a whole file ----------------------------------------------


def test_streamed_wav_has_unknown_sizes_and_a_whole_wav_has_exact_ones() -> None:
    samples = tone(1.0, PIPER_RATE)
    written, tail = stream(AudioFormat.WAV, PIPER_RATE, split(samples, PIPER_RATE, (0.5, 0.5)))
    streamed = b"".join(written) + tail
    assert streamed[4:8] == b"\xff\xff\xff\xff"
    assert streamed[streamed.index(b"data") + 4 :][:4] == b"\xff\xff\xff\xff"
    assert written[0].startswith(b"RIFF")  # the header goes out with the first sentence

    whole = encode(samples, PIPER_RATE, AudioFormat.WAV)
    assert struct.unpack_from("<I", whole, 4)[0] == len(whole) - 8
    with wave.open(io.BytesIO(whole)) as reader:
        assert (reader.getnchannels(), reader.getsampwidth(), reader.getframerate()) == (1, 2, PIPER_RATE)
        assert reader.getnframes() == len(samples)
        frames = np.frombuffer(reader.readframes(len(samples)), dtype="<i2")
    np.testing.assert_allclose(frames / 32768.0, samples, atol=2 / 32768)
    assert streamed[streamed.index(b"data") + 8 :] == whole[whole.index(b"data") + 8 :]


def test_whole_mp3_has_a_gapless_header_and_a_streamed_one_none() -> None:
    samples = tone(1.0, PIPER_RATE)
    assert b"Info" in encode(samples, PIPER_RATE, AudioFormat.MP3)[:512]
    written, tail = stream(AudioFormat.MP3, PIPER_RATE, [samples])
    streamed = b"".join(written) + tail
    assert b"Info" not in streamed[:512]
    assert b"Xing" not in streamed[:512]


@pytest.mark.parametrize("container", ["ipod", "mp4"])
def test_whole_m4a_has_its_index_first_and_a_streamed_one_is_fragmented(container: str) -> None:
    samples = tone(2.0, PIPER_RATE)
    whole = encode(samples, PIPER_RATE, AudioFormat.AAC, container=container)
    assert whole.index(b"moov") < whole.index(b"mdat")  # faststart: playable while downloading
    if container == "ipod":
        assert whole[8:12] == b"M4A "
    written, tail = stream(AudioFormat.AAC, PIPER_RATE, [samples], container)
    streamed = b"".join(written) + tail
    assert streamed.index(b"moov") < streamed.index(b"moof")
    assert streamed.count(b"moof") >= 3


def test_streamed_flac_declares_no_length_and_a_whole_one_does() -> None:
    samples = tone(1.0, PIPER_RATE)
    whole = encode(samples, PIPER_RATE, AudioFormat.FLAC)
    written, tail = stream(AudioFormat.FLAC, PIPER_RATE, [samples])
    assert flac_total_samples(whole) == len(samples)
    assert flac_total_samples(b"".join(written) + tail) == 0


def flac_total_samples(data: bytes) -> int:
    assert data[:4] == b"fLaC"
    streaminfo = data[8:42]
    return int.from_bytes(streaminfo[13:18], "big") & 0xF_FFFF_FFFF


# --- odd input ------------------------------------------------------------------------------------


def test_loud_samples_are_clipped_to_full_scale() -> None:
    data = encode(tone(1.0, PIPER_RATE, amplitude=3.0), PIPER_RATE, AudioFormat.WAV)
    with wave.open(io.BytesIO(data)) as reader:
        frames = np.frombuffer(reader.readframes(reader.getnframes()), dtype="<i2")
    assert int(frames.max()) == 32767
    assert int(frames.min()) <= -32767
    # |3 sin| reaches full scale where |sin| >= 1/3: about 78 % of the time. Wrapped-around
    # integers would instead jump to the opposite sign.
    assert np.mean(np.abs(frames.astype(np.int32)) >= 32767) == pytest.approx(0.78, abs=0.02)


def test_nan_and_infinity_become_silence(caplog: pytest.LogCaptureFixture) -> None:
    samples = tone(1.0, PIPER_RATE)
    broken = samples.copy()
    broken[1000:2000] = np.nan
    broken[5000] = np.inf
    with caplog.at_level(logging.WARNING, logger="homevoice.audio.encode"):
        data = encode(broken, PIPER_RATE, AudioFormat.WAV)
    assert "1001 NaN or infinite samples" in caplog.text
    decoded = np.frombuffer(data[data.index(b"data") + 8 :], dtype="<i2")
    assert not np.any(decoded[1000:2000])
    assert decoded[5000] == 0
    np.testing.assert_allclose(decoded[:1000] / 32768.0, samples[:1000], atol=2 / 32768)
    # A lossy codec takes the same cleaned samples.
    assert decode_audio(encode(broken, PIPER_RATE, AudioFormat.OPUS)).duration == pytest.approx(
        1.0, abs=0.002
    )


@pytest.mark.parametrize(("fmt", "container"), TARGETS)
@pytest.mark.parametrize("streaming", [True, False], ids=["streamed", "whole"])
def test_no_audio_still_gives_a_valid_file(fmt: AudioFormat, container: str | None, streaming: bool) -> None:
    encoder = StreamEncoder(fmt, PIPER_RATE, container=container, streaming=streaming)
    data = encoder.write(np.zeros(0, dtype=np.float32)) + encoder.close()
    if fmt is AudioFormat.PCM:
        assert data == b""
        return
    # Lossless formats hold no samples; a lossy stream needs one packet, so it gets 20 ms of silence.
    assert pyav_seconds(data) <= 0.1
    if fmt in (AudioFormat.OPUS, AudioFormat.MP3, AudioFormat.AAC):
        assert float(np.max(np.abs(decode_audio(data).samples))) < 1e-3
    if fmt is AudioFormat.WAV and not streaming:
        with wave.open(io.BytesIO(data)) as reader:
            assert reader.getnframes() == 0


@pytest.mark.parametrize(
    "samples",
    [
        pytest.param(np.zeros((2, 100), dtype=np.float32), id="stereo"),
        pytest.param(np.zeros(100, dtype=np.int16), id="integers"),
    ],
)
def test_samples_that_are_not_mono_float_are_refused(samples: NDArray[np.float32]) -> None:
    encoder = StreamEncoder(AudioFormat.WAV, PIPER_RATE)
    with pytest.raises(ValueError, match="mono float"):
        encoder.write(samples)


def test_float64_samples_are_accepted() -> None:
    data = encode(tone(1.0, PIPER_RATE).astype(np.float64), PIPER_RATE, AudioFormat.FLAC)  # type: ignore[arg-type]
    assert_tone(AudioFormat.FLAC, data, 1.0)


def test_write_after_close_is_an_error_and_close_twice_is_harmless() -> None:
    encoder = StreamEncoder(AudioFormat.OPUS, PIPER_RATE)
    encoder.write(tone(0.5, PIPER_RATE))
    assert encoder.close()
    assert encoder.close() == b""
    with pytest.raises(ValueError, match="after close"):
        encoder.write(tone(0.5, PIPER_RATE))


@pytest.mark.parametrize("rate", [0, -16_000, 500, 1_000_000])
def test_impossible_sample_rates_are_refused(rate: int) -> None:
    with pytest.raises(ValueError, match="sample_rate"):
        StreamEncoder(AudioFormat.WAV, rate)
