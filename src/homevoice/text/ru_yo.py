"""Restore ё in a few very common Russian words where writing е leaves no doubt ("еще" -> "ещё").

Deliberately conservative: "все/всё", "берет/берёт", "узнает/узнаёт" stay as written, and a word
the user wrote with ё (or with a '+' stress mark) is never touched.
"""

from __future__ import annotations

import re
from typing import Final

_WORDS: Final = [
    "ещё",
    "её",
    "неё",
    "моё",
    "твоё",
    "своё",
    "идёт",
    "идём",
    "придёт",
    "пойдёт",
    "найдёт",
    "живёт",
    "даёт",
    "поёт",
    "несёт",
    "ведёт",
    "везёт",
    "пришёл",
    "ушёл",
    "нашёл",
    "пошёл",
    "зашёл",
    "шёл",
    "прошёл",
    "вошёл",
    "подошёл",
    "чёрный",
    "жёлтый",
    "зелёный",
    "лёгкий",
    "тяжёлый",
    "весёлый",
    "тёплый",
    "тёмный",
    "четвёртый",
    "трёх",
    "четырёх",
    "самолёт",
    "полёт",
    "счёт",
    "отчёт",
    "учёт",
    "расчёт",
    "ребёнок",
    "ёлка",
    "ёж",
    "лёд",
    "вперёд",
    "актёр",
    "ковёр",
    "берёза",
]
_RESTORED: Final = {word.replace("ё", "е"): word for word in _WORDS}
_PATTERN: Final = re.compile(
    r"(?<![\w+])(" + "|".join(sorted(_RESTORED, key=len, reverse=True)) + r")(?![\w+])", re.IGNORECASE
)


def _restore(match: re.Match[str]) -> str:
    written = match.group()
    restored = _RESTORED[written.lower()]
    return "".join(r.upper() if w.isupper() else r for w, r in zip(written, restored, strict=True))


def restore_yo(text: str) -> str:
    """restore_yo("Еще не вечер") == "Ещё не вечер"."""
    return _PATTERN.sub(_restore, text)
