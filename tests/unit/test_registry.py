"""The engine registry: availability via find_spec, clear errors, and no heavy import until chosen."""

from __future__ import annotations

import subprocess
import sys
from importlib.machinery import ModuleSpec

import pytest

from homevoice.engines import registry
from homevoice.engines.catalog import EngineName
from homevoice.engines.registry import BACKENDS, Backend, is_available, load_backend, missing_modules
from homevoice.errors import MissingExtraError, UnknownModelError

GPU_BACKEND = Backend(
    name=EngineName.FASTER_WHISPER,
    capability="stt",
    module="homevoice.engines.stt.faster_whisper",
    attribute="FasterWhisperEngine",
    requires=("faster_whisper", "homevoice_test_cuda_runtime"),
    extra="gpu",
)


def fake_find_spec(*missing: str):  # type: ignore[no-untyped-def]
    looked_up: list[str] = []

    def find_spec(name: str) -> ModuleSpec | None:
        looked_up.append(name)
        return None if name in missing else ModuleSpec(name, None)

    find_spec.looked_up = looked_up  # type: ignore[attr-defined]
    return find_spec


def test_available_when_every_required_module_is_found() -> None:
    find_spec = fake_find_spec()
    assert missing_modules(GPU_BACKEND, find_spec) == []
    assert is_available(GPU_BACKEND, find_spec)
    assert find_spec.looked_up[:2] == ["faster_whisper", "homevoice_test_cuda_runtime"]


def test_missing_modules_are_listed_in_order() -> None:
    find_spec = fake_find_spec("homevoice_test_cuda_runtime", "faster_whisper")
    assert not is_available(GPU_BACKEND, find_spec)
    assert missing_modules(GPU_BACKEND, find_spec) == ["faster_whisper", "homevoice_test_cuda_runtime"]


def test_real_find_spec_sees_the_core_backend() -> None:
    assert is_available(BACKENDS[EngineName.FASTER_WHISPER])
    assert not is_available(GPU_BACKEND)


def test_load_backend_names_the_missing_module_and_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(registry.BACKENDS, EngineName.FASTER_WHISPER, GPU_BACKEND)
    with pytest.raises(MissingExtraError) as info:
        load_backend("faster-whisper", fake_find_spec("homevoice_test_cuda_runtime"))
    message = str(info.value)
    assert info.value.code == "missing_extra"
    assert "homevoice_test_cuda_runtime" in message
    assert "faster_whisper," not in message  # only what is missing
    assert "pip install 'homevoice[gpu]'" in message
    assert "faster-whisper" in message


def test_missing_core_module_asks_for_a_reinstall() -> None:
    with pytest.raises(MissingExtraError, match=r"ctranslate2.*reinstall homevoice"):
        load_backend(EngineName.FASTER_WHISPER, fake_find_spec("ctranslate2"))


@pytest.mark.parametrize("name", ["whisper.cpp", "", "FASTER-WHISPER"])
def test_unknown_engine(name: str) -> None:
    with pytest.raises(UnknownModelError) as info:
        load_backend(name)
    assert info.value.code == "model_not_found"
    assert repr(name) in str(info.value)
    assert "faster-whisper" in str(info.value)


def test_load_backend_returns_the_engine_class() -> None:
    from homevoice.engines.stt.faster_whisper import FasterWhisperEngine

    assert load_backend("faster-whisper") is FasterWhisperEngine
    assert load_backend(EngineName.FASTER_WHISPER) is FasterWhisperEngine


def test_registry_and_catalog_import_no_engine_library() -> None:
    code = (
        "import sys\n"
        "def heavy():\n"
        "    return ','.join(sorted(m for m in sys.modules if m in {'faster_whisper', 'ctranslate2', 'av'}))\n"
        "import homevoice.engines.registry, homevoice.engines.catalog\n"
        "print(heavy())\n"
        "homevoice.engines.registry.load_backend('faster-whisper')\n"
        "print(heavy())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    before, after = result.stdout.splitlines()
    assert before == ""
    # The probe does see them once the backend is chosen.
    assert {"faster_whisper", "ctranslate2"} <= set(after.split(","))
