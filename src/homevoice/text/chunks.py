"""Cut a sentence that is too long for an engine: at commas and semicolons first, then at spaces."""

from __future__ import annotations

import re
from typing import Final

_CLAUSE_END: Final = re.compile(r"(?<=[,;:])\s+|\s+(?=[—–]\s)")


def _pack(pieces: list[str], max_chars: int) -> list[str]:
    """Join neighbouring pieces while they fit in ``max_chars``."""
    chunks: list[str] = []
    for piece in pieces:
        if chunks and len(chunks[-1]) + 1 + len(piece) <= max_chars:
            chunks[-1] += " " + piece
        else:
            chunks.append(piece)
    return chunks


def split_long(sentence: str, max_chars: int) -> list[str]:
    """Pieces of ``sentence``, each at most ``max_chars`` long unless one word alone is longer.

    Never cuts inside a word; prefers to cut after ",", ";" or ":" (or before a dash).
    """
    if max_chars < 1:
        raise ValueError(f"max_chars must be positive, not {max_chars}")
    sentence = sentence.strip()
    if len(sentence) <= max_chars:
        return [sentence] if sentence else []
    pieces: list[str] = []
    for clause in _CLAUSE_END.split(sentence):
        pieces += [clause] if len(clause) <= max_chars else _pack(clause.split(), max_chars)
    return _pack(pieces, max_chars)
