"""Markdown (with Obsidian's extensions) as blocks of plain text: headings and paragraphs.

Shared by read-aloud (speakable text) and search (indexed passages). Everything that is not prose
is dropped: comments, embeds, images, URLs, tags, table rules, and code unless asked for.
Links keep their visible text; list items, table rows and footnotes become their own paragraphs
so they are read with a pause between them rather than as one run-on sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

_FENCE: Final = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_COMMENT: Final = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)
_OBSIDIAN_COMMENT: Final = re.compile(r"%%.*?(?:%%|\Z)", re.DOTALL)
_HEADING: Final = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_RULE: Final = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_TABLE_SEPARATOR: Final = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_QUOTE: Final = re.compile(r"^\s*(?:>\s?)+")
_CALLOUT: Final = re.compile(r"^\[![^\]]*\][+-]?\s*")
_LIST_ITEM: Final = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?:\[[ xX/-]\]\s+)?")
_FOOTNOTE_DEFINITION: Final = re.compile(r"^ {0,3}\[\^[^\]]+\]:\s*")
_LINK_DEFINITION: Final = re.compile(r"^ {0,3}\[[^\]]+\]:\s*\S+.*$")

_ESCAPED: Final = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~=<>%^])")
_INLINE_CODE: Final = re.compile(r"(`+)(.+?)\1")
_EMBED: Final = re.compile(r"!\[\[[^\]]*\]\]")
_IMAGE: Final = re.compile(r"!\[[^\]]*\](?:\((?:[^()]|\([^()]*\))*\)|\[[^\]]*\])")
_WIKILINK: Final = re.compile(r"\[\[([^\]]*)\]\]")
_LINK: Final = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^()]*\))*\)")
_REFERENCE_LINK: Final = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_FOOTNOTE_REFERENCE: Final = re.compile(r"\[\^[^\]]+\]")
_AUTOLINK: Final = re.compile(r"<(?:https?|mailto|ftp):[^>\s]*>", re.IGNORECASE)
_HTML_TAG: Final = re.compile(r"</?[A-Za-z][^>\n]*>")
_URL: Final = re.compile(r"\b(?:https?|ftp)://\S+", re.IGNORECASE)
_STRONG: Final = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_STAR: Final = re.compile(r"\*(?=\S)(.+?)(?<=\S)\*")
_UNDERSCORE: Final = re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_STRIKE_OR_MARK: Final = re.compile(r"(~~|==)(?=\S)(.+?)(?<=\S)\1")
# Obsidian tags: after whitespace or opening punctuation, at least one non-digit ("#123" is not a tag).
_TAG: Final = re.compile(r"""(?:^|(?<=[\s(\[{"'«„“‘,;!?]))#(?=[\w/-]*[^\W\d])[\w/-]+""")
_BLOCK_ID: Final = re.compile(r"\s\^[A-Za-z0-9-]+\s*$")
# Escaped characters hide here while the inline rules run, so "\*" never starts emphasis.
_HIDE_BASE: Final = 0xE000


@dataclass(frozen=True)
class Block:
    text: str
    level: int = 0
    """1 to 6 for a heading, 0 for a paragraph."""


def _wikilink(match: re.Match[str]) -> str:
    target, bar, alias = match.group(1).partition("|")
    if bar and alias.strip():
        return alias
    note, _, section = target.partition("#")
    note = note.rsplit("/", 1)[-1]
    return note or section.lstrip("^")


def inline_text(text: str) -> str:
    """One paragraph's inline Markdown as plain words."""
    text = _ESCAPED.sub(lambda m: chr(_HIDE_BASE + ord(m.group(1))), text)
    text = _INLINE_CODE.sub(r"\2", text)
    text = _EMBED.sub("", text)
    text = _IMAGE.sub("", text)
    text = _WIKILINK.sub(_wikilink, text)
    text = _LINK.sub(r"\1", text)
    text = _REFERENCE_LINK.sub(r"\1", text)
    text = _FOOTNOTE_REFERENCE.sub("", text)
    text = _AUTOLINK.sub("", text)
    text = _HTML_TAG.sub("", text)
    text = _URL.sub("", text)
    for pattern in (_STRONG, _STRIKE_OR_MARK):
        text = pattern.sub(r"\2", text)
    for pattern in (_STAR, _UNDERSCORE):
        text = pattern.sub(r"\1", text)
    text = _TAG.sub("", text)
    text = _BLOCK_ID.sub("", text)
    text = re.sub(r"[\uE000-\uE07F]", lambda m: chr(ord(m.group(0)) - _HIDE_BASE), text)
    return " ".join(text.split())


def _split_code(source: str) -> tuple[list[str], dict[int, str]]:
    """The lines outside fenced code blocks (an unclosed fence runs to the end, as in CommonMark),
    and each block's text keyed by the index of the blank line left in its place."""
    kept: list[str] = []
    code: dict[int, str] = {}
    block: list[str] = []
    fence: str | None = None
    for line in source.splitlines():
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                block = []
            else:
                kept.append(line)
        elif match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
            fence = None
            code[len(kept)] = " ".join(" ".join(block).split())
            kept.append("")  # the block ends a paragraph
        else:
            block.append(line)
    if fence is not None:
        code[len(kept)] = " ".join(" ".join(block).split())
        kept.append("")
    return kept, code


def _table_cells(line: str) -> str:
    cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
    return ", ".join(cell for cell in cells if cell)


class _Blocks:
    """Collects paragraphs line by line."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._lines: list[str] = []

    def flush(self) -> None:
        text = inline_text(" ".join(self._lines))
        self._lines = []
        if text:
            self.blocks.append(Block(text))

    def add_line(self, line: str) -> None:
        self._lines.append(line)

    def add_block(self, text: str, level: int = 0) -> None:
        self.flush()
        cleaned = inline_text(text)
        if cleaned:
            self.blocks.append(Block(cleaned, level))

    def add_raw(self, text: str) -> None:
        self.flush()
        if text:
            self.blocks.append(Block(text))


_CODE_MARK: Final = "\ue0ff"
"""With the block's number, stands in for a code block while comments are removed (a private-use character)."""


def markdown_blocks(source: str, *, keep_code: bool = False) -> list[Block]:
    """Headings and paragraphs of a note body (frontmatter already removed).

    ``keep_code`` keeps each fenced code block as one paragraph of its raw text (for search, where
    a command or an error code in a block is worth finding; read aloud it is noise).
    """
    kept, code = _split_code(source)
    if keep_code:
        kept = [f"{_CODE_MARK}{index}" if index in code else line for index, line in enumerate(kept)]
    text = "\n".join(kept)
    text = _OBSIDIAN_COMMENT.sub("", _HTML_COMMENT.sub("", text))
    lines = text.splitlines()
    out = _Blocks()
    in_table = quoted = False
    for index, raw in enumerate(lines):
        if keep_code and raw.startswith(_CODE_MARK) and raw[1:].isdigit():
            out.add_raw(code[int(raw[1:])])
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        quote = _QUOTE.match(raw)
        line = raw[quote.end() :] if quote else raw
        if bool(quote) != quoted:
            out.flush()  # a quote starts and ends its own paragraph
            quoted = bool(quote)
        callout = _CALLOUT.match(line) if quote else None
        if callout:
            out.add_block(line[callout.end() :])
        elif not line.strip():
            out.flush()
            in_table = False
        elif _TABLE_SEPARATOR.match(line) and "|" in line:
            in_table = True
        elif in_table or ("|" in line and _TABLE_SEPARATOR.match(following) and "|" in following):
            out.add_block(_table_cells(line))
        elif heading := _HEADING.match(line):
            out.add_block(heading.group(2) or "", len(heading.group(1)))
        elif _RULE.match(line):
            out.flush()
        elif item := _LIST_ITEM.match(line) or _FOOTNOTE_DEFINITION.match(line):
            out.flush()
            out.add_line(line[item.end() :])
        elif _LINK_DEFINITION.match(line):
            out.flush()
        else:
            out.add_line(line)
    out.flush()
    return out.blocks
