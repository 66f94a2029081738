"""File names for notes and attachments that every synced device accepts.

Vaults sync between Linux, macOS, Windows and Android, so a name must satisfy the strictest of
them: no ``\\ / : * ? " < > |``, no reserved Windows device names, no trailing dots or spaces,
and a length that fits every file system. Obsidian also breaks links on ``# ^ [ ] |``.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from typing import Final

MAX_NAME_BYTES: Final = 200
NOTE_TIME_FORMAT: Final = "%Y-%m-%d %H%M"
"""The time that starts a new note's name, so notes sort by when they were made."""
_FORBIDDEN: Final = frozenset('\\/:*?"<>|#^[]')
# Bidirectional overrides can make a name display as something else ("gpj.exe" tricks).
_BIDI: Final = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"{device}{n}" for device in ("COM", "LPT") for n in [*"123456789", "¹", "²", "³"]}
)
_CONFLICT: Final = (
    # Syncthing: "Note.sync-conflict-20240101-120000-ABCDEF7.md"
    re.compile(r"\.sync-conflict-\d{8}-\d{6}(?:-[a-z0-9]+)?", re.IGNORECASE),
    # Obsidian Sync, Dropbox, Nextcloud: "Note (Conflicted copy Laptop 202401011200).md",
    # "Note (Laptop's conflicted copy 2024-01-01).md"
    re.compile(r"\([^()]*\bconflicted copy\b[^()]*\)", re.IGNORECASE),
    # "Note (Conflict 2024-01-01 120000).md"; a date is required so "(conflict resolution)" is kept.
    re.compile(r"\(conflict[ _-]+\d{4}-?\d{2}-?\d{2}[^()]*\)", re.IGNORECASE),
)
_EXTENSION: Final = re.compile(r"\.[^\W_]{1,10}$")


def _clean(text: str) -> str:
    """Remove what file systems or links forbid; line breaks and separators become spaces."""
    out: list[str] = []
    for char in text:
        if char == "#":
            continue  # "#идея" keeps its word
        category = unicodedata.category(char)
        if char in _FORBIDDEN or char.isspace() or category in ("Cc", "Zl", "Zp"):
            out.append(" ")
        elif char in _BIDI or category in ("Cs", "Co", "Cn"):
            continue
        else:
            out.append(char)
    collapsed = " ".join("".join(out).split())
    return collapsed.lstrip(". ").rstrip(". ")


def _cut_bytes(text: str, max_bytes: int) -> str:
    """At most ``max_bytes`` of UTF-8, never splitting a character."""
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore")


def _not_reserved(stem: str) -> str:
    """Windows refuses "CON", "con.txt", "LPT1 " and the like whatever the extension."""
    if stem.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        return stem + "_"
    return stem


def title_from_text(text: str, max_chars: int = 60) -> str:
    """A readable note title from the first words of ``text``; "" when nothing usable is left."""
    title = _clean(text)
    if len(title) > max_chars:
        cut = title[: max_chars + 1]
        space = cut.rfind(" ")
        # One very long word is cut hard; otherwise stop at the last whole word.
        title = cut[:space] if space > 0 else title[:max_chars]
        title = title.rstrip(". ")
    return title


def note_filename(created: datetime, title: str, fallback: str = "Note") -> str:
    """``"YYYY-MM-DD HHmm <title>.md"``: sorts by time and stays unique enough to read in a list."""
    prefix = created.strftime(NOTE_TIME_FORMAT)
    clean = _clean(title) or _clean(fallback) or "Note"
    room = MAX_NAME_BYTES - len(f"{prefix} .md".encode())
    clean = _cut_bytes(clean, room).rstrip(". ")
    stem = _not_reserved(f"{prefix} {clean}" if clean else prefix)
    return f"{stem}.md"


def safe_filename(name: str, fallback: str) -> str:
    """One safe path component from an untrusted name, keeping its extension.

    Only the last component of ``../../etc/passwd`` or ``a/b\\c.ogg`` is kept, as browsers do.
    """
    base = re.split(r"[\\/]", name)[-1]
    match = _EXTENSION.search(base)
    extension = match.group(0) if match else ""
    stem = _clean(base[: len(base) - len(extension)])
    if not stem:
        stem = _clean(fallback) or "file"
        if extension and stem.lower().endswith(extension.lower()):
            extension = ""  # the fallback already names the same type: "voice.ogg"
    stem = _cut_bytes(stem, MAX_NAME_BYTES - len(extension.encode())).rstrip(". ") or "file"
    return _not_reserved(stem) + extension


def is_conflict_file(name: str) -> bool:
    """True for conflict copies made by Syncthing, Obsidian Sync, Dropbox or Nextcloud."""
    return any(pattern.search(name) for pattern in _CONFLICT)
