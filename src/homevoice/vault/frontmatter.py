"""YAML frontmatter that Obsidian's Properties read, and tags in Obsidian's syntax.

Values come from transcripts and chat captions, so they are hostile by default: a caption of
``---`` or ``key: value`` lines must stay inside its string and never end the frontmatter early.
Strings with line breaks are therefore written double-quoted with escapes, on one line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final

import yaml  # type: ignore[import-untyped, unused-ignore]

# Frontmatter is only recognised at the very start, closed by a line of exactly "---".
_FRONTMATTER: Final = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*(?:\r?\n|\Z)", re.DOTALL | re.MULTILINE)
_LINE_BREAKS: Final = frozenset("\n\r\x85\u2028\u2029\x0b\x0c")
# A tag starts after whitespace, an opening bracket or sentence punctuation, never inside a word
# or a URL ("a#b", "example.com/#part", "&#123;").
_TAG: Final = re.compile(r"""(?:^|(?<=[\s(\[{"'«„“‘,;!?]))#([\w/-]+)""")


class _Dumper(yaml.SafeDumper):  # type: ignore[misc, unused-ignore]
    """SafeDumper that writes datetimes as Obsidian does and keeps multi-line strings on one line."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> Any:
    style = '"' if any(char in _LINE_BREAKS for char in value) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _represent_datetime(dumper: yaml.SafeDumper, value: datetime) -> Any:
    # Obsidian reads "2026-12-03T21:45:00+01:00"; a naive time is taken as this machine's local time.
    aware = value if value.tzinfo is not None else value.astimezone()
    text = aware.replace(microsecond=0).isoformat()
    return dumper.represent_scalar("tag:yaml.org,2002:timestamp", text)


_Dumper.add_representer(str, _represent_str)
_Dumper.add_representer(datetime, _represent_datetime)


def _plain(value: Any) -> Any:
    """Tuples and sets become lists so they dump as block lists, not Python tags."""
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    if isinstance(value, (str, int, float, bool, date)) or value is None:
        return value
    return str(value)


def render_note(fields: Mapping[str, Any], body: str) -> str:
    """``---`` + YAML + ``---``, a blank line, then ``body``, ending in a newline.

    With no fields the note is just the body, so no empty frontmatter block appears.
    """
    if body and not body.endswith("\n"):
        body += "\n"
    if not fields:
        return body
    header = yaml.dump(
        _plain(fields),
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=2**31 - 1,  # no folding: a folded value could start a line with "---"
    )
    return f"---\n{header}---\n\n{body}" if body else f"---\n{header}---\n"


def frontmatter_end(text: str) -> int:
    """Offset just past the closing ``---`` line, or 0 when ``text`` has no frontmatter."""
    match = _FRONTMATTER.match(text)
    return match.end() if match else 0


def parse_note(text: str) -> tuple[dict[str, Any], str]:
    """The frontmatter fields and the body; ``({}, text)`` when there is none or it is malformed.

    The blank line :func:`render_note` puts after the frontmatter is not part of the body.
    """
    match = _FRONTMATTER.match(text)
    if match is None:
        return {}, text
    try:
        fields = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        return {}, text
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        return {}, text
    body = text[match.end() :]
    if body.startswith("\r\n"):
        body = body[2:]
    elif body.startswith("\n"):
        body = body[1:]
    return {str(key): value for key, value in fields.items()}, body


def hashtags(text: str) -> list[str]:
    """Tags in Obsidian's syntax, without ``#``, first spelling kept, duplicates dropped by case.

    ``#123`` is not a tag (Obsidian wants a non-digit); ``#идея`` and ``#project/home`` are.
    """
    seen: set[str] = set()
    tags: list[str] = []
    for match in _TAG.finditer(text):
        tag = match.group(1).rstrip("/")
        if not tag or tag.isdigit() or not any(char.isalnum() or char == "_" for char in tag):
            continue
        key = tag.casefold()
        if key not in seen:
            seen.add(key)
            tags.append(tag)
    return tags
