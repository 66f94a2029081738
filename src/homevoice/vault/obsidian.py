"""The parts of an Obsidian vault's settings that decide where new files go, and the links that
open its files from outside Obsidian.

Obsidian keeps the settings in ``.obsidian/app.json`` (attachment folder) and
``.obsidian/daily-notes.json`` (the core Daily notes plugin). Missing or broken files mean
Obsidian's own defaults apply, so they are never an error here.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

logger = logging.getLogger(__name__)

DEFAULT_DAILY_FORMAT: Final = "YYYY-MM-DD"
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_WEEKDAYS: Final = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
# Longest tokens first so "MMMM" is not read as "MM" + "MM".
_TOKENS: Final = re.compile(
    r"\[[^\]]*\]|YYYY|YY|MMMM|MMM|MM|M|Do|DDDD|DDD|DD|D|dddd|ddd|dd|d|HH|H|hh|h|mm|m|ss|s|A|a"
)


def _ordinal(n: int) -> str:
    suffix = "th" if 11 <= n % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def moment_format(value: datetime | date, fmt: str) -> str:
    """Format like moment.js, for the tokens daily-note formats use; other letters stay as they are.

    Names are English, as in Obsidian's default locale. ``[text]`` is literal text.
    """
    moment = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
    weekday = (moment.weekday() + 1) % 7  # moment counts from Sunday = 0
    hour12 = moment.hour % 12 or 12
    day_of_year = moment.timetuple().tm_yday

    def token(match: re.Match[str]) -> str:
        text = match.group(0)
        values = {
            "YYYY": f"{moment.year:04d}",
            "YY": f"{moment.year % 100:02d}",
            "MMMM": _MONTHS[moment.month - 1],
            "MMM": _MONTHS[moment.month - 1][:3],
            "MM": f"{moment.month:02d}",
            "M": str(moment.month),
            "Do": _ordinal(moment.day),
            "DDDD": f"{day_of_year:03d}",
            "DDD": str(day_of_year),
            "DD": f"{moment.day:02d}",
            "D": str(moment.day),
            "dddd": _WEEKDAYS[weekday],
            "ddd": _WEEKDAYS[weekday][:3],
            "dd": _WEEKDAYS[weekday][:2],
            "d": str(weekday),
            "HH": f"{moment.hour:02d}",
            "H": str(moment.hour),
            "hh": f"{hour12:02d}",
            "h": str(hour12),
            "mm": f"{moment.minute:02d}",
            "m": str(moment.minute),
            "ss": f"{moment.second:02d}",
            "s": str(moment.second),
            "A": "AM" if moment.hour < 12 else "PM",
            "a": "am" if moment.hour < 12 else "pm",
        }
        return text[1:-1] if text.startswith("[") else values[text]

    return _TOKENS.sub(token, fmt)


def _join(*parts: str) -> str:
    """Vault-relative folders joined with "/", ignoring empty parts and stray slashes."""
    return "/".join(piece for part in parts for piece in part.split("/") if piece and piece != ".")


def _read_json(path: Path) -> dict[str, Any]:
    """The JSON object in ``path``, or {} when it is missing, unreadable or not an object."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as error:
        logger.warning("Ignoring Obsidian settings file %s: %s", path, error)
        return {}
    return data if isinstance(data, dict) else {}


def _setting(data: dict[str, Any], key: str, default: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) and value.strip() else default


@dataclass(frozen=True)
class DailyNotes:
    """The Daily notes core plugin's settings; ``folder`` is vault-relative, "" for the root."""

    folder: str = ""
    format: str = DEFAULT_DAILY_FORMAT
    template: str = ""


@dataclass(frozen=True)
class VaultLayout:
    """Where Obsidian puts attachments and daily notes in the vault at ``root``.

    ``attachment_folder`` is Obsidian's raw setting: "/" the vault root, "./" the note's own folder,
    "./sub" a subfolder of it, anything else a vault-relative folder. ``daily`` is None only when a
    caller builds a layout without daily notes; :meth:`read` always fills in Obsidian's defaults.
    """

    root: Path
    attachment_folder: str = "/"
    daily: DailyNotes | None = DailyNotes()

    @classmethod
    def read(cls, root: Path) -> VaultLayout:
        settings = root / ".obsidian"
        app = _read_json(settings / "app.json")
        daily = _read_json(settings / "daily-notes.json")
        return cls(
            root=root,
            attachment_folder=_setting(app, "attachmentFolderPath", "/"),
            daily=DailyNotes(
                folder=_join(_setting(daily, "folder", "")),
                format=_setting(daily, "format", DEFAULT_DAILY_FORMAT),
                template=_setting(daily, "template", ""),
            ),
        )

    def attachment_dir(self, note_folder: str) -> str:
        """The vault-relative folder for attachments of a note in ``note_folder`` ("" = root)."""
        setting = self.attachment_folder
        if setting == "." or setting.startswith("./"):
            return _join(note_folder, setting[1:])
        return _join(setting)

    def daily_note_path(self, day: date) -> str:
        """The vault-relative path of ``day``'s daily note; slashes in the format make subfolders."""
        daily = self.daily or DailyNotes()
        return _join(daily.folder, moment_format(day, daily.format)) + ".md"


def obsidian_uri(vault_name: str, path: str) -> str:
    """``obsidian://open`` for the file at vault-relative ``path`` in the vault named ``vault_name``.

    Both values are fully percent-encoded ("/", "#", "&", "?" included) so no name can break the
    query. Obsidian resolves a note without its ".md"; other files keep their extension.
    """
    target = path[:-3] if path.lower().endswith(".md") else path
    return f"obsidian://open?vault={quote(vault_name, safe='')}&file={quote(target, safe='')}"
