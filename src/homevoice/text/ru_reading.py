"""Choose how to read one Russian number in its context: which case, gender, cardinal or ordinal."""

from __future__ import annotations

from typing import Final

from homevoice.text.ru_context import Context, agrees, case_order, noun_gender
from homevoice.text.ru_grammar import CASES, FORMS, Case, Form, Gender, counted
from homevoice.text.ru_nouns import lookup
from homevoice.text.ru_numbers import cardinal
from homevoice.text.ru_ordinals import ordinal

_GENDERS: Final[tuple[Gender, ...]] = ("m", "n", "f")
# Written endings that, on a tie, mean a cardinal: "до 5-ти", "с 7-ми", "2-мя".
_CARDINAL_ENDINGS: Final = frozenset({"ти", "ми", "мя", "ью", "ух", "ёх", "ех"})


def _is_one(n: int) -> bool:
    return n % 10 == 1 and n % 100 != 11


def _options(n: int, context: Context) -> tuple[Case, ...]:
    if context.preposition == "по" and _is_one(n):
        return ("dat", "acc")  # distributive "по одному рублю", but "по два рубля"
    return case_order(context)


def _preposition_score(case: Case, context: Context, options: tuple[Case, ...]) -> int:
    if context.preposition:
        return 10 - options.index(case) if case in options else 0
    return 1 if case == "nom" else 0


def cardinal_case(n: int, context: Context, *, animate: bool = False) -> Case:
    """The case a cardinal takes here: the preposition's, or the one its noun agrees with."""
    options = _options(n, context)
    if context.noun and context.direct:
        for case in options:
            if agrees(context, *counted(n, case, animate=animate)):
                return case
    elif context.noun:
        found = {r.case for r in context.readings()}
        for case in options:
            if case in found or (case in ("nom", "acc") and found & {"nom", "gen", "acc"}):
                return case
    return options[0] if context.preposition else "nom"


def names_a_place(n: int, context: Context) -> bool:
    """True when a singular noun that no cardinal could govern follows: "в 5 классе", "4 класс",
    "с 2 по 4 класс". The number then says which one: "в пятом классе"."""
    found = context.readings()
    if not found or any(r.plural for r in found) or n == 0:
        return False
    if not context.direct:
        return all(r.case != "gen" for r in found)
    options = _options(n, context)
    return not any(agrees(context, *counted(n, case)) for case in options)


def say_cardinal(n: int, context: Context) -> str:
    """Read a bare number: say_cardinal(2, Context("с", "друзьями")) == "двумя"."""
    if names_a_place(n, context):
        return say_ordinal(n, context)
    noun = lookup(context.noun) if context.noun else None
    animate = bool(noun and noun.animate and context.direct)
    case = cardinal_case(n, context, animate=animate)
    gender = (
        noun_gender(context, *counted(n, case, animate=animate)) if context.direct else noun_gender(context)
    )
    return cardinal(n, case, gender, animate=animate)


def _ordinal_score(case: Case, form: Form, context: Context, options: tuple[Case, ...]) -> int:
    score = _preposition_score(case, context, options)
    plural = form == "pl"
    for reading in context.readings():
        same_number = reading.plural == plural or not context.direct
        if reading.case == case and same_number:
            gender_fits = plural or reading.gender in (None, form)
            score = max(score, _preposition_score(case, context, options) + 5 + 2 * gender_fits)
    return score


def say_ordinal(
    n: int,
    context: Context,
    *,
    suffix: str = "",
    forms: tuple[Form, ...] = FORMS,
    case: Case | None = None,
) -> str:
    """Read an ordinal that agrees with its context: "в 5-м классе" -> "пятом".

    ``suffix`` is the written ending ("м" in "5-м"); only forms that end with it are chosen.
    """
    options = _options(n, context)
    if not context.direct:
        forms = tuple(f for f in forms if f != "pl") or forms
    cases = (case,) if case else CASES
    best: tuple[int, str] | None = None
    for candidate_case in cases:
        for form in forms:
            word = ordinal(n, candidate_case, form)
            if not word.endswith(suffix):
                continue
            score = _ordinal_score(candidate_case, form, context, options)
            if best is None or score > best[0]:
                best = (score, word)
    if best is None:
        return ordinal(n, case or "nom", forms[0])
    return best[1]


def say_suffixed(n: int, suffix: str, context: Context) -> str:
    """Read "5-й", "21-го", "1990-х", "до 5-ти", "в 2-х томах": ordinal or cardinal as written."""
    options = _options(n, context)
    best: tuple[int, str] | None = None
    for case in CASES:
        for gender in _GENDERS:
            word = cardinal(n, case, gender)
            if not word.endswith(suffix):
                continue
            score = _preposition_score(case, context, options)
            if agrees(context, *counted(n, case)):
                score += 5 + 2 * (noun_gender(context) == gender)
            if best is None or score > best[0]:
                best = (score, word)
    decade = n >= 20 and n % 10 == 0 and not context.noun  # "90-е", "1990-х": decades
    word = say_ordinal(n, context, suffix=suffix, forms=("pl", "m", "n", "f") if decade else FORMS)
    if not word.endswith(suffix):
        return best[1] if best else word
    if best is None:
        return word
    score = max(
        _ordinal_score(c, f, context, options) for c in CASES for f in FORMS if ordinal(n, c, f) == word
    )
    prefer_cardinal = suffix in _CARDINAL_ENDINGS or n % 10 in (2, 3, 4)
    if best[0] > score or (best[0] == score and prefer_cardinal):
        return best[1]
    return word
