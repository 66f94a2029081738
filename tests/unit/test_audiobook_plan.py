"""Planning a book: sentences with stable cache keys, pauses in the right places, clear errors."""

from __future__ import annotations

import errno
import os
import wave
from pathlib import Path

import numpy as np
import pytest

from homevoice.audiobooks.cache import SentenceCache
from homevoice.audiobooks.document import Chapter, Document, DocumentError, parse_chapter_range
from homevoice.audiobooks.plan import Pauses, Sentence, Silence, plan_book, sentence_key
from homevoice.audiobooks.pool import worker_count
from homevoice.engines.base import TextToSpeech
from homevoice.engines.manager import ModelManager
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechService, UnknownVoiceError
from homevoice.settings import TtsSettings

PAUSES = Pauses(sentence_s=0.25, paragraph_s=0.7, chapter_s=1.5)


def no_engines(name: str) -> TextToSpeech:
    raise AssertionError(f"planning must not load a voice ({name})")


@pytest.fixture
def speech() -> SpeechService:
    return SpeechService(TtsSettings(), ModelManager(no_engines, keep_alive_s=-1))


def book(*chapters: tuple[str, str], language: str | None = None) -> Document:
    return Document("Title", "Author", tuple(Chapter(t, x) for t, x in chapters), language=language)


def test_sentences_are_normalised_and_keep_their_written_form(speech: SpeechService) -> None:
    plan = plan_book(
        book(("Start", "I bought 3 apples. Then I went home.")),
        speech,
        voice=None,
        language="en",
        speed=1.0,
        pauses=PAUSES,
    )
    assert plan.voice == "en_US-joe-medium" and plan.engine == "piper" and plan.language == "en"
    items = plan.chapters[0].items
    texts = [i.text for i in items if isinstance(i, Sentence)]
    assert texts[0] == "Start." or texts[0].startswith("Start")
    assert "three" in texts[1] and "3" not in texts[1]
    assert [i.caption for i in items if isinstance(i, Sentence)][1] == "I bought 3 apples."
    # The title, the chapter pause, then sentences with sentence pauses between them.
    assert isinstance(items[1], Silence) and items[1].seconds == 1.5
    assert isinstance(items[3], Silence) and items[3].seconds == 0.25


def test_paragraph_pauses_scale_with_speed(speech: SpeechService) -> None:
    plan = plan_book(
        book(("A", "First paragraph.\n\nSecond paragraph.")),
        speech,
        voice=None,
        language="en",
        speed=2.0,
        pauses=PAUSES,
    )
    silences = [i.seconds for i in plan.chapters[0].items if isinstance(i, Silence)]
    assert silences == [0.75, 0.35]


def test_keys_depend_on_text_voice_and_speed_only(speech: SpeechService) -> None:
    one = plan_book(book(("A", "Hello there.")), speech, voice=None, language="en", speed=1.0, pauses=PAUSES)
    same = plan_book(book(("A", "Hello there.")), speech, voice=None, language="en", speed=1.0, pauses=PAUSES)
    faster = plan_book(
        book(("A", "Hello there.")), speech, voice=None, language="en", speed=1.5, pauses=PAUSES
    )
    keys = [s.key for s in one.unique_sentences()]
    assert keys == [s.key for s in same.unique_sentences()]
    assert not set(keys) & {s.key for s in faster.unique_sentences()}
    assert sentence_key("piper", "v", 1.0, "a") != sentence_key("festival", "v", 1.0, "a")


def test_repeated_sentences_are_synthesised_once(speech: SpeechService) -> None:
    plan = plan_book(
        book(("One", "Yes. Yes. No."), ("Two", "Yes.")),
        speech,
        voice=None,
        language="en",
        speed=1.0,
        pauses=PAUSES,
    )
    texts = [s.text for s in plan.unique_sentences()]
    assert len(texts) == len(set(texts))
    assert sum(len(c.sentences) for c in plan.chapters) > len(texts)


