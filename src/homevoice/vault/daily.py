"""Add a line to an existing daily note, under a heading, without disturbing anything else.

The daily note belongs to the owner: it is only ever extended (never created, never reformatted),
and only when it has not changed since it was read.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import PurePosixPath
from typing import Final

from homevoice.errors import HomevoiceError
from homevoice.vault.frontmatter import frontmatter_end
from homevoice.vault.obsidian import VaultLayout
from homevoice.vault.writer import VaultWriter

logger = logging.getLogger(__name__)

_HEADING: Final = re.compile(r"^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_FENCE: Final = re.compile(r"^ {0,3}(```|~~~)")


def _split_lines(text: str) -> list[str]:
    """Lines with their own line endings, split on "\\n" only so joining gives ``text`` back."""
    lines = text.split("\n")
    return [line + "\n" for line in lines[:-1]] + ([lines[-1]] if lines[-1] else [])


def _content(line: str) -> str:
    return line.rstrip("\r\n")


def _headings(lines: list[str], first: int) -> list[tuple[int, str]]:
    """(index, heading text) for each Markdown heading from ``first`` on, skipping code blocks."""
    found: list[tuple[int, str]] = []
    fence: str | None = None
    for index in range(first, len(lines)):
        content = _content(lines[index])
        opening = _FENCE.match(content)
        if opening:
            marker = opening.group(1)
            fence = None if fence == marker else (fence or marker)
            continue
        if fence is None:
            match = _HEADING.match(content)
            if match:
                found.append((index, (match.group(1) or "").strip()))
    return found


def append_under_heading(text: str, heading: str, line: str) -> str | None:
    """``text`` with ``line`` added at the end of the section under the heading named ``heading``.

    The section runs to the next heading of any level, so the line never lands under a
    subheading. Without such a heading, ``## heading`` is added at the end. Returns None when the
    section already has this exact line, so repeating a delivery changes nothing.
    """
    line = " ".join(line.splitlines()).strip()
    heading = heading.strip()
    lines = _split_lines(text)
    newline = "\r\n" if lines and lines[0].endswith("\r\n") else "\n"
    body_start = len(_split_lines(text[: frontmatter_end(text)]))
    headings = _headings(lines, body_start)
    for position, (index, title) in enumerate(headings):
        if title != heading:
            continue
        end = headings[position + 1][0] if position + 1 < len(headings) else len(lines)
        section = lines[index + 1 : end]
        if any(_content(existing).strip() == line for existing in section):
            return None
        insert_at = index + 1
        for offset, existing in enumerate(section):
            if _content(existing).strip():
                insert_at = index + 2 + offset
        if not lines[insert_at - 1].endswith("\n"):
            lines[insert_at - 1] += newline
        lines.insert(insert_at, line + newline)
        return "".join(lines)
    prefix = text if not text or text.endswith("\n") else text + newline
    return f"{prefix}{newline}## {heading}{newline}{line}{newline}"


def append_to_daily_note(
    writer: VaultWriter, layout: VaultLayout, day: date, heading: str, line: str
) -> str | None:
    """Append ``line`` under ``heading`` in ``day``'s daily note if that note exists.

    Returns the note's vault-relative path when the line was added or was already there, and
    None when there is no daily note (it is never created) or it kept changing under us.
    """
    if layout.daily is None:
        return None
    rel = layout.daily_note_path(day)
    for _attempt in range(2):  # one retry when the owner (or sync) changed the note meanwhile
        current = writer.read(rel)
        if current is None:
            return None
        # surrogateescape keeps stray non-UTF-8 bytes exactly as they were.
        updated = append_under_heading(current.decode("utf-8", "surrogateescape"), heading, line)
        if updated is None:
            return rel
        data = updated.encode("utf-8", "surrogateescape")
        if writer.replace_if_unchanged(rel, data, writer.sha256(current)):
            return rel
    logger.warning("The daily note changed while appending to it twice; the line was not added")
    return None


def link_from_daily_note(
    writer: VaultWriter, layout: VaultLayout, heading: str | None, note_path: str, created: datetime
) -> None:
    """Link a new note under ``heading`` in its day's daily note: "- 09:05 [[Inbox/x|x]]".

    Best effort: the note is already saved, so a daily note that cannot be written only warns.
    No heading means the owner did not ask for links.
    """
    if not heading:
        return
    link = PurePosixPath(note_path).with_suffix("")
    line = f"- {created:%H:%M} [[{link}|{link.name}]]"
    try:
        append_to_daily_note(writer, layout, created.date(), heading, line)
    except HomevoiceError as err:
        logger.warning("could not link a new note from the daily note: %s", err.code)
