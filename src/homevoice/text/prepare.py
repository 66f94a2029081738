"""Turn raw text into a Script: pauses, then sentences, normalised, cut to the engine's size."""

from __future__ import annotations

import re

from homevoice.errors import HomevoiceError
from homevoice.text.chunks import split_long
from homevoice.text.language import detect_language, resolve_language
from homevoice.text.lexicon import Lexicon
from homevoice.text.markup import split_markup, strip_markup
from homevoice.text.normalize import normalize
from homevoice.text.script import Pause, Script, Utterance
from homevoice.text.sentences import split_sentences

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""Control characters: nothing to say, and a NUL breaks the engines' C strings."""


def _empty() -> HomevoiceError:
    return HomevoiceError("There is no text to speak; send some words.", code="empty_text")


def _speakable(text: str) -> bool:
    return any(char.isalnum() for char in text)


def prepare(
    text: str,
    *,
    language: str | None = None,
    lexicon: Lexicon | None = None,
    max_chars: int = 400,
) -> Script:
    """Prepare ``text`` for a speech engine.

    ``[pause:1s]``-style markup becomes Pause parts (clamped to 0..10 s); the rest is split into
    sentences, each normalised (lexicon, numbers, abbreviations) and cut at clause boundaries, then
    spaces, to at most ``max_chars``. Parts with nothing to say are dropped. ``language`` ("ru" or
    "en") is detected when left out. Empty text is an ``empty_text`` error.
    """
    text = _CONTROL.sub(" ", text)
    if not text.strip():
        raise _empty()
    code = resolve_language(language) if language else detect_language(strip_markup(text))
    parts: list[Utterance | Pause] = []
    for piece in split_markup(text):
        if isinstance(piece, Pause):
            if piece.seconds > 0:
                parts.append(piece)
            continue
        for sentence in split_sentences(piece, code):
            spoken = normalize(sentence, code, lexicon)
            parts += [Utterance(chunk) for chunk in split_long(spoken, max_chars) if _speakable(chunk)]
    if not parts:
        raise _empty()
    return Script(code, tuple(parts))
