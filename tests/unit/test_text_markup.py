"""Pause markup and stress marks."""

from __future__ import annotations

import pytest

from homevoice.text import Pause, strip_stress
from homevoice.text.markup import split_markup


@pytest.mark.parametrize(
    ("markup", "seconds"),
    [
        ("[pause:1s]", 1.0),
        ("[pause:500ms]", 0.5),
        ("[pause:1.5s]", 1.5),
        ("[pause:1,5s]", 1.5),
        ("[PAUSE: 2 s]", 2.0),
        ("[pause:20s]", 10.0),
        ("[pause:0s]", 0.0),
    ],
)
def test_pause_markup(markup: str, seconds: float) -> None:
    assert split_markup(f"один {markup} два") == ["один ", Pause(seconds), " два"]


@pytest.mark.parametrize("markup", ["[pause:abc]", "[pause:5min]", "[pause:1s", "[pause:-1s]", "[pausa:1s]"])
def test_malformed_markup_stays_text(markup: str) -> None:
    assert split_markup(f"один {markup} два") == [f"один {markup} два"]


def test_markup_only_and_adjacent_pauses() -> None:
    assert split_markup("[pause:1s][pause:2s]") == [Pause(1.0), Pause(2.0)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("з+амок", "замок"),
        ("зам+ок и з+амок", "замок и замок"),
        ("+эхо", "эхо"),
        ("C++ и 2+2", "C++ и 2+2"),
        ("без ударений", "без ударений"),
        ("h+ello", "hello"),
    ],
)
def test_strip_stress(text: str, expected: str) -> None:
    assert strip_stress(text) == expected
