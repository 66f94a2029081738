"""The user's pronunciation lexicon: "word = how to say it", one entry a line.

Applied before any other normalisation, whole words only, ignoring case; the replacement is
inserted exactly as written (it may contain stress marks: "Кремль = Кр+емль").
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from homevoice.errors import HomevoiceError


def _key(word: str) -> str:
    return " ".join(word.split()).casefold()


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[tuple[str, str], ...] = ()
    """(word, how to say it) pairs; words are unique, ignoring case."""

    def __post_init__(self) -> None:
        seen: set[str] = set()
        for word, said in self.entries:
            if not word.strip() or not said.strip():
                raise ValueError(f"empty lexicon entry: {word!r} = {said!r}")
            if _key(word) in seen:
                raise ValueError(f"the lexicon has {word!r} twice")
            seen.add(_key(word))

    @classmethod
    def from_mapping(cls, mapping: Mapping[str, str]) -> Lexicon:
        return cls(tuple(mapping.items()))

    def __len__(self) -> int:
        return len(self.entries)

    @cached_property
    def _replacements(self) -> dict[str, str]:
        return {_key(word): said.strip() for word, said in self.entries}

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        words = sorted((word.strip() for word, _ in self.entries), key=len, reverse=True)
        alternatives = "|".join(r"\s+".join(map(re.escape, word.split())) for word in words)
        return re.compile(rf"(?<![\w+])(?:{alternatives})(?![\w+])", re.IGNORECASE)

    def apply(self, text: str) -> str:
        """Lexicon({("SQL", "сиквел")}).apply("мой sql") == "мой сиквел"."""
        if not self.entries:
            return text
        return self._pattern.sub(lambda m: self._replacements[_key(m.group())], text)


def _invalid(path: Path, number: int, problem: str) -> HomevoiceError:
    return HomevoiceError(
        f"{path}, line {number}: {problem}. Each line is 'word = how to say it'; '#' starts a comment.",
        code="invalid_lexicon",
    )


def load_lexicon(path: Path) -> Lexicon:
    """Read a lexicon file; a bad line is an ``invalid_lexicon`` error that names the line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as err:
        raise HomevoiceError(
            f"The lexicon {path} is not UTF-8 text; save it as UTF-8.", code="invalid_lexicon"
        ) from err
    except OSError as err:
        raise HomevoiceError(
            f"Cannot read the lexicon {path}: {err.strerror}.", code="invalid_lexicon"
        ) from err
    entries: list[tuple[str, str]] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        word, equals, said = (part.strip() for part in line.partition("="))
        if not equals:
            raise _invalid(path, number, f"no '=' in {line!r}")
        if not word or not said:
            raise _invalid(path, number, f"nothing {'before' if not word else 'after'} '=' in {line!r}")
        if _key(word) in first_line:
            raise _invalid(path, number, f"{word!r} is already on line {first_line[_key(word)]}")
        first_line[_key(word)] = number
        entries.append((word, said))
    return Lexicon(tuple(entries))
