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
    last = tail.rfind(b"OggS")
    if last < 0 or len(tail) - last < 27:
        return "its last Ogg page is incomplete"
    header_type = tail[last + 5]
    segments = tail[last + 26]
    lacing = tail[last + 27 : last + 27 + segments]
    page_end = last + 27 + segments + sum(lacing)
    if len(lacing) < segments or page_end > len(tail):
        return "its last Ogg page is incomplete"
    if not header_type & OGG_EOS_FLAG:
        return "the Ogg stream has no end marker"
    return None


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
