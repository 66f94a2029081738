"""Which language a text is in, cheaply and deterministically, and which ones we support."""

from __future__ import annotations

from typing import Final

from homevoice.errors import HomevoiceError

SUPPORTED_LANGUAGES: Final = ("ru", "en")


def detect_language(text: str) -> str:
    """Return "ru" when Cyrillic letters outnumber Latin ones, else "en" (also for text with no letters)."""
    cyrillic = latin = 0
    for char in text:
        if "а" <= char.lower() <= "я" or char in "ёЁ":
            cyrillic += 1
        elif "a" <= char.lower() <= "z":
            latin += 1
    return "ru" if cyrillic > latin else "en"


def resolve_language(language: str) -> str:
    """Accept "ru", "RU", "ru-RU", "en_US"...; anything else is an ``unsupported_language`` error."""
    code = language.strip().replace("_", "-").split("-")[0].lower()
    if code not in SUPPORTED_LANGUAGES:
        raise HomevoiceError(
            f"The text front end speaks {' and '.join(SUPPORTED_LANGUAGES)}, not {language!r}; "
            "pass one of those or leave the language out to detect it.",
            code="unsupported_language",
        )
    return code
