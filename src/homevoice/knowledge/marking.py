"""Marking a source note processed: two properties change, every other byte stays.

The owner's note is edited in place, so only the ``status`` line is rewritten and an ``expanded``
line added; the rest of the frontmatter keeps its formatting and the body is byte-identical. A
frontmatter too unusual to edit line by line is written again from its parsed fields, still
leaving the body alone.
"""

from __future__ import annotations

import json
import re
from typing import Final

from homevoice.vault.frontmatter import frontmatter_end, parse_note, render_note
from homevoice.vault.writer import VaultWriter

STATUS_PROCESSED: Final = "processed"
_KEY: Final = re.compile(r"""^(?P<quote>["']?)(?P<key>[^\s"':#][^"':]*?)(?P=quote)[ \t]*:(?=\s|$)""")


def marked_text(text: str, link: str) -> str | None:
    """``text`` with ``status: processed`` and ``expanded: "<link>"``; None when its frontmatter has
    no ``status`` or cannot be edited without changing the body."""
    end = frontmatter_end(text)
    if not end:
        return None
    fields, _ = parse_note(text)
    if "status" not in fields:
        return None
    body = text[end:]
    for candidate in (_edit_lines(text[:end], link), _rewrite(fields, link)):
        if candidate is None:
            continue
        new = candidate + body
        if _is_marked(new, link, body):
            return new
    return None


def mark_processed(writer: VaultWriter, path: str, data: bytes, link: str) -> bool:
    """Mark the note at ``path``, read as ``data``, processed; False (and nothing written) when the
    owner changed it since, or its frontmatter cannot be edited safely."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    new = marked_text(text, link)
    if new is None:
        return False
    return writer.replace_if_unchanged(path, new.encode("utf-8"), VaultWriter.sha256(data))


def _edit_lines(header: str, link: str) -> str | None:
    lines = header.splitlines(keepends=True)
    if len(lines) < 2:
        return None
    newline = "\r\n" if lines[0].endswith("\r\n") else "\n"
    out = [lines[0]]
    replaced = False
    dropping = False  # inside the indented continuation of a value being replaced
    for line in lines[1:-1]:
        match = _KEY.match(line)
        if match is None and dropping and (line[:1] in (" ", "\t", "-") or not line.strip()):
            continue
        dropping = False
        key = match.group("key") if match else None
        if key == "status":
            out.append(f"status: {STATUS_PROCESSED}{newline}")
            replaced = dropping = True
        elif key == "expanded":
            dropping = True  # written again below, pointing at this expansion
        else:
            out.append(line)
    if not replaced:
        return None
    out.append(f"expanded: {json.dumps(link, ensure_ascii=False)}{newline}")
    out.append(lines[-1])
    return "".join(out)


def _rewrite(fields: dict[str, object], link: str) -> str:
    updated = {**fields, "status": STATUS_PROCESSED, "expanded": link}
    return render_note(updated, "")


def _is_marked(text: str, link: str, body: str) -> bool:
    fields, _ = parse_note(text)
    end = frontmatter_end(text)
    return (
        end > 0
        and text[end:] == body
        and fields.get("status") == STATUS_PROCESSED
        and fields.get("expanded") == link
    )
