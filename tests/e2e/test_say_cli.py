"""`homevoice say` as a person runs it: a real process, the embedded voices, real files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from homevoice.audio.codec import decode_audio
from tests.e2e.test_cli_real import homevoice
from tests.fakes.cli import cli_env

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", ["note.ogg", "note.mp3", "note.m4a", "note.flac", "note.wav"])
def test_the_extension_picks_the_format(data_dir: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / name
    result = homevoice(data_dir, "say", "Buy milk and 2 loaves of bread.", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert 1.0 < decode_audio(out).duration < 8.0
    assert [p.name for p in tmp_path.iterdir()] == [name]  # written atomically: no temporary file left


def test_russian_text_from_a_file_picks_the_russian_voice(data_dir: Path, tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("Купить 3 книги к 5 мая.", encoding="utf-8")
    dry = homevoice(data_dir, "say", "--dry-run", "-f", str(text))
    assert dry.returncode == 0, dry.stderr
    assert "voice: festival-ru" in dry.stdout and "language: ru" in dry.stdout
    assert "три книги к пятому мая" in dry.stdout
    out = tmp_path / "note.ogg"
    assert homevoice(data_dir, "say", "-f", str(text), "-o", str(out)).returncode == 0
    assert decode_audio(out).duration > 1.0


def test_standard_input_to_standard_output(data_dir: Path) -> None:
    env_result = subprocess.run(
        [sys.executable, "-m", "homevoice", "say", "-", "--format", "wav"],
        input=b"Hello from a pipe.",
        capture_output=True,
        env=cli_env(data_dir),
        timeout=300,
        check=False,
    )
    assert env_result.returncode == 0, env_result.stderr
    assert env_result.stdout[:4] == b"RIFF" and decode_audio(env_result.stdout).duration > 0.5


def test_errors_are_one_line(data_dir: Path, tmp_path: Path) -> None:
    unknown = homevoice(data_dir, "say", "Hi.", "--voice", "nobody", "-o", str(tmp_path / "a.ogg"))
    assert (
        unknown.returncode == 1 and "[unknown_voice]" in unknown.stderr and "Traceback" not in unknown.stderr
    )
    bad_ext = homevoice(data_dir, "say", "Hi.", "-o", str(tmp_path / "a.docx"))
    assert bad_ext.returncode == 1 and "[unsupported_format]" in bad_ext.stderr
    assert not list(tmp_path.iterdir())
