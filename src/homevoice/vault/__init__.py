"""Writing notes into an Obsidian vault: names, frontmatter, layout, atomic writes, daily notes."""

from __future__ import annotations

from homevoice.vault.daily import append_to_daily_note, append_under_heading, link_from_daily_note
from homevoice.vault.errors import VaultError
from homevoice.vault.frontmatter import hashtags, parse_note, render_note
from homevoice.vault.names import is_conflict_file, note_filename, safe_filename, title_from_text
from homevoice.vault.obsidian import DailyNotes, VaultLayout, moment_format, obsidian_uri
from homevoice.vault.writer import VaultWriter

__all__ = [
    "DailyNotes",
    "VaultError",
    "VaultLayout",
    "VaultWriter",
    "append_to_daily_note",
    "append_under_heading",
    "hashtags",
    "is_conflict_file",
    "link_from_daily_note",
    "moment_format",
    "note_filename",
    "obsidian_uri",
    "parse_note",
    "render_note",
    "safe_filename",
    "title_from_text",
]
