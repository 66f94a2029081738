"""XHTML inside an EPUB as paragraphs, with the anchors a table of contents can point at.

``html.parser`` is used rather than an XML parser because real EPUBs are often not well-formed
(HTML entities such as ``&nbsp;``, unclosed tags) and must still be read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Final

from homevoice.audiobooks.extract.common import collapse

_SKIPPED: Final = frozenset({"script", "style", "head", "title", "svg", "math", "template", "noscript"})
_BLOCKS: Final = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)  # fmt: skip
_HEADINGS: Final = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Note reference numbers and print page markers would be read out in the middle of a sentence.
_SILENT_TYPES: Final = re.compile(r"\b(?:noteref|pagebreak)\b")
_VOID: Final = frozenset(
    {"area", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)


@dataclass(frozen=True)
class Anchor:
    id: str


class _Break:
    """A paragraph boundary."""


BREAK: Final = _Break()
Token = str | Anchor | _Break


def _silent(tag: str, attributes: dict[str, str]) -> bool:
    return tag in _SKIPPED or bool(_SILENT_TYPES.search(attributes.get("epub:type", "")))


class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []
        self.first_heading = ""
        self._silent: list[str] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if self._silent:
            if tag not in _VOID:
                self._silent.append(tag)
            return
        anchor = attributes.get("id") or (attributes.get("name") if tag == "a" else None)
        if anchor:
            self.tokens.append(Anchor(anchor))
        if _silent(tag, attributes):
            if tag not in _VOID:
                self._silent.append(tag)
            return
        if tag in _BLOCKS:
            self.tokens.append(BREAK)
        if tag in _HEADINGS and not self.first_heading:
            self._heading = []

    def handle_endtag(self, tag: str) -> None:
        if self._silent:
            # Close up to the matching tag so one stray end tag cannot silence the rest of the file.
            if tag in self._silent:
                while self._silent and self._silent.pop() != tag:
                    pass
            return
        if tag in _BLOCKS:
            self.tokens.append(BREAK)
        if tag in _HEADINGS and self._heading is not None:
            self.first_heading = collapse("".join(self._heading))
            self._heading = None

    def handle_data(self, data: str) -> None:
        if self._silent:
            return
        self.tokens.append(data)
        if self._heading is not None:
            self._heading.append(data)


@dataclass(frozen=True)
class Page:
    """One XHTML document of the book."""

    tokens: list[Token]
    first_heading: str


def decode_markup(data: bytes) -> str:
    """The declared encoding (XML declaration or meta charset), else UTF-8; broken bytes never fail."""
    head = data[:1024]
    declared = re.search(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9_.:-]+)""", head)
    encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")


def parse_page(data: bytes) -> Page:
    parser = _TextParser()
    parser.feed(decode_markup(data))
    parser.close()
    return Page(parser.tokens, parser.first_heading)


def segments(tokens: list[Token], cuts: set[str]) -> list[tuple[str | None, list[str]]]:
    """Paragraphs split where an anchor named in ``cuts`` starts; the first segment has no anchor."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    buffer: list[str] = []

    def flush() -> None:
        text = collapse("".join(buffer))
        buffer.clear()
        if text:
            parts[-1][1].append(text)

    for token in tokens:
        if isinstance(token, str):
            buffer.append(token)
        elif isinstance(token, Anchor):
            if token.id in cuts:
                flush()
                parts.append((token.id, []))
        else:
            flush()
    flush()
    return parts


@dataclass(frozen=True)
class NavEntry:
    depth: int
    title: str
    href: str


class _NavParser(HTMLParser):
    """Entries of the ``<nav epub:type="toc">`` list, with their nesting depth."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[NavEntry] = []
        self._nav_depth = 0  # >0 while inside the toc nav
        self._lists = 0
        self._href: str | None = None
        self._label: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "nav":
            is_toc = "toc" in attributes.get("epub:type", "").split() or attributes.get("role") == "doc-toc"
            if self._nav_depth or is_toc:
                self._nav_depth += 1
        elif not self._nav_depth:
            return
        elif tag == "ol":
            self._lists += 1
        elif tag == "a" and attributes.get("href"):
            self._href, self._label = attributes["href"], []

    def handle_endtag(self, tag: str) -> None:
        if not self._nav_depth:
            return
        if tag == "nav":
            self._nav_depth -= 1
        elif tag == "ol":
            self._lists -= 1
        elif tag == "a" and self._href is not None:
            title = collapse("".join(self._label))
            if title:
                self.entries.append(NavEntry(max(self._lists, 1), title, self._href))
            self._href = None

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._label.append(data)


def nav_entries(data: bytes) -> list[NavEntry]:
    parser = _NavParser()
    parser.feed(decode_markup(data))
    parser.close()
    return parser.entries
