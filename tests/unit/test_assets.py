"""Installed models: joining embedded parts from packages, checksums, manifests, and model resolution."""

from __future__ import annotations

import hashlib
import importlib
import importlib.resources
import json
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from homevoice.engines import assets
from homevoice.engines.assets import install_embedded, installed_dir, remove_model, resolve_model
from homevoice.engines.catalog import (
    CATALOG,
    EmbeddedSource,
    EngineName,
    HubSource,
    ModelSpec,
    PackagedFile,
    find_model,
)
from homevoice.engines.manifest import MANIFEST_NAME, ModelManifest, read_manifest, write_manifest
from homevoice.errors import ChecksumError, ModelNotInstalledError, UnknownModelError

PART1 = b"first part of the weights " * 1000
PART2 = b"second part " * 777
CONFIG = b'{"alignment_heads": []}'
MODEL_SHA = hashlib.sha256(PART1 + PART2).hexdigest()


@dataclass
class FakePackage:
    name: str
    root: Path


@pytest.fixture
def parts_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakePackage:
    """A real importable package holding model parts, with a name no other test has used."""
    name = f"hv_test_parts_{uuid.uuid4().hex[:12]}"
    site = tmp_path / "site"
    root = site / name
    (root / "data").mkdir(parents=True)
    (root / "__init__.py").write_text("")
    (root / "data" / "model.bin.part1").write_bytes(PART1)
    (root / "data" / "model.bin.part2").write_bytes(PART2)
    (root / "data" / "config.json").write_bytes(CONFIG)
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    return FakePackage(name, root)


def embedded_spec(package: str, *, sha256: str | None = MODEL_SHA, name: str = "fake-embedded") -> ModelSpec:
    return ModelSpec(
        name=name,
        engine=EngineName.FASTER_WHISPER,
        source=EmbeddedSource(
            distributions=("fake-weights-1", "fake-weights-2"),
            files=(
                PackagedFile("config.json", ((package, "data/config.json"),)),
                PackagedFile(
                    "model.bin",
                    ((package, "data/model.bin.part1"), (package, "data/model.bin.part2")),
                    sha256=sha256,
                ),
            ),
        ),
    )


def hidden_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


# --- install_embedded -----------------------------------------------------------------------------


def test_install_joins_parts_in_order_and_writes_the_manifest(
    parts_package: FakePackage, tmp_path: Path
) -> None:
    models_dir = tmp_path / "models"
    spec = embedded_spec(parts_package.name)

    target = install_embedded(spec, models_dir)

    assert target == models_dir / "fake-embedded"
    assert (target / "model.bin").read_bytes() == PART1 + PART2
    assert (target / "config.json").read_bytes() == CONFIG
    manifest = read_manifest(target)
    assert manifest == ModelManifest(
        name="fake-embedded",
        engine="faster-whisper",
        source="embedded:fake-weights-1,fake-weights-2",
        files={"model.bin": MODEL_SHA, "config.json": hashlib.sha256(CONFIG).hexdigest()},
    )
    assert hidden_files(target) == []
    assert installed_dir(spec, models_dir) == target


