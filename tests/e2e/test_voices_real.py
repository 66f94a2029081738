"""Enrolled voices through the real engines: the voice service (checks, tiny.en for the transcript,
Piper joe and Festival as bases, the WORLD match), speaking with a voice everywhere speech is made,
enrolling again under a name, and `homevoice voices` and `say --voice` as a person runs them."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest

from homevoice.app import App, build_app
from homevoice.audio.codec import decode_audio
from homevoice.audio.wav import pcm16_bytes
from homevoice.errors import HomevoiceError
from homevoice.services.audiobooks import AudiobookRequest
from homevoice.services.speech import SpeechRequest, UnknownVoiceError
from homevoice.services.transcription import TranscriptionRequest
from homevoice.services.voices import EnrolRequest
from homevoice.settings import load_settings
from homevoice.voices.pitch import median_f0
from homevoice.voices.world import built_in_median_f0
from tests.e2e.test_cli_real import homevoice

pytestmark = pytest.mark.e2e

TEXT = "Please water the tomatoes before the evening."


@pytest.fixture(scope="module")
def app(own_data_dir: Callable[[str], Path]) -> Iterator[App]:
    application = build_app(
        load_settings(
            data_dir=own_data_dir("voices-real"),
            stt={"model": "tiny.en", "cpu_threads": 2},
            models={"keep_alive_s": -1},
        )
    )
    yield application
    application.close()


def speak(app: App, voice: str, text: str = TEXT) -> tuple[np.ndarray, int]:
    plan = app.speech.plan(SpeechRequest(text=text, voice=voice, language="en"))
    audio = np.concatenate(list(app.speech.samples(plan)))
    return audio, app.speech.sample_rate(plan.voice)


def test_an_enrolled_voice_speaks_closer_to_its_sample(app: App, clip: Callable[[str], Path]) -> None:
    sample = clip("en_arctic_a0024")  # a woman near 185 Hz, an octave above joe
    service = app.enrolled_voices()
    voice = service.enrol(EnrolRequest(name="reader", source=sample, origin="file arctic.wav"))
    try:
        assert voice.language == "en" and voice.transcript_source == "transcribed"
        assert "north" in voice.transcript.lower()
        assert voice.match is not None and voice.match["base_voice"] == "en_US-joe-medium"
        assert voice.reference_path.is_file() and voice.seed >= 0
        reference = decode_audio(sample).samples
        matched, rate = speak(app, "reader")
        base, base_rate = speak(app, "en_US-joe-medium")
        assert rate == base_rate and np.all(np.isfinite(matched)) and np.max(np.abs(matched)) <= 1.0
        assert not np.allclose(matched[: len(base)], base[: len(matched)])
        ref_f0, base_f0, matched_f0 = (
            median_f0(reference, 16_000),
            built_in_median_f0(base, rate),
            built_in_median_f0(matched, rate),
        )
        assert ref_f0 and base_f0 and matched_f0
        assert abs(np.log(matched_f0 / ref_f0)) < 0.5 * abs(np.log(base_f0 / ref_f0))
        # Heard back by speech to text: the match keeps the words.
        heard = app.transcription.transcribe(
            pcm16_bytes(matched, rate), TranscriptionRequest(language="en")
        ).text.lower()
        assert "tomatoes" in heard and "evening" in heard, heard
    finally:
        service.remove("reader")


def test_enrolling_again_under_a_name_is_a_new_voice_for_caches(
    app: App, clip: Callable[[str], Path]
) -> None:
    service = app.enrolled_voices()
    first = service.enrol(EnrolRequest(name="guest", source=clip("en_arctic_a0024"), origin="a"))
    identity = app.speech.identity("guest")
    speak(app, "guest")  # loaded under its enrolment
    service.remove("guest")
    with pytest.raises(UnknownVoiceError):
        app.speech.voice_for("guest", "en")
    second = service.enrol(EnrolRequest(name="guest", source=clip("en_librivox_sense_0920"), origin="b"))
    try:
        assert second.id != first.id and app.speech.identity("guest") != identity
        audio, _ = speak(app, "guest")
        assert len(audio) > 0
    finally:
        service.remove("guest")


def test_a_russian_sample_is_matched_on_the_russian_voice(app: App, clip: Callable[[str], Path]) -> None:
    service = app.enrolled_voices()
    sample = clip("ru_voxforge_ru_0022")
    try:
        voice = service.enrol(
            EnrolRequest(
                name="голос",
                source=sample,
                origin="file",
                language="ru",
                transcript=_manifest_transcript(sample),
            )
        )
    except HomevoiceError as err:
        pytest.fail(f"{err.code}: {err}")
    try:
        assert voice.match is not None and voice.match["base_voice"] == "festival-ru"
        plan = app.speech.plan(SpeechRequest(text="Встреча в 14:30.", voice="ГОЛОС"))
        assert plan.language == "ru" and plan.voice == "голос"
        assert len(np.concatenate(list(app.speech.samples(plan)))) > 0
    finally:
        service.remove("голос")


def test_refusals_store_nothing(app: App, clip: Callable[[str], Path]) -> None:
    service = app.enrolled_voices()
    silence = pcm16_bytes(np.zeros(16_000 * 8, dtype=np.float32), 16_000)
    with pytest.raises(HomevoiceError) as refused:
        service.enrol(EnrolRequest(name="quiet", source=silence, origin="x"))
    assert refused.value.code == "sample_silent"
    with pytest.raises(HomevoiceError) as unsupported:
        service.enrol(EnrolRequest(name="de", source=clip("en_arctic_a0024"), origin="x", language="de"))
    assert unsupported.value.code == "unsupported_language"
    assert service.list_voices() == []
    assert not list(app.settings.voices_dir.glob(".new-*"))  # no half-written voice left behind


def test_the_command_line_adds_lists_speaks_with_and_removes(
    own_data_dir: Callable[[str], Path], tmp_path: Path, clip: Callable[[str], Path]
) -> None:
    data = own_data_dir("voices-cli")
    added = homevoice(data, "voices", "add", "Narrator", str(clip("en_ljspeech_LJ050-0131")), "--json")
    assert added.returncode == 0, added.stderr
    entry = json.loads(added.stdout)
    assert (
        entry["id"] == "Narrator"
        and entry["approximate"]
        and entry["source"] == "file en_ljspeech_LJ050-0131.wav"
    )
    listed = homevoice(data, "voices", "list", "--json")
    assert [v["id"] for v in json.loads(listed.stdout)] == ["Narrator"]
    table = homevoice(data, "voices", "list")
    assert "Narrator" in table.stdout and "approximate" in table.stdout
    out = tmp_path / "hello.ogg"
    said = homevoice(data, "say", "--voice", "narrator", "Hello there, this is a test.", "-o", str(out))
    assert said.returncode == 0, said.stderr
    assert decode_audio(out).duration > 1.0
    taken = homevoice(data, "voices", "add", "narrator", str(clip("en_ljspeech_LJ050-0131")))
    assert taken.returncode == 1 and "[voice_exists]" in taken.stderr
    assert homevoice(data, "voices", "rm", "NARRATOR").returncode == 0
    missing = homevoice(data, "voices", "rm", "narrator")
    assert missing.returncode == 1 and "[voice_not_found]" in missing.stderr
    unknown = homevoice(data, "say", "--voice", "narrator", "Hello.", "-o", str(out))
    assert unknown.returncode == 1 and "[unknown_voice]" in unknown.stderr


def _manifest_transcript(sample: Path) -> str:
    from homevoice.evaluation.wer import load_manifest

    clips = load_manifest(sample.parent.parent / "manifest.tsv")
    return next(c.transcript for c in clips if Path(c.path).name == sample.name)


def test_an_audiobook_is_read_in_an_enrolled_voice(
    app: App, clip: Callable[[str], Path], tmp_path: Path
) -> None:
    """The synthesis worker processes load the enrolled voice themselves, by name."""
    service = app.enrolled_voices()
    service.enrol(EnrolRequest(name="storyteller", source=clip("en_librivox_sense_0870"), origin="file"))
    try:
        source = tmp_path / "story.md"
        source.write_text("# The Harbour\n\nThe boats came back before the storm.\n", encoding="utf-8")
        books = app.audiobooks()
        request = AudiobookRequest(voice="storyteller", format="mp3")
        result = books.render(books.load(source), request, "story")
        assert result.stats.synthesised == 2  # the title and the sentence
        book = result.folder / "chapter-01.mp3"
        audio = decode_audio(book).samples
        heard = app.transcription.transcribe_samples(audio, TranscriptionRequest(language="en")).text.lower()
        assert "boats" in heard and "storm" in heard, heard
        # Its sentences are cached under the enrolment, apart from the base voice's.
        assert app.speech.identity("storyteller").startswith("voice-match:storyteller#")
    finally:
        service.remove("storyteller")
