"""Which files of the vault are indexed: its notes and, if asked, its PDFs.

Besides what every vault walk leaves out (hidden folders, sync conflict copies, links out of the
vault), search skips the templates folder (placeholders, not knowledge), notes in the attachments
folder (exports and clippings kept only as files) and the folders the owner excluded. PDFs in the
attachments folder are indexed: that is where Obsidian puts them.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal

from homevoice.settings_knowledge import RagSettings
from homevoice.vault.obsidian import VaultLayout
from homevoice.vault.walk import vault_files

logger = logging.getLogger(__name__)

SourceKind = Literal["md", "pdf"]
_NOTE_SUFFIXES: Final = frozenset({".md"})
_PDF_SUFFIXES: Final = frozenset({".pdf"})
_DEFAULT_TEMPLATES: Final = "templates"


@dataclass(frozen=True)
class SourceFile:
    path: str
    """Vault-relative, POSIX separators."""
    file: Path
    kind: SourceKind
    mtime_ns: int
    size: int


def _folder(value: str) -> str:
    """A vault-relative folder as typed by a person: ``/Templates/``, ``Work\\Old`` -> ``Templates``, ``Work/Old``."""
    parts = [part for part in value.replace("\\", "/").split("/") if part and part != "."]
    return "/".join(parts).casefold()


def _under(relative: str, folder: str) -> bool:
    relative = relative.casefold()
    return bool(folder) and (relative == folder or relative.startswith(folder + "/"))


def templates_folder(root: Path) -> str | None:
    """The core Templates plugin's folder (``.obsidian/templates.json``), case-folded; None when unset."""
    try:
        data = json.loads((root / ".obsidian" / "templates.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        logger.warning("Ignoring Obsidian's templates settings in %s: %s", root, error)
        return None
    folder = data.get("folder") if isinstance(data, dict) else None
    return (_folder(folder) or None) if isinstance(folder, str) else None


@dataclass(frozen=True)
class _Rules:
    excluded: tuple[str, ...]
    templates: str | None
    """The configured templates folder; None: any folder named Templates."""
    attachments: str
    """A vault folder ("" when attachments sit next to the notes or in the vault root)."""
    attachments_subfolder: str
    """With ``./name`` settings: the subfolder of every note's folder that holds attachments."""

    def skip_folder(self, relative: str) -> bool:
        if any(_under(relative, folder) for folder in self.excluded):
            return True
        if self.templates is None:
            return relative.rsplit("/", 1)[-1].casefold() == _DEFAULT_TEMPLATES
        return _under(relative, self.templates)

    def attachment(self, relative: str) -> bool:
        folder = relative.rpartition("/")[0]
        if self.attachments_subfolder:
            return f"/{self.attachments_subfolder}/" in f"/{folder.casefold()}/"
        return _under(folder, self.attachments)


def _rules(root: Path, settings: RagSettings) -> _Rules:
    setting = VaultLayout.read(root).attachment_folder.strip()
    attachments = subfolder = ""
    if setting == "." or setting.startswith("./"):
        subfolder = _folder(setting[1:])  # "./" alone: next to each note, so nothing to skip
    else:
        attachments = _folder(setting)
    return _Rules(
        excluded=tuple(folder for folder in (_folder(item) for item in settings.exclude) if folder),
        templates=templates_folder(root),
        attachments=attachments,
        attachments_subfolder=subfolder,
    )


def vault_sources(root: Path, settings: RagSettings) -> list[SourceFile]:
    """The files to index, in vault order, with what a refresh compares (mtime and size)."""
    if not root.is_dir():
        return []
    rules = _rules(root, settings)
    suffixes = _NOTE_SUFFIXES | (_PDF_SUFFIXES if settings.index_pdfs else frozenset())
    found: list[SourceFile] = []
    for file in vault_files(root, suffixes, skip_folder=rules.skip_folder):
        relative = file.relative_to(root).as_posix()
        kind: SourceKind = "pdf" if file.suffix.lower() == ".pdf" else "md"
        if kind == "md" and rules.attachment(relative):
            continue
        try:
            stat = file.stat()
        except OSError as error:  # removed or made unreadable since the walk
            logger.debug("Skipping %s: %s", relative, error)
            continue
        found.append(SourceFile(relative, file, kind, stat.st_mtime_ns, stat.st_size))
    return found
