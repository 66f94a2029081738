"""Wikilinks in what a model writes: only links to notes it was shown survive.

A model cites the passages it was given, but small ones also invent plausible ``[[links]]`` to
notes that do not exist; those are removed. ``[2]``-style references to numbered passages become
the passage's link. Works on a whole text or on streamed pieces, holding back only a possibly
unfinished ``[[...`` at the end of what has arrived.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Final

_LINK: Final = r"(?P<link>!?\[\[(?P<inner>[^\[\]\n]*)\]\])"
# "[2]" or "[1, 3]", but not "[[2]]", a Markdown link "[2](url)" or a reference definition "[2]:".
_REF: Final = r"(?P<ref>(?<!\[)\[(?P<numbers>\d{1,2}(?:[ \t]*,[ \t]*\d{1,2})*)\](?![(\]:]))"
# Spaces before a removed link or reference go with it.
_PATTERN: Final = re.compile(f"(?P<space>[ \t]*)(?:{_LINK}|{_REF})")
# What may still grow into a link or a reference: trailing spaces, "[[Not", "[1", "[2]" (a "(" may follow).
_OPEN_TAIL: Final = re.compile(r"[ \t]*(?:!?\[\[[^\[\]\n]*\]?|!?\[[\d, \t]*\]?|!)?\Z")
_EMPTY_PARENS: Final = re.compile(r"[ \t]*\([ \t,;]*\)")
MAX_HELD: Final = 400
"""An unclosed ``[[`` longer than this is plain text: streaming never stalls on it."""


def link_target(link: str) -> str:
    """The note a link points to, for comparing: ``[[Folder/Note#Heading|alias]]`` -> ``folder/note``."""
    inner = link.strip().removeprefix("!").removeprefix("[[").removesuffix("]]")
    target = inner.split("|", 1)[0].split("#", 1)[0].strip()
    return target.removesuffix(".md").casefold()


class LinkFilter:
    """Feed the model's text piece by piece; what comes out has only allowed links.

    ``allowed`` are full links (``[[...]]``); a link is kept when it is one of them or points to the
    same note (the model may drop the heading). ``numbered[i]`` replaces a ``[i+1]`` reference.
    """

    def __init__(self, allowed: Sequence[str], numbered: Sequence[str] = ()) -> None:
        self._exact = {link.strip()[2:-2] for link in allowed}
        self._targets = {link_target(link) for link in allowed}
        self._numbered = list(numbered)
        self._pending = ""

    def feed(self, piece: str) -> str:
        self._pending += piece
        tail = _OPEN_TAIL.search(self._pending)
        cut = len(self._pending)
        if tail is not None and len(self._pending) - tail.start() <= MAX_HELD:
            cut = tail.start()
        ready, self._pending = self._pending[:cut], self._pending[cut:]
        return self._clean(ready)

    def finish(self) -> str:
        rest, self._pending = self._pending, ""
        return self._clean(rest)

    def allows(self, inner: str) -> bool:
        return inner.strip() in self._exact or link_target(inner) in self._targets

    def _clean(self, text: str) -> str:
        removed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal removed
            if match.group("link") is not None:
                if self.allows(match.group("inner")):
                    return match.group(0)
                removed = True
                return ""
            if not self._numbered:
                return match.group(0)
            numbers = [int(n) for n in re.findall(r"\d+", match.group("numbers"))]
            links = [self._numbered[n - 1] for n in numbers if 1 <= n <= len(self._numbered)]
            if not links:
                removed = True
                return ""
            return match.group("space") + " ".join(dict.fromkeys(links))

        cleaned = _PATTERN.sub(replace, text)
        return _EMPTY_PARENS.sub("", cleaned) if removed else cleaned


def clean_links(text: str, allowed: Sequence[str], numbered: Sequence[str] = ()) -> str:
    """``text`` with invented links removed and ``[n]`` references resolved."""
    links = LinkFilter(allowed, numbered)
    return links.feed(text) + links.finish()


_ANY_LINK: Final = re.compile(r"\s*!?\[\[[^\]\n]*\]\]")
_EMPTY_BRACKETS: Final = re.compile(r"\s*(?:\(\s*[,;]?\s*\)|\[\s*\])")
_SPACE_BEFORE_MARK: Final = re.compile(r"\s+([.,;:!?])")


def spoken(text: str) -> str:
    """An answer for speaking: without its ``[[links]]``, which are read, not heard."""
    without = _EMPTY_BRACKETS.sub("", _ANY_LINK.sub("", text))
    return _SPACE_BEFORE_MARK.sub(r"\1", without).strip()
