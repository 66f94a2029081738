"""English abbreviations: titles ("Dr.", "Mrs."), "St." (Saint or Street), "e.g.", "etc.", "vs."."""

from __future__ import annotations

import re
from typing import Final

from homevoice.text.spans import keeps_final_dot

_START = r"(?<![\w.])"
_TABLE: Final[tuple[tuple[str, str], ...]] = (
    (r"Mrs\.", "Missus"),
    (r"Mr\.", "Mister"),
    (r"Ms\.", "Miz"),
    (r"Dr\.(?=\s+[A-Z])", "Doctor"),
    (r"Prof\.", "Professor"),
    (r"St\.(?=\s+[A-Z])", "Saint"),
    (r"(?<=[a-z] )St\.", "Street"),
    (r"Mt\.", "Mount"),
    (r"Ave\.", "Avenue"),
    (r"Jr\.", "Junior"),
    (r"Sr\.", "Senior"),
    (r"[Ee]\.\s?g\.", "for example"),
    (r"[Ii]\.\s?e\.", "that is"),
    (r"etc\.", "et cetera"),
    (r"vs\.?(?=\s)", "versus"),
    (r"approx\.", "approximately"),
    (r"No\.(?=\s*\d)", "number"),
    (r"#(?=\d)", "number "),
    (r"&", "and"),
)
_PATTERN: Final = re.compile("|".join(f"(?P<a{i}>{_START}{p})" for i, (p, _) in enumerate(_TABLE)))


def _replace(match: re.Match[str]) -> str:
    words = _TABLE[int(match.lastgroup[1:])][1]  # type: ignore[index]
    if keeps_final_dot(match):
        words += "."
    if match.group() == "&":
        words = f" {words} "
    return words


def expand_abbreviations(text: str) -> str:
    """expand_abbreviations("Dr. Smith vs. Mr. Jones") == "Doctor Smith versus Mister Jones"."""
    return _PATTERN.sub(_replace, text)
