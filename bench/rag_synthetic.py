"""A large synthetic vault for the knowledge benchmark's speed figures, made from a real one.

Notes are recombined from the source vault's sentences and headings (both languages, in their
proportions), so passages have realistic lengths, words and scripts without being copies: each
section is one passage of 2 to 7 sentences under a heading, each note 3 to 8 sections.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

from homevoice.knowledge.chunking import chunk_note, decode_note
from homevoice.knowledge.sources import vault_sources
from homevoice.settings_knowledge import RagSettings

_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def material(vault: Path) -> tuple[list[str], list[str]]:
    """The sentences (at least four words) and headings of the vault's notes."""
    sentences: list[str] = []
    headings: list[str] = []
    for source in vault_sources(vault, RagSettings.model_validate({"index_pdfs": False})):
        note = chunk_note(source.path, decode_note(source.file.read_bytes()), 1200)
        for chunk in note.chunks:
            if chunk.heading:
                headings.append(chunk.heading)
            for paragraph in chunk.text.split("\n\n"):
                sentences.extend(s for s in _SENTENCE_END.split(paragraph) if len(s.split()) >= 4)
    if not sentences:
        raise SystemExit(f"{vault} has no notes with sentences to recombine")
    return sentences, headings or ["Notes"]


def write_vault(target: Path, source: Path, passages: int, chunk_chars: int = 1200, seed: int = 7) -> int:
    """Notes under ``target`` holding at least ``passages`` passages of up to ``chunk_chars``
    (counted as the index will cut them); returns how many notes."""
    rng = random.Random(seed)
    sentences, headings = material(source)
    written = notes = 0
    while written < passages:
        sections = min(rng.randint(3, 8), passages - written)  # the last note lands near the target
        title = " ".join(rng.choice(rng.choice(sentences).split()).strip(".,:;!?") for _ in range(3))
        parts = [f"# {title}"]
        for _ in range(sections):
            parts.append(f"## {rng.choice(headings)} {rng.randint(1, 999)}")
            parts.append(" ".join(rng.choice(sentences) for _ in range(rng.randint(2, 7))))
        folder = target / f"Folder {notes % 40:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        text = "\n\n".join(parts) + "\n"
        (folder / f"Note {notes:05d}.md").write_text(text, encoding="utf-8")
        written += len(chunk_note(f"Note {notes:05d}.md", text, chunk_chars).chunks)
        notes += 1
    return notes


def sample_queries(source: Path, count: int, seed: int = 11) -> list[str]:
    """Questions of plausible length: 3 to 9 consecutive words of the vault's sentences."""
    rng = random.Random(seed)
    sentences, _ = material(source)
    queries: list[str] = []
    while len(queries) < count:
        words = rng.choice(sentences).split()
        length = min(len(words), rng.randint(3, 9))
        start = rng.randint(0, len(words) - length)
        queries.append(" ".join(words[start : start + length]))
    return queries
