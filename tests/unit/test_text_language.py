"""detect_language: Cyrillic letters against Latin ones, nothing cleverer."""

from __future__ import annotations

import pytest

from homevoice.text import detect_language


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Привет, мир", "ru"),
        ("Hello, world", "en"),
        ("Купил новый iPhone", "ru"),
        ("Это iPhone 15 Pro Max", "en"),
        ("Ёлка", "ru"),
        ("", "en"),
        ("123 456", "en"),
        ("!!!", "en"),
        ("ab вг", "en"),
        ("abc где", "en"),
        ("ab где", "ru"),
    ],
)
def test_detect_language(text: str, expected: str) -> None:
    assert detect_language(text) == expected
