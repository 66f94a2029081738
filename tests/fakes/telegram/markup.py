"""Message text as the chat shows it: UTF-16 lengths and the HTML and MarkdownV2 checks."""

from __future__ import annotations

import html
import re
from typing import Any

from tests.fakes.telegram.errors import ApiError

_HTML_TAGS = frozenset(
    {
        "a",
        "b",
        "blockquote",
        "code",
        "del",
        "em",
        "i",
        "ins",
        "pre",
        "s",
        "span",
        "strike",
        "strong",
        "tg-emoji",
        "tg-spoiler",
        "u",
    }
)
_MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!"


def utf16_len(text: str) -> int:
    """Telegram counts lengths and entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def parse_text(text: str, parse_mode: Any) -> str:
    """The text as the chat shows it; refuse markup the real API refuses."""
    if parse_mode == "HTML":
        return _parse_html(text)
    if parse_mode == "MarkdownV2":
        return _parse_markdown_v2(text)
    return text


def _parse_html(text: str) -> str:
    stack: list[str] = []
    pieces: list[str] = []
    position = 0
    for match in re.finditer(r"<[^>]*>|<", text):
        pieces.append(text[position : match.start()])
        position = match.end()
        offset = len(text[: match.start()].encode())
        tag = match.group()
        if tag == "<":
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unclosed start tag at byte offset {offset}"
            )
        name_match = re.match(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)", tag)
        if name_match is None:
            raise ApiError(
                400, f'Bad Request: can\'t parse entities: Unsupported start tag "" at byte offset {offset}'
            )
        closing, name = name_match.group(1) == "/", name_match.group(2).lower()
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            raise ApiError(
                400,
                f'Bad Request: can\'t parse entities: Unsupported {kind} tag "{name}" at byte offset {offset}',
            )
        if not closing:
            stack.append(name)
        elif not stack or stack[-1] != name:
            raise ApiError(
                400, f"Bad Request: can't parse entities: Unexpected end tag at byte offset {offset}"
            )
        else:
            stack.pop()
    if stack:
        raise ApiError(
            400,
            f"Bad Request: can't parse entities: Can't find end tag corresponding to start tag \"{stack[-1]}\"",
        )
    pieces.append(text[position:])
    return html.unescape("".join(pieces))


def _parse_markdown_v2(text: str) -> str:
    """A partial MarkdownV2 check: reserved characters outside code and link targets must be escaped."""
    out: list[str] = []
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text):
            out.append(text[index + 1])
            index += 2
            continue
        if char == "`":
            fence = "```" if text.startswith("```", index) else "`"
            end = text.find(fence, index + len(fence))
            if end < 0:
                raise ApiError(400, "Bad Request: can't parse entities: Can't find end of Pre entity")
            out.append(text[index + len(fence) : end])
            index = end + len(fence)
            continue
        if char == "]" and text.startswith("](", index):
            end = text.find(")", index)
            if end < 0:
                raise ApiError(400, "Bad Request: can't parse entities: Can't find end of a URL")
            index = end + 1
            continue
        if char in "*_~|[":
            index += 1
            continue
        if char == ">" and (index == 0 or text[index - 1] == "\n"):
            index += 1
            continue
        if char in _MARKDOWN_V2_RESERVED:
            raise ApiError(
                400,
                f"Bad Request: can't parse entities: Character '{char}' is reserved and must be escaped "
                "with the preceding '\\'",
            )
        out.append(char)
        index += 1
    return "".join(out)
