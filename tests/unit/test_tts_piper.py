"""The Piper backend's own logic: finding the voice file, reading its config, choosing providers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from homevoice.engines.base import SynthesisOptions, TtsLoadOptions
from homevoice.engines.device import CPU_PROVIDER, CUDA_PROVIDER, onnx_providers
from homevoice.engines.tts.piper import PiperEngine, voice_file
from homevoice.errors import ConfigError, EngineError, ModelNotInstalledError

JOE = "en_US-joe-medium"


def test_voice_file_prefers_the_one_named_after_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "ru_RU-irina-medium"
    folder.mkdir()
    for name in ("ru_RU-irina-medium.onnx", "other.onnx", "ru_RU-irina-medium.onnx.json"):
        (folder / name).write_bytes(b"x")
    assert voice_file(folder) == folder / "ru_RU-irina-medium.onnx"


def test_voice_file_takes_the_only_voice(tmp_path: Path) -> None:
    (tmp_path / "my-voice.onnx").write_bytes(b"x")
    assert voice_file(tmp_path) == tmp_path / "my-voice.onnx"


def test_voice_file_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match="holds no Piper voice"):
        voice_file(tmp_path)
    (tmp_path / "a.onnx").write_bytes(b"x")
    (tmp_path / "b.onnx").write_bytes(b"x")
    with pytest.raises(ModelNotInstalledError, match=r"several Piper voices \(a.onnx, b.onnx\)"):
        voice_file(tmp_path)


def test_missing_config_says_what_to_copy(tmp_path: Path) -> None:
    (tmp_path / "v.onnx").write_bytes(b"x")
    with pytest.raises(ModelNotInstalledError, match=r"has no v.onnx.json next to it"):
        PiperEngine(tmp_path, TtsLoadOptions())


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ("{not json", "Cannot read the Piper voice config"),
        ("[1]", "is not a JSON object"),
        ("{}", "is not a Piper config"),
    ],
)
def test_broken_config_is_an_engine_error(tmp_path: Path, config: str, message: str) -> None:
    (tmp_path / "v.onnx").write_bytes(b"x")
    (tmp_path / "v.onnx.json").write_text(config)
    with pytest.raises(EngineError, match=message):
        PiperEngine(tmp_path, TtsLoadOptions())


def test_corrupt_model_is_an_engine_error_that_says_what_to_do(models_dir: Path, tmp_path: Path) -> None:
    shutil.copy(models_dir / JOE / f"{JOE}.onnx.json", tmp_path / "v.onnx.json")
    (tmp_path / "v.onnx").write_bytes(b"not an onnx model")
    with pytest.raises(EngineError, match=r"cannot be loaded .*pull or install it again") as caught:
        PiperEngine(tmp_path, TtsLoadOptions())
    assert caught.value.__cause__ is not None


@pytest.mark.parametrize(
    ("device", "available", "expected"),
    [
        ("auto", [CPU_PROVIDER], [CPU_PROVIDER]),
        ("auto", [CUDA_PROVIDER, CPU_PROVIDER], [CUDA_PROVIDER, CPU_PROVIDER]),
        ("cpu", [CUDA_PROVIDER, CPU_PROVIDER], [CPU_PROVIDER]),
        ("cuda", [CUDA_PROVIDER, CPU_PROVIDER], [CUDA_PROVIDER, CPU_PROVIDER]),
        ("auto", ["AzureExecutionProvider", CPU_PROVIDER], [CPU_PROVIDER]),
    ],
)
def test_onnx_providers(device: str, available: list[str], expected: list[str]) -> None:
    assert onnx_providers(device, available) == expected


def test_cuda_without_cuda_support_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="onnxruntime-gpu"):
        onnx_providers("cuda", [CPU_PROVIDER])


@pytest.mark.e2e
def test_a_voice_folder_given_by_path_describes_itself(models_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "my-voice"
    folder.mkdir()
    (folder / "speaker.onnx").symlink_to(models_dir / JOE / f"{JOE}.onnx")
    config = json.loads((models_dir / JOE / f"{JOE}.onnx.json").read_text(encoding="utf-8"))
    del config["language"]  # older voices: the espeak voice ("en-us") gives the language
    (folder / "speaker.onnx.json").write_text(json.dumps(config))

    engine = PiperEngine(folder, TtsLoadOptions(cpu_threads=1))

    info = engine.voice
    assert (info.name, info.engine, info.languages) == ("my-voice", "piper", ("en",))
    assert (info.sample_rate, info.accepts_stress) == (22_050, False)
    assert len(engine.synthesize("Hello.", SynthesisOptions())) > 0.2 * 22_050
    engine.close()
