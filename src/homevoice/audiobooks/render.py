"""A planned book into audio files: sentences from the cache, pauses between, loudness per chapter.

Synthesis happens before (``SynthesisPool``); this module only reads the cache, so assembling a
book is quick and repeatable, and a render that died here simply assembles again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from homevoice.audiobooks.cache import SentenceCache
from homevoice.audiobooks.container import BookMeta, M4bWriter, write_audio_file
from homevoice.audiobooks.document import Cover, Document
from homevoice.audiobooks.library import BookFile, ChapterMark
from homevoice.audiobooks.loudness import normalise_loudness
from homevoice.audiobooks.plan import BookPlan, ChapterPlan, Sentence
from homevoice.audiobooks.subtitles import Cue, to_srt, to_vtt
from homevoice.errors import HomevoiceError
from homevoice.settings_audiobooks import AudiobookFormat

MEDIA_TYPES = {"m4b": "audio/mp4", "mp3": "audio/mpeg", "opus": "audio/ogg"}
COVER_NAMES = {"image/jpeg": "cover.jpg", "image/png": "cover.png"}

ChapterDone = Callable[[int, int], None]
"""Called with (chapters written, chapters in all)."""


@dataclass(frozen=True)
class AssembledBook:
    files: tuple[BookFile, ...]
    chapters: tuple[ChapterMark, ...]
    duration: float


@dataclass(frozen=True)
class AssemblyOptions:
    format: AudiobookFormat = "m4b"
    bitrate_kbps: int = 64
    loudness_lufs: float = -18.0
    subtitles: bool = True


def assemble(
    document: Document,
    plan: BookPlan,
    cache: SentenceCache,
    out_dir: Path,
    options: AssemblyOptions,
    on_chapter: ChapterDone | None = None,
) -> AssembledBook:
    """Write the book's audio (one M4B with chapter marks, or one file per chapter), subtitles and cover."""
    meta = BookMeta(
        title=document.title, author=document.author, language=plan.language, cover=document.cover
    )
    rate = _rate(plan, cache)
    bitrate = options.bitrate_kbps * 1000
    files: list[BookFile] = []
    marks: list[ChapterMark] = []
    cues: list[Cue] = []
    count = len(plan.chapters)
    if options.format == "m4b":
        path = out_dir / "book.m4b"
        with M4bWriter(path, rate, meta, bitrate=bitrate) as writer:
            for index, chapter in enumerate(plan.chapters):
                samples, chapter_cues = _chapter_audio(chapter, cache, rate, options.loudness_lufs)
                start, end = writer.add_chapter(chapter.title, [samples])
                marks.append(ChapterMark(chapter.title, start, end))
                cues += [Cue(c.start + start, c.end + start, c.text) for c in chapter_cues]
                if on_chapter:
                    on_chapter(index + 1, count)
            duration = writer.close()
        files.append(_file(path, MEDIA_TYPES["m4b"], duration, document.title))
        if options.subtitles:
            files += _subtitles(out_dir / "book", cues, document.title)
    else:
        duration = 0.0
        digits = max(2, len(str(count)))
        for index, chapter in enumerate(plan.chapters):
            samples, chapter_cues = _chapter_audio(chapter, cache, rate, options.loudness_lufs)
            stem = f"chapter-{index + 1:0{digits}d}"
            path = out_dir / f"{stem}.{options.format}"
            length = write_audio_file(
                path,
                options.format,
                rate,
                [samples],
                meta,
                track=index + 1,
                title=chapter.title,
                bitrate=bitrate,
            )
            marks.append(ChapterMark(chapter.title, duration, duration + length))
            duration += length
            files.append(_file(path, MEDIA_TYPES[options.format], length, chapter.title))
            if options.subtitles:
                files += _subtitles(out_dir / stem, chapter_cues, chapter.title)
            if on_chapter:
                on_chapter(index + 1, count)
    if document.cover is not None:
        files.append(_cover(out_dir, document.cover))
    return AssembledBook(tuple(files), tuple(marks), duration)


def _chapter_audio(
    chapter: ChapterPlan, cache: SentenceCache, rate: int, loudness_lufs: float
) -> tuple[NDArray[np.float32], list[Cue]]:
    pieces: list[NDArray[np.float32]] = []
    cues: list[Cue] = []
    position = 0
    for item in chapter.items:
        if isinstance(item, Sentence):
            samples = _sentence(cache, item, rate)
            start, position = position, position + len(samples)
            _add_cue(cues, start / rate, position / rate, item.caption)
            pieces.append(samples)
        else:
            silence = int(item.seconds * rate)
            pieces.append(np.zeros(silence, dtype=np.float32))
            position += silence
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    return normalise_loudness(audio, rate, target_lufs=loudness_lufs), cues


def _add_cue(cues: list[Cue], start: float, end: float, caption: str) -> None:
    """Pieces of one long sentence share its caption: they become one cue."""
    if cues and cues[-1].text == caption and abs(cues[-1].end - start) < 1e-6:
        cues[-1] = Cue(cues[-1].start, end, caption)
    else:
        cues.append(Cue(start, end, caption))


def _sentence(cache: SentenceCache, sentence: Sentence, rate: int) -> NDArray[np.float32]:
    found = cache.get(sentence.key)
    if found is None:
        raise HomevoiceError(
            "A sentence's audio vanished from the cache during the render; render the book again.",
            code="audiobook_cache_missing",
        )
    samples, sentence_rate = found
    if sentence_rate != rate:
        raise HomevoiceError(
            f"Cached audio at {sentence_rate} Hz in a {rate} Hz book; clear the audiobook cache.",
            code="audiobook_cache_mismatch",
        )
    return samples


def _rate(plan: BookPlan, cache: SentenceCache) -> int:
    for chapter in plan.chapters:
        for sentence in chapter.sentences:
            found = cache.get(sentence.key)
            if found is not None:
                return found[1]
    raise HomevoiceError("Nothing of the book was synthesised.", code="audiobook_cache_missing")


def _subtitles(stem: Path, cues: list[Cue], title: str) -> list[BookFile]:
    srt, vtt = stem.with_suffix(".srt"), stem.with_suffix(".vtt")
    srt.write_text(to_srt(cues), encoding="utf-8")
    vtt.write_text(to_vtt(cues), encoding="utf-8")
    return [
        _file(srt, "application/x-subrip", 0.0, title, kind="subtitles"),
        _file(vtt, "text/vtt", 0.0, title, kind="subtitles"),
    ]


def _cover(out_dir: Path, cover: Cover) -> BookFile:
    path = out_dir / COVER_NAMES.get(cover.media_type, "cover.jpg")
    path.write_bytes(cover.data)
    return _file(path, cover.media_type, 0.0, "cover", kind="cover")


def _file(path: Path, media_type: str, duration: float, title: str, kind: str = "audio") -> BookFile:
    return BookFile(path.name, media_type, path.stat().st_size, round(duration, 3), title, kind)


def safe_stem(title: str, fallback: str = "audiobook") -> str:
    """A file name stem from a title: letters, digits, spaces and dashes only."""
    stem = re.sub(r"[^\w\- ]+", "", title, flags=re.UNICODE).strip()[:80]
    return stem or fallback
