"""An empty Obsidian vault as the app makes it: `.obsidian/app.json` with an attachment folder."""

from __future__ import annotations

import json
from pathlib import Path


def obsidian_vault(root: Path, attachments: str = "Attachments") -> Path:
    """Make ``root`` a vault whose attachments go to ``attachments``; returns ``root``."""
    (root / ".obsidian").mkdir(parents=True, exist_ok=True)
    (root / ".obsidian" / "app.json").write_text(json.dumps({"attachmentFolderPath": attachments}))
    return root
