"""Finding notes in the vault by words and by title: enough for voice commands without an index."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from homevoice.vault.frontmatter import parse_note
from homevoice.vault.names import is_conflict_file

SKIPPED_FOLDERS = {".obsidian", ".trash", ".git"}
_STEM = 5
"""Words compared by their first letters, so Russian endings (отпуск/отпуске) still match."""


@dataclass(frozen=True)
class NoteHit:
    path: str
    title: str
    score: float
    text: str


def notes(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*.md")):
        relative = path.relative_to(root)
        if SKIPPED_FOLDERS.intersection(relative.parts[:-1]) or is_conflict_file(path.name):
            continue
        yield relative.as_posix(), path


def search(root: Path, query: str, limit: int = 5) -> list[NoteHit]:
    terms = {_stem(w) for w in _words(query) if len(w) > 2}
    if not terms:
        return []
    hits: list[NoteHit] = []
    for relative, path in notes(root):
        body = note_text(path)
        title = path.stem
        title_words = {_stem(w) for w in _words(title)}
        body_words = [_stem(w) for w in _words(body)]
        score = 3.0 * len(terms & title_words) + sum(min(body_words.count(t), 3) for t in terms)
        if score > 0:
            hits.append(NoteHit(relative, title, score, body))
    hits.sort(key=lambda h: (-h.score, h.path))
    return hits[:limit]


def find_by_title(root: Path, title: str) -> NoteHit | None:
    wanted = " ".join(_words(title))
    best: tuple[float, str, Path] | None = None
    for relative, path in notes(root):
        ratio = difflib.SequenceMatcher(None, wanted, " ".join(_words(path.stem))).ratio()
        if wanted and wanted in " ".join(_words(path.stem)):
            ratio = max(ratio, 0.9)
        if best is None or ratio > best[0]:
            best = (ratio, relative, path)
    if best is None or best[0] < 0.5:
        return None
    return NoteHit(best[1], best[2].stem, best[0], note_text(best[2]))


def note_text(path: Path) -> str:
    """The note's words: no properties, embeds, link brackets or markup."""
    _, body = parse_note(path.read_text(encoding="utf-8", errors="replace"))
    body = re.sub(r"!\[\[[^\]]*\]\]", "", body)
    body = re.sub(r"\[\[([^\]|]*\|)?([^\]]*)\]\]", r"\2", body)
    body = re.sub(r"[*_`>#]+", "", body)
    return re.sub(r"\s+", " ", body).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("ё", "е"))


def _stem(word: str) -> str:
    return word[:_STEM]