def test_language_from_the_document_then_detected(speech: SpeechService) -> None:
    russian = book(("Глава", "Мы вышли из дома в 7 утра."))
    assert (
        plan_book(russian, speech, voice=None, language=None, speed=1.0, pauses=PAUSES).voice == "festival-ru"
    )
    declared = book(("Chapter", "Plain words here."), language="en-GB")
    assert plan_book(declared, speech, voice=None, language=None, speed=1.0, pauses=PAUSES).language == "en"


def test_errors(speech: SpeechService) -> None:
    with pytest.raises(UnknownVoiceError):
        plan_book(book(("A", "Hello.")), speech, voice="nobody", language="en", speed=1.0, pauses=PAUSES)
    with pytest.raises(DocumentError) as empty:
        plan_book(book(("", "... --- !!!")), speech, voice=None, language="en", speed=1.0, pauses=PAUSES)
    assert empty.value.code == "empty_document"
    with pytest.raises(HomevoiceError) as speed:
        plan_book(book(("A", "Hello.")), speech, voice=None, language="en", speed=9.0, pauses=PAUSES)
    assert speed.value.code == "invalid_speed"


def test_chapter_ranges() -> None:
    assert parse_chapter_range("1-3, 5") == [1, 2, 3, 5]
    assert parse_chapter_range("2,2,1") == [1, 2]
    for bad in ("", "a", "3-1", "0", "1-"):
        with pytest.raises(DocumentError):
            parse_chapter_range(bad)
    document = book(("A", "x"), ("B", "y"), ("C", "z"))
    assert [c.title for c in document.select([1, 3]).chapters] == ["A", "C"]
    with pytest.raises(DocumentError) as missing:
        document.select([4])
    assert missing.value.code == "invalid_chapters"


def test_sentence_cache_round_trip_and_atomic_writes(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    assert cache.get("ab" * 32) is None and not cache.has("ab" * 32)
    samples = np.sin(np.linspace(0, 100, 22050)).astype(np.float32) * 0.5
    cache.put("ab" * 32, samples, 22050)
    found = cache.get("ab" * 32)
    assert found is not None
    audio, rate = found
    assert rate == 22050 and np.max(np.abs(audio - samples)) < 1e-3
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["ab" * 32 + ".wav"]  # no temporary left
    cache.path("cd" * 32).parent.mkdir(parents=True, exist_ok=True)
    cache.path("cd" * 32).write_bytes(b"RIFF\x00")  # damaged: treated as missing, synthesised again
    assert cache.get("cd" * 32) is None and not cache.has("cd" * 32)
    assert cache.has("ab" * 32)


def test_worker_count() -> None:
    assert worker_count(3) == 3
    assert worker_count(0) >= 1


def test_trimming_deletes_the_least_recently_used_but_never_the_book_just_made(tmp_path: Path) -> None:
    cache = SentenceCache(tmp_path)
    second = np.zeros(22050, dtype=np.float32)  # about 44 kB as 16-bit WAV
    keys = [f"{n:02d}" * 32 for n in range(6)]
    for age, key in enumerate(keys):
        cache.put(key, second, 22050)
        os.utime(cache.path(key), (1000 + age, 1000 + age))
    cache.touch([keys[0]])  # used just now: the newest
    size = cache.path(keys[0]).stat().st_size
    removed = cache.trim(3 * size, keep=[keys[1]])
    assert removed == 3
    assert [cache.has(k) for k in keys] == [True, True, False, False, False, True]
    assert cache.trim(10 * size) == 0


def test_a_full_disk_is_a_clear_error_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = SentenceCache(tmp_path)

    def full(*_: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(wave.Wave_write, "writeframes", full)
    with pytest.raises(HomevoiceError) as failed:
        cache.put("ef" * 32, np.zeros(100, dtype=np.float32), 22050)
    assert failed.value.code == "disk_full" and "delete" in failed.value.message
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
