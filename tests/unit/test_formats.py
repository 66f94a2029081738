"""Transcript rendering: timestamps, SRT, WebVTT, OpenAI JSON shapes."""

from __future__ import annotations

import json

import pytest

from homevoice.engines.base import Segment, Transcript, Word
from homevoice.formats.transcript import (
    TranscriptFormat,
    render,
    timestamp,
    to_srt,
    to_vtt,
    verbose_json,
)

TWO = Transcript(
    text="Hello there. General Kenobi!",
    language="en",
    duration=4.25,
    segments=(
        Segment(0, 0.0, 1.5, " Hello there.", avg_logprob=-0.25, no_speech_prob=0.01),
        Segment(1, 1.5, 3661.5, " General Kenobi!", compression_ratio=1.2, temperature=0.2),
    ),
)

WITH_WORDS = Transcript(
    text="Hi you",
    language="en",
    duration=1.0,
    segments=(
        Segment(
            0,
            0.0,
            1.0,
            "Hi you",
            words=(Word(0.0, 0.4, " Hi", 0.9), Word(0.5, 0.9996, " you", 0.8)),
        ),
    ),
)


@pytest.mark.parametrize(
    ("seconds", "srt", "vtt"),
    [
        (0, "00:00:00,000", "00:00:00.000"),
        (0.001, "00:00:00,001", "00:00:00.001"),
        (1.5, "00:00:01,500", "00:00:01.500"),
        (59.9995, "00:01:00,000", "00:01:00.000"),
        (59.9994, "00:00:59,999", "00:00:59.999"),
        (3661.5, "01:01:01,500", "01:01:01.500"),
        (36000.0, "10:00:00,000", "10:00:00.000"),
        (-0.5, "00:00:00,000", "00:00:00.000"),
    ],
)
def test_timestamp(seconds: float, srt: str, vtt: str) -> None:
    assert timestamp(seconds, ",") == srt
    assert timestamp(seconds, ".") == vtt


def test_srt_rendering() -> None:
    assert to_srt(TWO) == (
        "1\n00:00:00,000 --> 00:00:01,500\nHello there.\n"
        "\n"
        "2\n00:00:01,500 --> 01:01:01,500\nGeneral Kenobi!\n"
    )


def test_vtt_rendering() -> None:
    assert to_vtt(TWO) == (
        "WEBVTT\n"
        "\n"
        "00:00:00.000 --> 00:00:01.500\nHello there.\n"
        "\n"
        "00:00:01.500 --> 01:01:01.500\nGeneral Kenobi!\n"
    )


def test_empty_transcript_renders_valid_empty_files() -> None:
    empty = Transcript(text="", language="en", duration=0.0, segments=())
    assert to_srt(empty) == ""
    assert to_vtt(empty) == "WEBVTT\n\n"
    assert verbose_json(empty)["segments"] == []
    assert "words" not in verbose_json(empty)


def test_cue_text_cannot_end_a_cue_or_fake_a_timing_line() -> None:
    tricky = Transcript(
        text="",
        language="en",
        duration=2.0,
        segments=(Segment(0, 0.0, 2.0, "  first line --> not timing\n\n\n   second line  \n"),),
    )
    for rendered in (to_srt(tricky), to_vtt(tricky)):
        body = rendered.split("\n")
        timing = [line for line in body if "-->" in line]
        assert len(timing) == 1, rendered
        assert "first line -> not timing\nsecond line\n" in rendered
        assert "\n\n\n" not in rendered
    assert to_srt(tricky) == "1\n00:00:00,000 --> 00:00:02,000\nfirst line -> not timing\nsecond line\n"


@pytest.mark.parametrize("arrow", ["--->", "---->"])
def test_longer_arrows_in_cue_text_are_made_safe(arrow: str) -> None:
    tricky = Transcript(
        text="", language="en", duration=1.0, segments=(Segment(0, 0.0, 1.0, f"a {arrow} b"),)
    )
    for rendered in (to_srt(tricky), to_vtt(tricky)):
        assert sum("-->" in line for line in rendered.splitlines()) == 1, rendered


def test_verbose_json_shape() -> None:
    body = verbose_json(TWO, task="translate")
    assert body == {
        "task": "translate",
        "language": "en",
        "duration": 4.25,
        "text": "Hello there. General Kenobi!",
        "segments": [
            {
                "id": 0,
                "start": 0.0,
                "end": 1.5,
                "text": " Hello there.",
                "temperature": 0.0,
                "avg_logprob": -0.25,
                "compression_ratio": 0.0,
                "no_speech_prob": 0.01,
            },
            {
                "id": 1,
                "start": 1.5,
                "end": 3661.5,
                "text": " General Kenobi!",
                "temperature": 0.2,
                "avg_logprob": 0.0,
                "compression_ratio": 1.2,
                "no_speech_prob": 0.0,
            },
        ],
    }
    assert "words" not in body


def test_verbose_json_words_only_when_present_and_rounded() -> None:
    body = verbose_json(WITH_WORDS)
    assert body["task"] == "transcribe"
    assert body["words"] == [
        {"word": " Hi", "start": 0.0, "end": 0.4, "probability": 0.9},
        {"word": " you", "start": 0.5, "end": 1.0, "probability": 0.8},
    ]
    assert "words" not in body["segments"][0]


def test_verbose_json_rounds_times_to_milliseconds() -> None:
    odd = Transcript(text="x", language="ru", duration=1.23456, segments=(Segment(0, 0.12345, 1.00049, "x"),))
    body = verbose_json(odd)
    assert body["duration"] == 1.235
    assert body["segments"][0]["start"] == 0.123
    assert body["segments"][0]["end"] == 1.0


def test_render_every_format() -> None:
    rendered = {fmt: render(TWO, fmt) for fmt in TranscriptFormat}
    assert set(rendered) == {
        TranscriptFormat.TEXT,
        TranscriptFormat.SRT,
        TranscriptFormat.VTT,
        TranscriptFormat.JSON,
        TranscriptFormat.VERBOSE_JSON,
    }
    assert rendered[TranscriptFormat.TEXT] == "Hello there. General Kenobi!\n"
    assert rendered[TranscriptFormat.SRT] == to_srt(TWO)
    assert rendered[TranscriptFormat.VTT] == to_vtt(TWO)
    assert rendered[TranscriptFormat.JSON] == '{"text": "Hello there. General Kenobi!"}\n'
    assert rendered[TranscriptFormat.VERBOSE_JSON].endswith("\n")
    assert json.loads(rendered[TranscriptFormat.VERBOSE_JSON]) == verbose_json(TWO)


def test_render_keeps_non_ascii_text_readable() -> None:
    russian = Transcript(
        text="Привет, мир", language="ru", duration=1.0, segments=(Segment(0, 0, 1, "Привет, мир"),)
    )
    assert render(russian, TranscriptFormat.JSON) == '{"text": "Привет, мир"}\n'
    verbose = render(russian, TranscriptFormat.VERBOSE_JSON, task="translate")
    assert "Привет, мир" in verbose
    assert json.loads(verbose)["task"] == "translate"


@pytest.mark.parametrize(
    ("value", "fmt"), [("txt", "TEXT"), ("srt", "SRT"), ("verbose_json", "VERBOSE_JSON")]
)
def test_format_values_are_the_cli_and_api_names(value: str, fmt: str) -> None:
    assert TranscriptFormat(value) is TranscriptFormat[fmt]
