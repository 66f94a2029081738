"""The enrolled voices on disk: names, whole-or-nothing writes, removal, damaged folders."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from homevoice.voices.library import (
    REFERENCE_RATE,
    EnrolledVoice,
    VoiceLibrary,
    check_name,
    new_id,
    read_wav,
    write_wav,
)
from homevoice.voices.model import InvalidVoiceNameError, VoiceExistsError, VoiceNotFoundError

BUILTIN = frozenset({"en_US-joe-medium", "festival-ru", "alloy"})


def voice(name: str = "mom", **changes: object) -> EnrolledVoice:
    record = EnrolledVoice(
        name=name,
        id=new_id(),
        language="ru",
        transcript="Привет, это мама.",
        transcript_source="transcribed",
        enrolled_at="2026-12-04T10:00:00+00:00",
        source="upload mom.ogg",
        speech_s=6.5,
        original_speech_s=6.5,
        trimmed=False,
        median_f0=210.0,
        snr_db=31.0,
        seed=1234,
        match={"base_voice": "festival-ru"},
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def tone(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * REFERENCE_RATE)) / REFERENCE_RATE
    return (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)


@pytest.mark.parametrize("name", ["mom", "Мама", "narrator-2", "dad_1", "x" * 40])
def test_names_of_letters_digits_dashes_and_underscores_are_kept(name: str) -> None:
    assert check_name(f"  {name} ", BUILTIN) == name


@pytest.mark.parametrize(
    "name",
    ["", "   ", "../etc", "a/b", ".hidden", "-dash", "_under", "x" * 41, "two words", "nul\x00", "a.b"],
)
def test_hostile_or_odd_names_are_refused_with_the_rule(name: str) -> None:
    with pytest.raises(InvalidVoiceNameError, match="letters, digits"):
        check_name(name, BUILTIN)


@pytest.mark.parametrize("name", ["on", "OFF", "en_us-JOE-medium", "Alloy"])
def test_reserved_and_built_in_names_are_refused(name: str) -> None:
    with pytest.raises(InvalidVoiceNameError):
        check_name(name, BUILTIN)


def test_a_voice_is_stored_read_back_and_listed(tmp_path: Path) -> None:
    library = VoiceLibrary(tmp_path / "voices")
    assert library.list() == []
    stored = library.add(voice("Мама"), tone())
    assert stored.folder == tmp_path / "voices" / "мама"
    assert library.get("МАМА") == stored
    assert [v.name for v in library.list()] == ["Мама"]
    audio = library.reference(stored)
    assert len(audio) == REFERENCE_RATE
    assert np.max(np.abs(audio - tone())) < 1e-4
    assert not [p for p in (tmp_path / "voices").iterdir() if p.name.startswith(".")]


def test_a_taken_name_is_refused_whatever_its_case(tmp_path: Path) -> None:
    library = VoiceLibrary(tmp_path)
    library.add(voice("mom"), tone())
    with pytest.raises(VoiceExistsError, match="remove it first"):
        library.add(voice("MOM"), tone())


def test_removing_deletes_everything_and_a_second_time_is_not_found(tmp_path: Path) -> None:
    library = VoiceLibrary(tmp_path)
    stored = library.add(voice(), tone())
    (stored.cache_dir).mkdir()
    (stored.cache_dir / "latents.pt").write_bytes(b"x")
    assert library.remove("mom").id == stored.id
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(VoiceNotFoundError, match="voices list"):
        library.remove("mom")
    assert library.get("mom") is None


def test_a_damaged_or_half_written_folder_is_left_out(tmp_path: Path) -> None:
    library = VoiceLibrary(tmp_path)
    library.add(voice("good"), tone())
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "voice.json").write_text("{not json")
    (tmp_path / "partial").mkdir()
    (tmp_path / "partial" / "voice.json").write_text('{"name": "partial"}')
    (tmp_path / ".new-0123").mkdir()  # an enrolment cut short
    assert [v.name for v in library.list()] == ["good"]
    assert library.get("broken") is None


def test_json_round_trip_keeps_every_field(tmp_path: Path) -> None:
    original = voice(median_f0=None, trimmed=True)
    assert EnrolledVoice.from_json(original.to_json(), tmp_path) == original
    with pytest.raises(ValueError, match="not a voice record"):
        EnrolledVoice.from_json({"name": "x"}, tmp_path)


def test_wav_files_of_another_kind_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.wav"
    write_wav(path, tone(), 22_050)
    with pytest.raises(ValueError, match="16000 Hz mono"):
        read_wav(path, REFERENCE_RATE)
    (tmp_path / "junk.wav").write_bytes(b"RIFF0000WAVEjunk")
    with pytest.raises(ValueError, match="cannot be read"):
        read_wav(tmp_path / "junk.wav", REFERENCE_RATE)
