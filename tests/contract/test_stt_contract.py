"""One suite that every installed speech-to-text engine and embedded model must pass."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.engines.base import Segment, SpeechToText, SttLoadOptions, TranscribeOptions
from homevoice.engines.catalog import EMBEDDED
from homevoice.engines.registry import BACKENDS, is_available, load_backend
from homevoice.evaluation.wer import normalize, word_error_rate

pytestmark = pytest.mark.e2e

CASES = [(spec.name, spec.engine, spec.languages) for spec in EMBEDDED if is_available(BACKENDS[spec.engine])]


@pytest.fixture(scope="module", params=CASES, ids=[c[0] for c in CASES])
def engine(request: pytest.FixtureRequest, models_dir: Path) -> Iterator[SpeechToText]:
    name, engine_name, languages = request.param
    engine_cls = load_backend(engine_name)
    instance: SpeechToText = engine_cls(models_dir / name, SttLoadOptions(cpu_threads=2, languages=languages))
    yield instance
    instance.close()


@pytest.fixture(scope="module")
def speech(evalset: Path) -> np.ndarray:
    return decode_audio(evalset / "audio" / "en_librivox_sense_0870.wav").samples


def test_declares_capabilities(engine: SpeechToText) -> None:
    caps = engine.capabilities
    assert caps.sample_rate == SAMPLE_RATE
    assert caps.languages is None or all(len(code) == 2 for code in caps.languages)
    assert caps.translate == (caps.languages is None)


def test_transcript_is_consistent(engine: SpeechToText, speech: np.ndarray) -> None:
    seen: list[float] = []
    transcript = engine.transcribe(
        speech, TranscribeOptions(language="en", word_timestamps=True), seen.append
    )
    duration = len(speech) / SAMPLE_RATE
    assert transcript.duration == pytest.approx(duration)
    assert transcript.language == "en"
    assert "dashwood" in transcript.text.lower()
    assert transcript.text == " ".join(s.text for s in transcript.segments)
    assert [s.id for s in transcript.segments] == list(range(len(transcript.segments)))
    assert all(0 <= s.start < s.end <= duration + 0.01 for s in transcript.segments)
    assert transcript.words and all(w.text for w in transcript.words)
    assert seen == sorted(seen) and seen[-1] == 1.0


def test_segments_are_announced_as_they_are_decoded(engine: SpeechToText, evalset: Path) -> None:
    # Cut mid-speech: the last segment's timestamp must still stay inside the audio.
    audio = decode_audio(evalset / "audio" / "en_ljspeech_LJ050-0131.wav").samples[: int(5.3 * SAMPLE_RATE)]
    announced: list[Segment] = []
    transcript = engine.transcribe(
        audio, TranscribeOptions(language="en", word_timestamps=True), None, announced.append
    )
    assert tuple(announced) == transcript.segments and announced
    duration = len(audio) / SAMPLE_RATE
    assert all(0 <= w.start <= w.end <= duration for w in transcript.words)
    assert all(s.end <= duration for s in transcript.segments)


def test_batched_pipeline_gives_the_same_words(engine: SpeechToText, speech: np.ndarray) -> None:
    sequential = engine.transcribe(speech, TranscribeOptions(language="en"))
    batched = engine.transcribe(speech, TranscribeOptions(language="en", batched=True))
    assert len(batched.segments) >= 1
    assert word_error_rate([normalize(sequential.text, "en")], [normalize(batched.text, "en")]) <= 0.2


def test_silence_gives_an_empty_transcript(engine: SpeechToText) -> None:
    language = None if engine.capabilities.languages is None else "en"
    transcript = engine.transcribe(
        np.zeros(10 * SAMPLE_RATE, dtype=np.float32), TranscribeOptions(language=language)
    )
    assert transcript.text == "" and transcript.segments == ()


def test_unknown_language_is_a_clear_error(engine: SpeechToText, speech: np.ndarray) -> None:
    from homevoice.errors import HomevoiceError

    with pytest.raises(HomevoiceError) as caught:
        engine.transcribe(speech, TranscribeOptions(language="xx"))
    assert caught.value.code == "unsupported_language"
