"""Chunk transcripts back into one: times shifted to the whole file, segments renumbered."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from homevoice.engines.base import Segment, Transcript, Word


def shift(transcript: Transcript, offset_s: float) -> Transcript:
    """The transcript of a chunk that starts ``offset_s`` into the file, in the file's time."""
    if offset_s == 0:
        return transcript
    return replace(transcript, segments=tuple(_shift_segment(s, offset_s) for s in transcript.segments))


def _shift_segment(segment: Segment, offset_s: float) -> Segment:
    words = tuple(_shift_word(w, offset_s) for w in segment.words)
    return replace(segment, start=segment.start + offset_s, end=segment.end + offset_s, words=words)


def _shift_word(word: Word, offset_s: float) -> Word:
    return replace(word, start=word.start + offset_s, end=word.end + offset_s)


def merge(parts: Sequence[Transcript], duration: float) -> Transcript:
    """One transcript from the chunks in order; the language of the first chunk with speech."""
    segments = tuple(
        replace(segment, id=index) for index, segment in enumerate(s for part in parts for s in part.segments)
    )
    first = next((p for p in parts if p.segments), parts[0] if parts else None)
    return Transcript(
        text=" ".join(s.text.strip() for s in segments if s.text.strip()),
        language=first.language if first else "",
        language_probability=first.language_probability if first else 0.0,
        duration=duration,
        segments=segments,
    )
