"""What a refresh has to do: compare the vault with the catalog and read what changed.

An unchanged file is recognised by its modification time and size without being read; a file
whose stat changed is read and hashed, and only a different hash means new passages.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt

from homevoice.engines.embed.base import Vectors
from homevoice.knowledge import keywords
from homevoice.knowledge.catalog import PendingSource, SourceRow
from homevoice.knowledge.chunking import SourceText, chunk_note, decode_note
from homevoice.knowledge.pdf_text import SourceError, chunk_pdf
from homevoice.knowledge.sources import SourceFile

logger = logging.getLogger(__name__)

MAX_NOTE_BYTES: Final = 16 * 1024 * 1024
MAX_PDF_BYTES: Final = 512 * 1024 * 1024


def source_key(path: str) -> str:
    """A fixed-length key for a vault path: safe in a Milvus filter whatever the file is called."""
    return hashlib.sha1(path.encode("utf-8"), usedforsecurity=False).hexdigest()


def chunk_ids(path: str, count: int) -> list[str]:
    key = source_key(path)
    return [f"{key}-{ordinal}" for ordinal in range(count)]


def embedding_text(title: str, heading: str | None, text: str) -> str:
    """What is embedded for a passage: its note's title and heading say what it is about."""
    context = title if not heading or heading.casefold() == title.casefold() else f"{title}. {heading}"
    return f"{context}\n{text}"


@dataclass
class Tally:
    """What one refresh did, as it goes."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    embedded: int = 0
    failed: list[str] = field(default_factory=list)
    restart: bool = False


def script_sums(
    batch: list[PendingSource], vectors: Vectors
) -> tuple[list[str], dict[str, dict[str, tuple[int, npt.NDArray[np.float64]]]]]:
    """Each passage's script, and per source and script the count and sum of its vectors
    (the ranking's script calibration needs each script's mean over the whole index)."""
    scripts = [keywords.script_of(chunk.text) for item in batch for chunk in item.text.chunks]
    sums: dict[str, dict[str, tuple[int, npt.NDArray[np.float64]]]] = {}
    paths = [item.path for item in batch for _ in item.ids]
    for path, script, vector in zip(paths, scripts, vectors.astype(np.float64), strict=True):
        count, total = sums.setdefault(path, {}).get(script, (0, np.zeros_like(vector)))
        sums[path][script] = (count + 1, total + vector)
    return scripts, sums


@dataclass
class Plan:
    """The outcome of comparing the vault with the catalog."""

    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    changed: list[tuple[SourceFile, bool]] = field(default_factory=list)
    """Files to read, each with whether the catalog already knew it."""


def plan_refresh(found: list[SourceFile], known: dict[str, SourceRow]) -> Plan:
    plan = Plan(removed=sorted(set(known) - {item.path for item in found}))
    for item in found:
        row = known.get(item.path)
        if row is not None and row.sha256 and row.mtime_ns == item.mtime_ns and row.size == item.size:
            plan.unchanged += 1
        else:
            plan.changed.append((item, row is not None and row.sha256 is not None))
    return plan


def _read(item: SourceFile) -> bytes:
    limit = MAX_PDF_BYTES if item.kind == "pdf" else MAX_NOTE_BYTES
    if item.size > limit:
        raise SourceError(f"larger than {limit // (1024 * 1024)} MB")
    try:
        return item.file.read_bytes()
    except OSError as error:
        raise SourceError(f"cannot be read ({error.strerror or error})") from None


def _chunk(item: SourceFile, data: bytes, chunk_chars: int) -> SourceText:
    if item.kind == "pdf":
        return chunk_pdf(item.path, data, chunk_chars)
    return chunk_note(item.path, decode_note(data), chunk_chars)


@dataclass(frozen=True)
class Reading:
    """One changed file after reading: new passages, the same content, or a failure."""

    item: SourceFile
    known: bool
    pending: PendingSource | None = None
    same_content: bool = False
    failure: str | None = None


def read_changed(plan: Plan, known: dict[str, SourceRow], chunk_chars: int) -> Iterator[Reading]:
    for item, was_known in plan.changed:
        try:
            data = _read(item)
            digest = hashlib.sha256(data).hexdigest()
            row = known.get(item.path)
            if row is not None and row.sha256 == digest:
                yield Reading(item, was_known, same_content=True)
                continue
            text = _chunk(item, data, chunk_chars)
        except SourceError as error:
            # Paths name notes, which may be private: only at DEBUG; the report lists them.
            logger.debug("Not indexed: %s: %s", item.path, error.message)
            yield Reading(item, was_known, failure=f"{item.path}: {error.message}")
            continue
        except Exception as error:  # a parser bug on one odd file must not stop the refresh
            logger.warning("A source could not be indexed: %s", type(error).__name__)
            logger.debug("Not indexed: %s", item.path, exc_info=True)
            yield Reading(item, was_known, failure=f"{item.path}: {type(error).__name__}")
            continue
        ids = chunk_ids(item.path, len(text.chunks))
        pending = PendingSource(item.path, digest, item.mtime_ns, item.size, item.kind, text, ids)
        yield Reading(item, was_known, pending=pending)
