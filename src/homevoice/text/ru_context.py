"""What the words around a Russian number say about how to read it.

The preposition before a number governs its case ("с пяти", "к трём", "о двух"); the noun after
it gives gender and, when the preposition allows two cases, picks one ("с двумя друзьями" but
"с пяти до семи"). Everything here is a pure function of the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from homevoice.text import spans
from homevoice.text.ru_grammar import CASES, Case, Gender
from homevoice.text.ru_nouns import Reading, looks_adjectival, lookup, readings

_GENITIVE: Final = (
    "до", "от", "ото", "из", "изо", "около", "после", "без", "безо", "для", "у", "из-за",
    "из-под", "вокруг", "кроме", "среди", "против", "вместо", "возле", "мимо", "свыше", "более",
    "менее", "больше", "меньше", "порядка", "вроде", "накануне", "течение", "продолжение",
    "ради", "сверх", "внутри", "вне", "вдоль", "позади", "близ", "выше", "ниже", "старше",
    "младше", "моложе", "дороже", "дешевле", "начиная", "посредством", "ввиду",
)  # fmt: skip
PREPOSITIONS: Final[dict[str, tuple[Case, ...]]] = {
    **dict.fromkeys(_GENITIVE, ("gen",)),
    **dict.fromkeys(("в", "во", "на"), ("acc", "prep")),
    **dict.fromkeys(("о", "об", "обо"), ("prep", "acc")),
    "при": ("prep",),
    **dict.fromkeys(("с", "со"), ("gen", "ins")),
    **dict.fromkeys(("к", "ко", "благодаря", "согласно", "вопреки", "навстречу"), ("dat",)),
    "по": ("acc", "dat"),
    "за": ("acc", "ins"),
    **dict.fromkeys(("через", "про", "сквозь", "спустя"), ("acc",)),
    **dict.fromkeys(("над", "надо", "под", "подо", "перед", "передо", "между", "меж"), ("ins",)),
}
_STOP_WORDS: Final = frozenset({"и", "или", "а", "но", "да", "что", "как", "не", "ни", "же", "ли"})
MONTHS: Final = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_MONTH_NOMINATIVES: Final = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)  # fmt: skip


def _month_forms(nominative: str) -> tuple[str, ...]:
    if nominative == "май":
        return ("май", "мая", "маю", "маем", "мае")
    if nominative.endswith("ь"):
        stem = nominative[:-1]
        return (nominative, stem + "я", stem + "ю", stem + "ём", stem + "ем", stem + "е")
    return (nominative, nominative + "а", nominative + "у", nominative + "ом", nominative + "е")


_MONTH_FORMS: Final = frozenset(form for month in _MONTH_NOMINATIVES for form in _month_forms(month))

_WORD = r"[^\W\d_][\w+]*(?:-[^\W\d_][\w+]*)*"
_NUMBERISH = r"[-−+]?(?:\d[\d.,:\u00a0\u2009\u202f]*|[IVXLCDM]+)(?:-[а-яё]+)?"
_PREV_WORD: Final = re.compile(rf"({_WORD})\s*$")
_RANGE_TAIL: Final = re.compile(rf"{_NUMBERISH}(?:\s*[-–—]|\s+(?:и|или))\s*$")
_RANGE_HEAD: Final = re.compile(rf"\s*(?:[-–—]|\s(?:по|до|или|и)\s)\s*{_NUMBERISH}")
_NEXT_WORD: Final = re.compile(rf"\s+({_WORD})")


@dataclass(frozen=True)
class Context:
    """The preposition before a number (lowercase) and the noun after it, if any."""

    preposition: str | None = None
    noun: str | None = None
    direct: bool = True
    """False when the noun follows a range ("2–4 книги"): it agrees with the range's end."""
    before: str | None = None
    """The word before the number, preposition or not."""

    @property
    def options(self) -> tuple[Case, ...]:
        return PREPOSITIONS.get(self.preposition or "", ())

    @property
    def month(self) -> int | None:
        """1..12 when the noun is a month in the genitive ("3 мая")."""
        noun = (self.noun or "").lower()
        return MONTHS.index(noun) + 1 if noun in MONTHS else None

    def readings(self) -> tuple[Reading, ...]:
        return readings(self.noun) if self.noun else ()


def is_month_word(word: str) -> bool:
    """True for any form of a month's name: "мае", "декабрь", "января"."""
    return word.lower() in _MONTH_FORMS


def previous_word(text: str, start: int) -> str | None:
    """The word just before ``start``, looking past a range's first number ("в 1941–1945",
    "между 2 и 3")."""
    before = spans.before(text, start)
    tail = _RANGE_TAIL.search(before)
    if tail:
        before = before[: tail.start()]
    found = _PREV_WORD.search(before)
    return found.group(1).lower().replace("+", "") if found else None


def context_at(text: str, start: int, end: int) -> Context:
    """The context of the number written at ``text[start:end]``."""
    before = previous_word(text, start)
    preposition = before if before in PREPOSITIONS else None
    rest, direct = spans.after(text, end), True
    skipped = _RANGE_HEAD.match(rest)
    if skipped:
        rest, direct = rest[skipped.end() :], False
    candidate = None  # an adjective-looking word may be the noun itself ("с подругой")
    for _ in range(3):
        found = _NEXT_WORD.match(rest)
        if not found or not re.fullmatch(r"[а-яё+-]+", found.group(1).lower()):
            break
        word = found.group(1)
        if word.lower() in _STOP_WORDS or word.lower() in PREPOSITIONS:
            break
        if not looks_adjectival(word):
            return Context(preposition, word, direct, before)
        candidate, rest = word, rest[found.end() :]
    return Context(preposition, candidate, direct, before)


_VERB_ENDINGS: Final = ("л", "ла", "ло", "ли", "ся", "сь", "ет", "ёт", "ит", "ут", "ют", "ат", "ят")


def looks_verbal(word: str | None) -> bool:
    """True for "родился", "будет", "прошла": a date after a verb is said in the genitive."""
    return bool(word) and len(word or "") > 3 and (word or "").endswith(_VERB_ENDINGS)


def noun_gender(context: Context, case: Case | None = None, plural: bool | None = None) -> Gender:
    """The gender of the context's noun: from the lexicon, else guessed from its ending."""
    if not context.noun:
        return "m"
    noun = lookup(context.noun)
    if noun:
        return noun.gender
    for reading in context.readings():
        if reading.gender and (case is None or (reading.case, reading.plural) == (case, plural)):
            return reading.gender
    return "m"


def agrees(context: Context, case: Case, plural: bool) -> bool:
    """True when the context's noun can be in ``case`` and number."""
    return any((r.case, r.plural) == (case, plural) for r in context.readings())


def case_order(context: Context) -> tuple[Case, ...]:
    """Cases to try, most likely first: the preposition's, or every case after none."""
    return context.options or CASES
