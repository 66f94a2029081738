"""Detect files cut short in containers whose decoders happily return the part that arrived.

An Ogg or WAV upload interrupted half way still decodes, silently losing the rest; the container
structure says how long it should have been. Pure functions over the file's head and tail bytes.
"""

from __future__ import annotations

import struct

OGG_EOS_FLAG = 0x04
PROBE_BYTES = 64 * 1024


def truncation_problem(head: bytes, tail: bytes, size: int) -> str | None:
    """Why the file looks truncated, or None. ``tail`` ends at byte ``size``."""
    if head.startswith(b"OggS"):
        return _ogg_problem(tail)
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return _wav_problem(head, size)
    return None


def _ogg_problem(tail: bytes) -> str | None:
    # The last page is the one that ends exactly at the end of the file; "OggS" can also occur
    # inside packet data, so each earlier match is only a candidate.
    last = tail.rfind(b"OggS")
    while last >= 0:
        if _ogg_page_end(tail, last) == len(tail):
            return None if tail[last + 5] & OGG_EOS_FLAG else "the Ogg stream has no end marker"
        last = tail.rfind(b"OggS", 0, last)
    return "its last Ogg page is incomplete"


def _ogg_page_end(data: bytes, start: int) -> int | None:
    header_end = start + 27
    if header_end > len(data) or data[start + 4] != 0:  # stream structure version is always 0
        return None
    segments = data[start + 26]
    lacing = data[header_end : header_end + segments]
    if len(lacing) < segments:
        return None
    return header_end + segments + sum(lacing)


def _wav_problem(head: bytes, size: int) -> str | None:
    offset = 12
    while offset + 8 <= len(head):
        chunk_id = head[offset : offset + 4]
        (chunk_size,) = struct.unpack_from("<I", head, offset + 4)
        if chunk_id == b"data":
            # 0 and 0xFFFFFFFF mark streamed WAV whose writer never knew the length.
            if chunk_size in (0, 0xFFFFFFFF):
                return None
            expected_end = offset + 8 + chunk_size
            return "the WAV data is shorter than its header says" if expected_end > size else None
        offset += 8 + chunk_size + (chunk_size & 1)
    return None
