"""Render a ``Transcript`` for people and programs: text, SRT, WebVTT, OpenAI JSON shapes.

Formatting lives at the edge; engines only return ``Transcript``.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

from homevoice.engines.base import Segment, Transcript, Word

_ARROW = re.compile(r"-{2,}>")


class TranscriptFormat(StrEnum):
    TEXT = "txt"
    SRT = "srt"
    VTT = "vtt"
    JSON = "json"
    VERBOSE_JSON = "verbose_json"


def timestamp(seconds: float, separator: str) -> str:
    """``HH:MM:SS<sep>mmm``; SRT uses a comma, WebVTT a dot."""
    millis = max(0, round(seconds * 1000))
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def to_srt(transcript: Transcript) -> str:
    blocks = [
        f"{i}\n{timestamp(s.start, ',')} --> {timestamp(s.end, ',')}\n{_cue_text(s)}\n"
        for i, s in enumerate(transcript.segments, start=1)
    ]
    return "\n".join(blocks)


def to_vtt(transcript: Transcript) -> str:
    cues = [
        f"{timestamp(s.start, '.')} --> {timestamp(s.end, '.')}\n{_cue_text(s)}\n"
        for s in transcript.segments
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def _cue_text(segment: Segment) -> str:
    # A blank line ends a cue in both formats, and "-->" would be read as timing.
    lines = [line.strip() for line in _ARROW.sub("->", segment.text).splitlines()]
    return "\n".join(line for line in lines if line)


def verbose_json(transcript: Transcript, task: str = "transcribe") -> dict[str, Any]:
    """OpenAI's ``verbose_json`` shape."""
    body: dict[str, Any] = {
        "task": task,
        "language": transcript.language,
        "duration": round(transcript.duration, 3),
        "text": transcript.text,
        "segments": [_segment_json(s) for s in transcript.segments],
    }
    words = transcript.words
    if words:
        body["words"] = [_word_json(w) for w in words]
    return body


def _segment_json(segment: Segment) -> dict[str, Any]:
    return {
        "id": segment.id,
        "start": round(segment.start, 3),
        "end": round(segment.end, 3),
        "text": segment.text,
        "temperature": segment.temperature,
        "avg_logprob": segment.avg_logprob,
        "compression_ratio": segment.compression_ratio,
        "no_speech_prob": segment.no_speech_prob,
    }


def _word_json(word: Word) -> dict[str, Any]:
    return {
        "word": word.text,
        "start": round(word.start, 3),
        "end": round(word.end, 3),
        "probability": word.probability,
    }


def render(transcript: Transcript, fmt: TranscriptFormat | str, task: str = "transcribe") -> str:
    fmt = TranscriptFormat(fmt)
    if fmt is TranscriptFormat.TEXT:
        return transcript.text + "\n"
    if fmt is TranscriptFormat.SRT:
        return to_srt(transcript)
    if fmt is TranscriptFormat.VTT:
        return to_vtt(transcript)
    if fmt is TranscriptFormat.JSON:
        return json.dumps({"text": transcript.text}, ensure_ascii=False) + "\n"
    return json.dumps(verbose_json(transcript, task), ensure_ascii=False, indent=2) + "\n"
