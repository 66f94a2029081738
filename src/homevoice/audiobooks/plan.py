"""What to say, in order: each chapter as sentences (with their cache keys) and the silences between.

Planning is cheap and deterministic, so the same document, voice and speed always give the same
keys: a restarted render finds its finished sentences in the cache, and an edited document only
needs the sentences whose text changed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from homevoice.audiobooks.document import Document, DocumentError
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechService
from homevoice.text import Pause, detect_language, split_sentences
from homevoice.text.language import resolve_language

CACHE_VERSION = 1
"""Bump when synthesis changes what the same (text, voice, speed) sounds like."""
LANGUAGE_SAMPLE_CHARS = 5000
_PARAGRAPHS = re.compile(r"\n\s*\n")


@dataclass(frozen=True)
class Pauses:
    sentence_s: float
    paragraph_s: float
    chapter_s: float


@dataclass(frozen=True)
class Sentence:
    text: str
    """Normalised for the engine (words, not digits)."""
    key: str
    """The sentence audio's cache key."""
    caption: str
    """The sentence as written, for subtitles."""


@dataclass(frozen=True)
class Silence:
    seconds: float


PlanItem = Sentence | Silence


@dataclass(frozen=True)
class ChapterPlan:
    title: str
    items: tuple[PlanItem, ...]

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(item for item in self.items if isinstance(item, Sentence))


@dataclass(frozen=True)
class BookPlan:
    voice: str
    engine: str
    language: str
    speed: float
    chapters: tuple[ChapterPlan, ...]

    def unique_sentences(self) -> list[Sentence]:
        """Every sentence to synthesise once (a repeated sentence is cached once), in reading order."""
        seen: set[str] = set()
        unique: list[Sentence] = []
        for chapter in self.chapters:
            for sentence in chapter.sentences:
                if sentence.key not in seen:
                    seen.add(sentence.key)
                    unique.append(sentence)
        return unique

    @property
    def characters(self) -> int:
        return sum(len(s.text) for c in self.chapters for s in c.sentences)


def sentence_key(engine: str, voice: str, speed: float, text: str) -> str:
    material = f"{CACHE_VERSION}\0{engine}\0{voice}\0{speed:.4f}\0{text}"
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def book_language(document: Document, requested: str | None) -> str:
    """The language asked for, else the document's own, else detected from its text."""
    for candidate in (requested, document.language):
        if candidate and candidate.strip().lower() not in ("", "auto"):
            try:
                return resolve_language(candidate.strip().lower()[:2])
            except HomevoiceError:
                continue
    sample = " ".join(c.text for c in document.chapters)[:LANGUAGE_SAMPLE_CHARS]
    return detect_language(sample)


def plan_book(
    document: Document,
    speech: SpeechService,
    *,
    voice: str | None,
    language: str | None,
    speed: float,
    pauses: Pauses,
) -> BookPlan:
    """Plan the whole book; input errors (unknown voice, nothing to say) surface here."""
    if not 0.25 <= speed <= 4.0:
        raise HomevoiceError("Speed must be between 0.25 and 4.0.", code="invalid_speed")
    code = book_language(document, language)
    chosen = speech.voice_for(voice, code)
    engine = speech.identity(chosen)
    chapters: list[ChapterPlan] = []
    reader = _Reader(speech, code, chosen, engine, speed, pauses)
    for chapter in document.chapters:
        items = list(reader.chapter(chapter.title, chapter.text))
        if any(isinstance(item, Sentence) for item in items):
            chapters.append(ChapterPlan(chapter.title, tuple(items)))
    if not chapters:
        raise DocumentError("The document has no text to read aloud.", code="empty_document")
    return BookPlan(chosen, engine, code, speed, tuple(chapters))


@dataclass(frozen=True)
class _Reader:
    """How this book is read: its front end, language, voice and speed; pauses shrink with speed."""

    speech: SpeechService
    language: str
    voice: str
    engine: str
    speed: float
    pauses: Pauses

    def chapter(self, title: str, text: str) -> Iterator[PlanItem]:
        """The chapter's title, a longer pause, then its paragraphs."""
        heading = list(self.sentences(title))
        yield from heading
        if heading:
            yield Silence(self.pauses.chapter_s / self.speed)
        first = True
        for paragraph in _PARAGRAPHS.split(text):
            said = list(self.paragraph(paragraph))
            if not said:
                continue
            if not first:
                yield Silence(self.pauses.paragraph_s / self.speed)
            first = False
            yield from said

    def paragraph(self, text: str) -> Iterator[PlanItem]:
        first = True
        for item in self.sentences(text):
            if isinstance(item, Sentence) and not first:
                yield Silence(self.pauses.sentence_s / self.speed)
            first = False
            yield item

    def sentences(self, text: str) -> Iterator[PlanItem]:
        flat = " ".join(text.split())
        if not flat:
            return
        for written in split_sentences(flat, self.language):
            try:
                script = self.speech.prepare_text(written, self.language)
            except HomevoiceError as err:
                if err.code == "empty_text":
                    continue  # punctuation or symbols only: nothing to say
                raise
            for part in script.parts:
                if isinstance(part, Pause):
                    yield Silence(part.seconds / self.speed)
                else:
                    key = sentence_key(self.engine, self.voice, self.speed, part.text)
                    yield Sentence(part.text, key, written)
