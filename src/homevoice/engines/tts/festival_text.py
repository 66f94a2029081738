"""Text as the Russian Festival voice (festvox-ru) can read it.

festvox-ru reads UTF-8 (KOI8-R input fails in its letter-to-sound rules) and knows only Latin and
Russian letters, digits, ``-'?!.,;:()"`` and ``+`` before a vowel to mark stress. Any other
character (« », an em dash, an ellipsis, an accented Latin letter) aborts the whole utterance with
"no rule matches", as do a word made of punctuation alone and a full stop inside a word
("пример.рф"); this module maps them away first.
"""

from __future__ import annotations

import re
import unicodedata

_RUSSIAN = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
_RUSSIAN_VOWELS = frozenset("аеёиоуыэюяАЕЁИОУЫЭЮЯ")
_KNOWN = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + _RUSSIAN
    + _RUSSIAN.upper()
    + "-'?!.,;:()\""
)
_PUNCTUATION = "?!.,;:()\"'"
_WORD = re.compile(r"^([?!.,;:()\"']*)(.*?)([?!.,;:()\"']*)$", re.DOTALL)
_INNER_PUNCTUATION = re.compile(r"[?!.,;:()\"]+")
_SUBSTITUTES = {
    **dict.fromkeys("«»„“”‟″", '"'),
    **dict.fromkeys("‘’‚‛ʼ`´′", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    "…": ".",
}


def festival_text(text: str) -> str:
    """``text`` with every character festvox-ru cannot read replaced, and stress marks it can.

    ``+`` stays only right before a Russian vowel (``з+амок``); words of punctuation alone go, and
    punctuation inside a word splits it.
    """
    chars = [_known_char(ch) for ch in text]
    kept = "".join(
        ch
        for i, ch in enumerate(chars)
        if ch != "+" or (i + 1 < len(chars) and chars[i + 1] in _RUSSIAN_VOWELS)
    )
    return " ".join(word for word in map(_clean_word, kept.split()) if word)


def _known_char(ch: str) -> str:
    if ch in _KNOWN or ch == "+":
        return ch
    if ch in _SUBSTITUTES:
        return _SUBSTITUTES[ch]
    if unicodedata.category(ch).startswith("L"):  # é -> e; but not ² -> 2 or ½ -> 12
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if c in _KNOWN)
        if base:
            return base
    return " "


def _clean_word(word: str) -> str:
    match = _WORD.match(word)
    assert match is not None  # the pattern matches any string
    lead, core, tail = match.groups()
    if not any(ch.isalnum() for ch in core):
        return ""
    return lead + _INNER_PUNCTUATION.sub(" ", core) + tail
