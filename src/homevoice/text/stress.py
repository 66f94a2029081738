"""User stress marks: a '+' before the stressed vowel ("з+амок", "зам+ок")."""

from __future__ import annotations

import re
from typing import Final

_STRESS: Final = re.compile(r"\+(?=[^\W\d_])")


def strip_stress(text: str) -> str:
    """Remove '+' stress marks, for engines that do not accept them: "з+амок" -> "замок".

    Only a '+' right before a letter is a stress mark; "C++" and "плюс" signs stay.
    """
    return _STRESS.sub("", text)
