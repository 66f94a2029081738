"""Russian abbreviations that need no number: "т.е.", "и т. д.", "ул.", "г. Москва", "проф."."""

from __future__ import annotations

import re
from typing import Final

from homevoice.text.ru_context import PREPOSITIONS, previous_word
from homevoice.text.ru_grammar import Case
from homevoice.text.ru_nouns import NOUNS, readings
from homevoice.text.spans import keeps_final_dot

_NOT_AFTER_NUMBER = r"(?<!\d)(?<!\d\s)(?<!\d\u00a0)"
_START = r"(?<![\w.+-])"
_FIXED: Final[tuple[tuple[str, str], ...]] = (
    (r"и\s?т\.\s?д\.", "и так далее"),
    (r"и\s?т\.\s?п\.", "и тому подобное"),
    (r"т\.\s?д\.", "так далее"),
    (r"т\.\s?п\.", "тому подобное"),
    (r"т\.\s?е\.", "то есть"),
    (r"т\.\s?к\.", "так как"),
    (r"т\.\s?н\.", "так называемый"),
    (r"в\s?т\.\s?ч\.", "в том числе"),
    (r"и\s+др\.", "и другие"),
    (r"и\s+пр\.", "и прочее"),
    (r"др\.", "другие"),
    (r"до\s+н\.\s?э\.", "до нашей эры"),
    (r"н\.\s?э\.", "нашей эры"),
    (r"напр\.", "например"),
    (r"им\.", "имени"),
    (_NOT_AFTER_NUMBER + r"см\.(?=\s)", "смотри"),
    (r"ок\.(?=\s*\d)", "около"),
    (r"№\s*", "номер "),
)
_DECLINED: Final[tuple[tuple[str, str], ...]] = (
    (r"ул\.", "улица"),
    (_NOT_AFTER_NUMBER + r"г\.(?=\s*[А-ЯЁ])", "город"),
    (r"д\.(?=\s*\d)", "дом"),
    (r"кв\.(?=\s*\d)", "квартира"),
    (r"проф\.", "профессор"),
    (r"акад\.", "академик"),
    (r"рис\.(?=\s*\d)", "рисунок"),
    (r"стр\.(?=\s*\d)", "страница"),
    (r"тел\.", "телефон"),
)
_PATTERN: Final = re.compile(
    "|".join(
        f"(?P<{kind}{i}>{_START}{pattern})"
        for kind, table in (("f", _FIXED), ("d", _DECLINED))
        for i, (pattern, _) in enumerate(table)
    ),
    re.IGNORECASE,
)
_NEXT_WORD: Final = re.compile(r"\s*([^\W\d_]+)")


def _case(text: str, start: int, end: int) -> Case:
    """The case of a declined abbreviation: "в г. Москве" -> prepositional, "в г. Москву" -> accusative, "у проф. Иванова" -> genitive."""
    options = PREPOSITIONS.get(previous_word(text, start) or "", ())
    if not options:
        return "nom"
    if options == ("acc", "dat"):
        return "dat"  # "по тел." -> "по телефону", "по ул." -> "по улице"
    if options[:2] == ("acc", "prep"):
        options = ("prep", "acc")
    following = _NEXT_WORD.match(text, end)
    if following and len(options) > 1:
        found = {r.case for r in readings(following.group(1)) if not r.plural}
        for case in options:
            if case in found:
                return case
    return options[0]


def _replace(match: re.Match[str]) -> str:
    kind, index = match.lastgroup[0], int(match.lastgroup[1:])  # type: ignore[index]
    if kind == "f":
        words = _FIXED[index][1]
    else:
        words = NOUNS[_DECLINED[index][1]].form(_case(match.string, match.start(), match.end()))
    if match.group()[0].isupper():
        words = words[0].upper() + words[1:]
    if keeps_final_dot(match):
        words += "."
    return words


def expand_abbreviations(text: str) -> str:
    """Expand the abbreviations that do not follow a number (those are read with it)."""
    return _PATTERN.sub(_replace, text)
