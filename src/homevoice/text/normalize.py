"""Normalise text for speech in one language: the user's lexicon first, then numbers and the rest."""

from __future__ import annotations

from homevoice.text.language import resolve_language
from homevoice.text.lexicon import Lexicon
from homevoice.text.normalize_en import normalize_en
from homevoice.text.normalize_ru import normalize_ru


def normalize(text: str, language: str, lexicon: Lexicon | None = None) -> str:
    """normalize("в 2024 году", "ru") == "в две тысячи двадцать четвёртом году"."""
    code = resolve_language(language)
    if lexicon is not None:
        text = lexicon.apply(text)
    return normalize_ru(text) if code == "ru" else normalize_en(text)