def test_install_is_idempotent(
    parts_package: FakePackage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    models_dir = tmp_path / "models"
    spec = embedded_spec(parts_package.name)
    target = install_embedded(spec, models_dir)
    manifest_before = (target / MANIFEST_NAME).stat().st_mtime_ns
    model_before = (target / "model.bin").stat().st_mtime_ns

    def no_join(*args: object) -> str:
        raise AssertionError("an installed model must not be joined again")

    monkeypatch.setattr(assets, "_join", no_join)
    assert install_embedded(spec, models_dir) == target
    assert (target / MANIFEST_NAME).stat().st_mtime_ns == manifest_before
    assert (target / "model.bin").stat().st_mtime_ns == model_before


def test_wrong_checksum_leaves_no_manifest_and_no_temp_files(
    parts_package: FakePackage, tmp_path: Path
) -> None:
    models_dir = tmp_path / "models"
    spec = embedded_spec(parts_package.name, sha256="0" * 64)

    with pytest.raises(ChecksumError) as info:
        install_embedded(spec, models_dir)

    message = str(info.value)
    assert info.value.code == "checksum_mismatch"
    assert "model.bin" in message
    assert MODEL_SHA[:12] in message
    assert "fake-weights-1, fake-weights-2" in message
    target = models_dir / "fake-embedded"
    assert not (target / MANIFEST_NAME).exists()
    assert not (target / "model.bin").exists()
    assert hidden_files(target) == []
    assert installed_dir(spec, models_dir) is None


def test_a_failed_install_is_redone_next_time(parts_package: FakePackage, tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    with pytest.raises(ChecksumError):
        install_embedded(embedded_spec(parts_package.name, sha256="0" * 64), models_dir)
    target = install_embedded(embedded_spec(parts_package.name), models_dir)
    assert (target / "model.bin").read_bytes() == PART1 + PART2


def test_missing_package_names_the_distributions(tmp_path: Path) -> None:
    spec = embedded_spec(f"hv_no_such_package_{uuid.uuid4().hex[:8]}")
    with pytest.raises(ModelNotInstalledError) as info:
        install_embedded(spec, tmp_path / "models")
    assert info.value.code == "model_not_installed"
    assert "fake-weights-1, fake-weights-2" in str(info.value)
    assert "fake-embedded" in str(info.value)
    assert read_manifest(tmp_path / "models" / "fake-embedded") is None


def test_missing_part_file_names_the_distributions(parts_package: FakePackage, tmp_path: Path) -> None:
    (parts_package.root / "data" / "model.bin.part2").unlink()
    with pytest.raises(ModelNotInstalledError, match="fake-weights-1, fake-weights-2"):
        install_embedded(embedded_spec(parts_package.name), tmp_path / "models")
    target = tmp_path / "models" / "fake-embedded"
    assert read_manifest(target) is None
    assert hidden_files(target) == []


def test_install_embedded_refuses_a_hub_model(tmp_path: Path) -> None:
    spec = find_model("small")
    assert spec is not None
    with pytest.raises(ValueError, match="not an embedded model"):
        install_embedded(spec, tmp_path)


# --- resolve_model --------------------------------------------------------------------------------


def test_unknown_name_lists_the_catalog(tmp_path: Path) -> None:
    with pytest.raises(UnknownModelError) as info:
        resolve_model("whisper-huge-v9", tmp_path / "models")
    message = str(info.value)
    assert info.value.code == "model_not_found"
    assert "'whisper-huge-v9'" in message
    for spec in CATALOG:
        assert spec.name in message


def test_folder_without_model_bin_is_unknown(tmp_path: Path) -> None:
    folder = tmp_path / "not-a-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    with pytest.raises(UnknownModelError):
        resolve_model(str(folder), tmp_path / "models")


def test_folder_with_model_bin_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "my-finetune"
    folder.mkdir()
    (folder / "model.bin").write_bytes(b"weights")
    resolved = resolve_model(str(folder), tmp_path / "models")
    assert resolved.name == "my-finetune"
    assert resolved.path == folder
    assert resolved.spec is None


def test_hub_model_not_installed_says_how_to_pull(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError) as info:
        resolve_model("small", tmp_path / "models")
    assert "`homevoice models pull small`" in str(info.value)
    assert "484 MB" in str(info.value)


def test_hub_model_dir_without_manifest_is_not_installed(tmp_path: Path) -> None:
    partial = tmp_path / "models" / "small"
    partial.mkdir(parents=True)
    (partial / "model.bin").write_bytes(b"half a download")
    with pytest.raises(ModelNotInstalledError, match="homevoice models pull small"):
        resolve_model("small", tmp_path / "models")


def test_installed_hub_model_resolves_also_by_alias(tmp_path: Path) -> None:
    models_dir = tmp_path / "models"
    folder = models_dir / "large-v3-turbo"
    folder.mkdir(parents=True)
    write_manifest(folder, ModelManifest("large-v3-turbo", "faster-whisper", "hub:x@abc", {}))
    resolved = resolve_model("turbo", models_dir)
    assert resolved.name == "large-v3-turbo"
    assert resolved.path == folder
    assert resolved.spec is find_model("large-v3-turbo")


def test_embedded_model_is_installed_on_first_resolve(
    parts_package: FakePackage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = embedded_spec(parts_package.name)
    monkeypatch.setattr(assets, "find_model", lambda name: spec if name == spec.name else None)
    resolved = resolve_model("fake-embedded", tmp_path / "models")
    assert resolved.path == tmp_path / "models" / "fake-embedded"
    assert (resolved.path / "model.bin").read_bytes() == PART1 + PART2
    assert read_manifest(resolved.path) is not None


def test_remove_model(tmp_path: Path) -> None:
    spec = find_model("small")
    assert spec is not None
    assert remove_model(spec, tmp_path) is False
    (tmp_path / "small").mkdir()
    (tmp_path / "small" / "model.bin").write_bytes(b"x")
    assert remove_model(spec, tmp_path) is True
    assert not (tmp_path / "small").exists()


# --- catalog --------------------------------------------------------------------------------------


def test_find_model_names_and_aliases() -> None:
    turbo = find_model("turbo")
    assert turbo is not None
    assert turbo.name == "large-v3-turbo"
    assert find_model("large-v3-turbo") is turbo
    assert find_model("base") is not None
    assert find_model("nope") is None


def test_catalog_names_are_unique_and_english_models_say_so() -> None:
    names = [spec.name for spec in CATALOG]
    assert len(names) == len(set(names))
    for spec in CATALOG:
        if spec.name.endswith(".en"):
            assert spec.languages == ("en",)
        assert spec.size_mb > 0
        assert spec.description
        assert spec.embedded == isinstance(spec.source, EmbeddedSource)
        if isinstance(spec.source, HubSource):
            assert "model.bin" in spec.source.allow_patterns


EMBEDDED_SPECS = [spec for spec in CATALOG if spec.embedded]
EMBEDDED = [pytest.param(spec, id=spec.name) for spec in EMBEDDED_SPECS]


def test_the_catalog_embeds_models() -> None:
    assert {spec.name for spec in EMBEDDED_SPECS} >= {"base", "tiny.en"}


@pytest.mark.parametrize("spec", EMBEDDED)
def test_real_embedded_parts_exist_in_the_installed_packages(spec: ModelSpec) -> None:
    source = spec.source
    assert isinstance(source, EmbeddedSource)
    names = {item.name for item in source.files}
    assert {"model.bin", "config.json", "tokenizer.json"} <= names
    assert any(name.startswith("vocabulary.") for name in names)
    for item in source.files:
        sizes = []
        for package, inner in item.parts:
            part = importlib.resources.files(package).joinpath(inner)
            assert part.is_file(), f"{spec.name}: {package}/{inner} is missing"
            with importlib.resources.as_file(part) as path:
                sizes.append(path.stat().st_size)
        if item.name == "model.bin":
            assert item.sha256 is not None and len(item.sha256) == 64
            assert sum(sizes) > 10 * 1024 * 1024
        if item.name == "config.json":
            package, inner = item.parts[0]
            json.loads(importlib.resources.files(package).joinpath(inner).read_text(encoding="utf-8"))
