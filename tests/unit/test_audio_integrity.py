"""truncation_problem on hand-built Ogg and WAV bytes, and on real files."""

from __future__ import annotations

import struct

import pytest

from homevoice.audio.integrity import OGG_EOS_FLAG, PROBE_BYTES, truncation_problem
from tests.fakes.media import AUDIO_FORMATS, encode, encode_video_note, tone


def ogg_page(payload: bytes, *, flags: int = 0, sequence: int = 0) -> bytes:
    """One Ogg page (CRC left zero: the check reads structure, not checksums)."""
    lacing = bytearray()
    remaining = len(payload)
    while remaining >= 255:
        lacing.append(255)
        remaining -= 255
    lacing.append(remaining)
    header = (
        b"OggS"
        + bytes([0, flags])
        + struct.pack("<qIII", 0, 1234, sequence, 0)
        + bytes([len(lacing)])
        + bytes(lacing)
    )
    return header + payload


def ogg_stream(*payloads: bytes, eos: bool = True) -> bytes:
    pages = [ogg_page(p, flags=0x02 if i == 0 else 0, sequence=i) for i, p in enumerate(payloads)]
    if eos:
        last = len(payloads) - 1
        pages[-1] = ogg_page(payloads[-1], flags=OGG_EOS_FLAG, sequence=last)
    return b"".join(pages)


def check(data: bytes) -> str | None:
    return truncation_problem(data[:PROBE_BYTES], data[-PROBE_BYTES:], len(data))


def wav(data_size: int, actual_data: bytes, extra_chunks: bytes = b"") -> bytes:
    fmt = struct.pack("<HHIIHH", 1, 1, 16_000, 32_000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra_chunks
    body += b"data" + struct.pack("<I", data_size) + actual_data
    return b"RIFF" + struct.pack("<I", len(body)) + body


# --- Ogg ------------------------------------------------------------------------------------------


def test_complete_ogg_with_end_of_stream_flag_is_fine() -> None:
    data = ogg_stream(b"OpusHead" + bytes(11), b"\x01" * 300, b"\x02" * 40)
    assert check(data) is None


def test_ogg_with_a_single_page_is_fine() -> None:
    assert check(ogg_stream(b"x" * 10)) is None


def test_ogg_without_end_of_stream_flag() -> None:
    data = ogg_stream(b"OpusHead" + bytes(11), b"\x01" * 300, eos=False)
    assert check(data) == "the Ogg stream has no end marker"


@pytest.mark.parametrize("missing", [1, 50, 299])
def test_ogg_last_page_cut_in_its_payload(missing: int) -> None:
    data = ogg_stream(b"OpusHead" + bytes(11), b"\x01" * 300)
    assert check(data[:-missing]) == "its last Ogg page is incomplete"


def test_ogg_last_page_cut_in_its_header_or_lacing() -> None:
    first = ogg_page(b"OpusHead" + bytes(11), flags=0x02)
    last = ogg_page(b"\x01" * 600, flags=OGG_EOS_FLAG, sequence=1)  # 27-byte header + 3 lacing bytes
    for keep in (4, 20, 27, 28):
        assert check(first + last[:keep]) == "its last Ogg page is incomplete", keep


def test_ogg_tail_without_any_page_start() -> None:
    head = ogg_page(b"OpusHead" + bytes(11), flags=0x02)
    data = head + b"\x07" * (PROBE_BYTES + 10)  # junk longer than the probe: no "OggS" in the tail
    assert check(data) == "its last Ogg page is incomplete"


def test_complete_ogg_whose_last_payload_contains_the_capture_pattern() -> None:
    data = ogg_stream(b"OpusHead" + bytes(11), b"\x01" * 10 + b"OggS" + bytes(40))
    assert check(data) is None


# --- WAV ------------------------------------------------------------------------------------------


def test_complete_wav_is_fine() -> None:
    assert check(wav(3200, bytes(3200))) is None


def test_wav_data_chunk_larger_than_the_file() -> None:
    assert check(wav(3200, bytes(1600))) == "the WAV data is shorter than its header says"
    assert check(wav(3200, bytes(3199))) == "the WAV data is shorter than its header says"


def test_wav_found_after_other_chunks() -> None:
    listing = b"LIST" + struct.pack("<I", 5) + b"INFOx" + b"\x00"  # odd size: one pad byte
    assert check(wav(3200, bytes(3200), listing)) is None
    assert check(wav(3200, bytes(100), listing)) == "the WAV data is shorter than its header says"


@pytest.mark.parametrize("size", [0, 0xFFFFFFFF])
def test_streamed_wav_without_a_length_is_fine(size: int) -> None:
    assert check(wav(size, bytes(1000))) is None


def test_wav_with_trailing_chunks_after_data_is_fine() -> None:
    assert check(wav(3200, bytes(3200)) + b"id3 " + struct.pack("<I", 4) + b"tags") is None


def test_riff_that_is_not_wave_is_not_checked() -> None:
    data = b"RIFF" + struct.pack("<I", 1000) + b"AVI " + b"data" + struct.pack("<I", 999_999)
    assert check(data) is None


@pytest.mark.parametrize(
    "data",
    [b"", b"ID3\x04" + bytes(100), b"fLaC" + bytes(100), b"\x1aE\xdf\xa3" + bytes(100), b"random bytes"],
    ids=["empty", "mp3", "flac", "webm", "text"],
)
def test_other_formats_are_not_judged(data: bytes) -> None:
    assert check(data) is None


# --- real files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", list(AUDIO_FORMATS))
def test_real_complete_files_are_fine(fmt: str) -> None:
    assert check(encode(tone(1.0, 16_000), 16_000, fmt)) is None


def test_real_webm_video_note_is_fine() -> None:
    assert check(encode_video_note(tone(1.0, 16_000), 16_000, "webm")) is None


@pytest.mark.parametrize("fmt", ["oga", "wav"])
def test_real_files_cut_short_are_flagged(fmt: str) -> None:
    data = encode(tone(2.0, 16_000), 16_000, fmt)
    assert check(data[: len(data) * 2 // 3]) is not None


def test_real_long_ogg_beyond_the_probe_window() -> None:
    data = encode(tone(30.0, 16_000), 16_000, "oga")
    assert len(data) > 2 * PROBE_BYTES
    assert check(data) is None
    assert check(data[:-100]) is not None
