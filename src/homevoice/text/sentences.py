"""Split text into sentences without breaking at abbreviations, initials, decimals or dialogue.

A line break always ends a sentence. Inside a line a sentence ends at ".", "!", "?", "…" (with any
closing quotes or brackets) when what follows starts a new sentence: not a lowercase word, and not
a dash followed by one ("«Куда?» — спросил он").
"""

from __future__ import annotations

import re
from typing import Final

from homevoice.text.language import resolve_language
from homevoice.text.spans import after, before

_END: Final = re.compile(r"([.!?…]+)([\"»”“'’)\]]*)(?=\s|$)")
_TAIL: Final = re.compile(r"(?<![\w.])((?:[^\W\d_]\.\s?)*[^\W\d_]+)$")
_NEVER_END: Final = frozenset(
    # Russian
    [
        "т.е",
        "т.к",
        "т.н",
        "т.ч",
        "ул",
        "им",
        "проф",
        "акад",
        "см",
        "рис",
        "стр",
        "напр",
        "ок",
        "тел",
        "кв",
        "просп",
        "пер",
        "обл",
        "гл",
        "ст",
        "ср",
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "mt",
        "vs",
        "e.g",
        "i.e",
        "approx",
        "fig",
        "cf",
        "ca",
        "gen",
        "col",
        "capt",
        "sgt",
        "lt",
        "rev",
        "hon",
        "gov",
        "sen",
        "rep",
    ]
)
_BEFORE_NUMBER: Final = frozenset(
    [
        "no",
        "д",
        "п",
        "ч",
        "с",
        "рис",
        "стр",
        "vol",
        "ch",
        "pp",
        "p",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_TERMINAL_PAIRS: Final = frozenset({"т.д", "т.п", "н.э"})


def _abbreviation(before: str) -> str:
    """The word before a dot, with multi-part abbreviations compacted: "и т. е" -> "т.е"."""
    found = _TAIL.search(before)
    return found.group(1).replace(" ", "") if found else ""


def _ends_at_dot(before: str, following: str) -> bool:
    word = _abbreviation(before)
    lowered = word.lower()
    if not word or lowered in _NEVER_END:
        return not word
    if following[0].isdigit() and lowered in _BEFORE_NUMBER:
        return False
    letters = word.split(".")
    if all(len(part) == 1 and part.isupper() for part in letters):
        return False  # initials: "А. С. Пушкин", "J. R. R. Tolkien"
    if len(letters) > 1:
        return lowered[-3:] in _TERMINAL_PAIRS or lowered not in ("т.е", "т.к", "e.g", "i.e")
    if len(word) == 1:
        return lowered == "г" and bool(re.search(r"\d\s*г$", before))
    return True


def _is_boundary(line: str, match: re.Match[str]) -> bool:
    following = after(line, match.end()).lstrip()
    if not following:
        return False
    if following[0] in "—–-":
        after_dash = following.lstrip("—–- ")
        return not after_dash or not after_dash[0].islower()
    if following[0].islower():
        return False
    if match.group(1) != "." or match.group(2):
        return True
    return _ends_at_dot(before(line, match.start()), following)


def _split_line(line: str) -> list[str]:
    sentences, start = [], 0
    for match in _END.finditer(line):
        if _is_boundary(line, match):
            sentences.append(line[start : match.end()].strip())
            start = match.end()
    sentences.append(line[start:].strip())
    return [sentence for sentence in sentences if sentence]


def split_sentences(text: str, language: str) -> list[str]:
    """split_sentences("Привет. Как дела?", "ru") == ["Привет.", "Как дела?"]."""
    resolve_language(language)
    return [sentence for line in re.split(r"[\r\n\u2028\u2029]+", text) for sentence in _split_line(line)]
