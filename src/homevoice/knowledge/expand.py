"""Expand: the notes marked ``status: unprocessed``, grouped by day and topic, become expanded notes.

One run: find the unprocessed notes (the index's walking rules, the expanded-notes folder left
out), group them by the day they were made (their ``created`` property, else the file's mtime, in
the vault's time zone) and within a day by topic, ask the LLM to expand each group, write the
expanded note, then mark its sources ``status: processed`` with an ``expanded`` link.

Reruns are safe: an expanded note lists its sources, so a source still unprocessed after a crash
between writing and marking is found in that list and only marked, never expanded a second time.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date, datetime, tzinfo
from typing import Any

import numpy as np

from homevoice.engines.embed.base import Embedder
from homevoice.engines.llm.base import ChatModel
from homevoice.knowledge.expand_note import (
    EXPAND_MAX_TOKENS,
    SourceNote,
    expanded_filename,
    expanded_markdown,
    expansion_messages,
    parse_expansion,
    source_link,
    topic_title,
)
from homevoice.knowledge.links import link_target
from homevoice.knowledge.marking import mark_processed
from homevoice.knowledge.sources import vault_sources
from homevoice.settings import Settings
from homevoice.text.language import detect_language
from homevoice.vault.errors import VaultError
from homevoice.vault.frontmatter import frontmatter_end, parse_note
from homevoice.vault.walk import vault_files
from homevoice.vault.writer import VaultWriter

log = logging.getLogger(__name__)

STATUS_UNPROCESSED = "unprocessed"
_EMBED_CHARS = 2000
"""What of a note is embedded to find its topic: its beginning says what it is about."""
_CREATE_ATTEMPTS = 5


def note_moment(created: Any, mtime: float, zone: tzinfo | None) -> datetime:
    """When a note was made: its ``created`` property (a YAML timestamp, date or ISO string; a
    time without an offset is the vault's), else the file's mtime; in ``zone``."""
    moment: datetime | None = None
    if isinstance(created, str):
        try:
            created = datetime.fromisoformat(created.strip())
        except ValueError:
            created = None
    if isinstance(created, datetime):
        moment = created
    elif isinstance(created, date):
        moment = datetime(created.year, created.month, created.day)
    if moment is None:
        moment = (
            datetime.fromtimestamp(mtime, tz=zone) if zone else datetime.fromtimestamp(mtime).astimezone()
        )
    elif moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return moment.astimezone(zone) if zone else moment.astimezone()


def find_unprocessed(settings: Settings, zone: tzinfo | None) -> list[SourceNote]:
    """The vault's notes marked ``status: unprocessed``, oldest first."""
    rag = settings.rag
    rules = rag.model_copy(update={"index_pdfs": False, "exclude": [*rag.exclude, rag.expand_folder]})
    found: list[SourceNote] = []
    for source in vault_sources(settings.vault_dir, rules):
        if source.kind != "md":
            continue
        try:
            data = source.file.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            log.debug("skipping %s: %s", source.path, error)
            continue
        if STATUS_UNPROCESSED not in text[: frontmatter_end(text)]:
            continue  # cheap: most notes never had the property, and YAML is parsed only for the rest
        fields, body = parse_note(text)
        status = fields.get("status")
        if not isinstance(status, str) or status.strip().casefold() != STATUS_UNPROCESSED:
            continue
        moment = note_moment(fields.get("created"), source.mtime_ns / 1e9, zone)
        title = fields.get("title")
        name = source.path.rsplit("/", 1)[-1][:-3]
        found.append(
            SourceNote(
                path=source.path,
                title=title.strip() if isinstance(title, str) and title.strip() else name,
                body=body,
                moment=moment,
                day=moment.date(),
                data=data,
            )
        )
    return sorted(found, key=lambda note: (note.moment, note.path))


def expanded_sources(writer: VaultWriter, folder: str) -> dict[str, str]:
    """Which expanded note already lists each source: ``link_target`` -> the expanded note's path."""
    directory = writer.resolve(folder)
    if not directory.is_dir():
        return {}
    listed: dict[str, str] = {}
    for file in vault_files(directory, {".md"}):
        try:
            fields, _ = parse_note(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        sources = fields.get("sources")
        if fields.get("type") != "expanded" or not isinstance(sources, list):
            continue
        path = f"{folder}/{file.relative_to(directory).as_posix()}"
        for source in sources:
            if isinstance(source, str):
                listed.setdefault(link_target(source), path)
    return listed


def topic_groups(vectors: np.ndarray[Any, Any], threshold: float) -> list[list[int]]:
    """Greedy grouping of unit vectors, in order: each joins the topic whose mean direction is most
    similar (cosine) if at least ``threshold``, else starts a topic of its own."""
    groups: list[list[int]] = []
    sums: list[np.ndarray[Any, Any]] = []
    for i, vector in enumerate(vectors):
        best, best_score = -1, threshold
        for g, total in enumerate(sums):
            score = float(total @ vector) / max(float(np.linalg.norm(total)), 1e-12)
            if score >= best_score:
                best, best_score = g, score
        if best < 0:
            groups.append([i])
            sums.append(vector.astype(np.float64))
        else:
            groups[best].append(i)
            sums[best] = sums[best] + vector
    return groups


class Expander:
    """One expand run over the vault; the LLM is asked for only when there is something to expand."""

    def __init__(
        self, settings: Settings, embedder: Embedder | None, llm: Callable[[], ChatModel], model: str
    ) -> None:
        self.settings = settings
        self.embedder = embedder
        self.llm = llm
        self.model = model
        self.zone = settings.vault.zone
        self.writer = VaultWriter(settings.vault_dir)
        self.folder = settings.rag.expand_folder

    def run(self, day: date | None) -> tuple[list[str], list[str], list[str]]:
        """``(written, processed, skipped)`` vault paths."""
        notes = find_unprocessed(self.settings, self.zone)
        if day is not None:
            notes = [note for note in notes if note.day == day]
        written: list[str] = []
        processed: list[str] = []
        skipped: list[str] = []
        listed = expanded_sources(self.writer, self.folder) if notes else {}
        pending: dict[date, list[SourceNote]] = {}
        for note in notes:
            earlier = listed.get(link_target(note.link))
            if earlier is not None:  # expanded by a run that stopped before marking it
                self._mark([note], earlier, processed, skipped)
            else:
                pending.setdefault(note.day, []).append(note)
        for day_notes in pending.values():
            for group in self._topics(day_notes):
                path = self._expand(group)
                written.append(path)
                self._mark(group, path, processed, skipped)
        return written, processed, skipped

    def _topics(self, notes: list[SourceNote]) -> list[list[SourceNote]]:
        if len(notes) < 2 or self.embedder is None:
            return [notes]
        # The body alone: a capture's title repeats its first words, and titles alone pull apart.
        texts = [note.text[:_EMBED_CHARS] or topic_title(note.title) for note in notes]
        vectors = self.embedder.embed_passages(texts)
        groups = topic_groups(vectors, self.settings.rag.expand_similarity)
        return [[notes[i] for i in group] for group in groups]

    def _expand(self, group: Sequence[SourceNote]) -> str:
        day = group[0].day
        language = detect_language(" ".join(note.text[:500] for note in group))
        messages = expansion_messages(group, language, self.settings.rag.context_chars)
        reply = self.llm().chat(messages, max_tokens=EXPAND_MAX_TOKENS)
        expansion = parse_expansion(reply.content or "", [note.link for note in group])
        created = datetime.now(self.zone) if self.zone else datetime.now().astimezone()
        data = expanded_markdown(day, group, expansion, created, self.model).encode("utf-8")
        name = expanded_filename(day, group)
        for _ in range(_CREATE_ATTEMPTS):  # another writer may take the free name first
            path = self.writer.unique_path(self.folder, name)
            if self.writer.create(path, data):
                log.debug("expanded %d note(s) of %s into %s", len(group), day, path)
                return path
        raise VaultError(
            f"Cannot find a free name for {name!r} in {self.folder!r}; the folder keeps changing.",
            code="vault_unwritable",
        )

    def _mark(
        self, notes: Sequence[SourceNote], expanded: str, processed: list[str], skipped: list[str]
    ) -> None:
        link = source_link(expanded)
        for note in notes:
            if mark_processed(self.writer, note.path, note.data, link):
                processed.append(note.path)
            else:
                log.info("a source note changed while it was expanded; left unmarked")
                log.debug("left unmarked: %s", note.path)
                skipped.append(note.path)
