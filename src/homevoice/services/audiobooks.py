"""Documents read aloud as the adapters see it: load, plan, synthesise in parallel, assemble, publish.

The CLI, the job workflow and the Telegram bot all go through here. Sentence audio lives in a
cache shared by every render, so a killed render resumes where it stopped and an edited document
re-synthesises only the sentences that changed.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from homevoice.audiobooks.cache import SentenceCache
from homevoice.audiobooks.document import Document, DocumentError, parse_chapter_range
from homevoice.audiobooks.extract import load_document, load_document_bytes
from homevoice.audiobooks.library import AudiobookLibrary, BookRecord
from homevoice.audiobooks.plan import BookPlan, Pauses, plan_book
from homevoice.audiobooks.pool import ShouldStop, SynthesisPool, SynthesisStats, worker_count
from homevoice.audiobooks.render import AssemblyOptions, assemble
from homevoice.services.speech import SpeechService
from homevoice.settings import Settings
from homevoice.settings_audiobooks import AudiobookFormat

log = logging.getLogger(__name__)

SYNTHESIS_SHARE = 0.95
"""Of a render's progress; assembling the files is the rest."""


@dataclass(frozen=True)
class AudiobookRequest:
    voice: str | None = None
    language: str | None = None
    """None uses the document's declared language, else detects it."""
    speed: float = 1.0
    format: AudiobookFormat | None = None
    """None uses ``HOMEVOICE_AUDIOBOOKS__FORMAT``."""
    chapters: str | None = None
    """``"1-3,5"``: only these chapters."""
    subtitles: bool = True


@dataclass(frozen=True)
class RenderProgress:
    fraction: float
    """Of the whole render, 0..1."""
    characters_done: int
    characters: int
    eta_s: float | None
    """Seconds left, once enough is done to tell."""


ProgressCallback = Callable[[RenderProgress], None]


@dataclass(frozen=True)
class RenderResult:
    record: BookRecord
    stats: SynthesisStats
    folder: Path
    """Where the files are: the library's folder for the book, or the folder asked for."""


class AudiobookService:
    def __init__(self, settings: Settings, speech: SpeechService, library: AudiobookLibrary) -> None:
        self._settings = settings
        self._speech = speech
        self.library = library
        self.cache = SentenceCache(settings.audiobooks_dir / "cache")
        self._pool: SynthesisPool | None = None

    @property
    def workers(self) -> int:
        return worker_count(self._settings.audiobooks.workers)

    def load(self, path: Path) -> Document:
        limit = self._limit_bytes()
        if path.is_file() and path.stat().st_size > limit:
            raise self._too_big(path.stat().st_size)
        return load_document(path)

    def load_bytes(self, data: bytes, filename: str) -> Document:
        if len(data) > self._limit_bytes():
            raise self._too_big(len(data))
        return load_document_bytes(data, filename)

    def plan(self, document: Document, request: AudiobookRequest) -> BookPlan:
        if request.chapters:
            document = document.select(parse_chapter_range(request.chapters))
        settings = self._settings.audiobooks
        pauses = Pauses(settings.sentence_pause_s, settings.paragraph_pause_s, settings.chapter_pause_s)
        return plan_book(
            document,
            self._speech,
            voice=request.voice,
            language=request.language,
            speed=request.speed,
            pauses=pauses,
        )

    def synthesise(
        self,
        plan: BookPlan,
        *,
        progress: ProgressCallback | None = None,
        should_stop: ShouldStop | None = None,
        chapters: range | None = None,
    ) -> SynthesisStats:
        """Fill the cache with the plan's sentences (or those of some chapters), in parallel."""
        self._speech.voice_for(plan.voice, plan.language)  # an unknown voice fails here, not in a worker
        selected = plan.chapters if chapters is None else tuple(plan.chapters[i] for i in chapters)
        sentences = BookPlan(plan.voice, plan.engine, plan.language, plan.speed, selected).unique_sentences()
        started = time.monotonic()
        baseline: list[int] = []

        def report(done: int, total: int) -> None:
            if progress is None:
                return
            if not baseline:
                baseline.append(done)  # what the cache already held does not count for the ETA
            worked = done - baseline[0]
            elapsed = time.monotonic() - started
            eta = (total - done) * elapsed / worked if worked > 0 and elapsed > 1 else None
            share = done / total if total else 1.0
            progress(RenderProgress(share * SYNTHESIS_SHARE, done, total, eta))

        return self._get_pool().synthesise(
            plan.voice, plan.speed, sentences, progress=report, should_stop=should_stop
        )

    def render(
        self,
        document: Document,
        request: AudiobookRequest,
        book_id: str,
        *,
        source: str = "",
        progress: ProgressCallback | None = None,
        should_stop: ShouldStop | None = None,
        publish: bool = True,
    ) -> RenderResult:
        """Plan, synthesise what is missing, assemble; published into the library when ``publish``."""
        plan = self.plan(document, request)
        stats = self.synthesise(plan, progress=progress, should_stop=should_stop)
        record = self.write(document, plan, request, book_id, source=source, progress=progress)
        folder = self.library.root / book_id
        if publish:
            self.library.publish(record)
        else:
            folder = self.library.root / f"{book_id}.partial"
        return RenderResult(record, stats, folder)

    def write(
        self,
        document: Document,
        plan: BookPlan,
        request: AudiobookRequest,
        book_id: str,
        *,
        source: str = "",
        progress: ProgressCallback | None = None,
    ) -> BookRecord:
        """Assemble the synthesised book into the library's staging folder; returns its record."""
        settings = self._settings.audiobooks
        if request.chapters:
            document = document.select(parse_chapter_range(request.chapters))
        out_dir = self.library.staging_dir(book_id)
        options = AssemblyOptions(
            format=request.format or settings.format,
            bitrate_kbps=settings.bitrate_kbps,
            loudness_lufs=settings.loudness_lufs,
            subtitles=request.subtitles,
        )
        characters = plan.characters

        def chapter_done(done: int, total: int) -> None:
            if progress:
                share = SYNTHESIS_SHARE + (1 - SYNTHESIS_SHARE) * done / total
                progress(RenderProgress(share, characters, characters, None))

        book = assemble(document, plan, self.cache, out_dir, options, on_chapter=chapter_done)
        keys = [s.key for s in plan.unique_sentences()]
        self.cache.touch(keys)
        removed = self.cache.trim(int(settings.cache_max_mb * 1_000_000), keep=keys)
        if removed:
            log.info("audiobook cache: %d least recently used sentence(s) deleted", removed)
        return BookRecord(
            id=book_id,
            title=document.title,
            author=document.author,
            language=plan.language,
            voice=plan.voice,
            created_at=time.time(),
            duration=round(book.duration, 3),
            format=options.format,
            files=book.files,
            chapters=book.chapters,
            source=Path(source).name if source else "",
        )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def _get_pool(self) -> SynthesisPool:
        if self._pool is None:
            self._pool = SynthesisPool(self._settings, self.cache.root, self.workers)
        return self._pool

    def _limit_bytes(self) -> int:
        return int(self._settings.audiobooks.max_document_mb * 1_000_000)

    def _too_big(self, size: int) -> DocumentError:
        return DocumentError(
            f"The document has {size / 1e6:.1f} MB; the limit is {self._settings.audiobooks.max_document_mb:g} MB "
            "(HOMEVOICE_AUDIOBOOKS__MAX_DOCUMENT_MB).",
            code="document_too_large",
        )
