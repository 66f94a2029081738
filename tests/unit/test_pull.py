"""`pull_model` against a real HTTP fake hub on 127.0.0.1: download, no-op, resume, verification, errors,
and Piper voices nested in the shared voices repository."""

from __future__ import annotations

import hashlib
import json
import random
import socket
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from huggingface_hub import hf_hub_download

from homevoice.engines.assets import resolve_voice
from homevoice.engines.base import SynthesisOptions, TtsLoadOptions
from homevoice.engines.catalog import (
    PIPER_VOICES_REPO,
    EngineName,
    HubSource,
    ModelSpec,
    find_model,
    find_voice,
)
from homevoice.engines.manifest import MANIFEST_NAME, read_manifest
from homevoice.engines.pull import pull_model, sha256_file
from homevoice.engines.tts.piper import PiperEngine, voice_file
from homevoice.errors import ChecksumError, DownloadError, HomevoiceError
from tests.fakes.fake_hub import FakeHub, isolate_huggingface_hub

REPO = "acme/faster-whisper-test"
MIB = 1024 * 1024
# huggingface_hub streams in 10 MiB chunks and only writes whole chunks, so the weights must be
# larger than that for an interrupted transfer to leave bytes on disk to resume from.
MODEL_SIZE = 12 * MIB
CUT_AT = 11 * MIB
WANTED = ("config.json", "model.bin", "tokenizer.json", "vocabulary.json")


@cache
def repo_files() -> dict[str, bytes]:
    return {
        "config.json": json.dumps({"alignment_heads": [[2, 3]], "lang_ids": [50259]}).encode(),
        "model.bin": random.Random(20240601).randbytes(MODEL_SIZE),
        "tokenizer.json": json.dumps({"model": {"vocab": {f"t{i}": i for i in range(500)}}}).encode(),
        "vocabulary.json": json.dumps([f"t{i}" for i in range(500)]).encode(),
        "README.md": b"# faster-whisper test model\n",
    }


SPEC = ModelSpec(name="test-model", engine=EngineName.FASTER_WHISPER, source=HubSource(repo_id=REPO))


@pytest.fixture(autouse=True)
def isolated_hf(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Keep huggingface_hub away from the user's cache, token and offline setting, and fail fast."""
    isolate_huggingface_hub(monkeypatch, tmp_path / "hf-home")


@pytest.fixture
def hub() -> Iterator[FakeHub]:
    with FakeHub({REPO: repo_files(), "acme/readme-only": {"README.md": b"nothing here\n"}}) as fake:
        yield fake


@pytest.fixture
def empty_models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


def pull(hub: FakeHub, models_dir: Path, spec: ModelSpec = SPEC) -> Path:
    return pull_model(spec, models_dir, endpoint=hub.url, progress=False)


def file_gets(hub: FakeHub, name: str) -> list[str | None]:
    """The Range header of each GET of ``name`` (None: the whole file)."""
    return [
        r.range
        for r in hub.requests
        if r.method == "GET" and r.path.endswith(f"/resolve/{hub.commit(REPO)}/{name}")
    ]


def test_fresh_pull_downloads_the_wanted_files_and_writes_the_manifest(
    hub: FakeHub, empty_models_dir: Path
) -> None:
    target = pull(hub, empty_models_dir)

    assert target == empty_models_dir / "test-model"
    for name in WANTED:
        assert (target / name).read_bytes() == repo_files()[name]
    assert not (target / "README.md").exists()
    assert not any("README.md" in r.path for r in hub.requests)
    manifest = read_manifest(target)
    assert manifest is not None
    assert manifest.name == "test-model"
    assert manifest.engine == "faster-whisper"
    assert manifest.source == f"hub:{REPO}@{hub.commit(REPO)}"
    assert manifest.files == {n: hashlib.sha256(repo_files()[n]).hexdigest() for n in WANTED}
    assert sorted(p.name for p in target.iterdir()) == sorted(
        [*WANTED, MANIFEST_NAME]
    )  # no .cache, no partials
    # Every file comes from the one commit the revision resolved to, not from a moving "main".
    resolves = [r.path for r in hub.requests if "/resolve/" in r.path]
    assert len(resolves) == len(WANTED)
    assert all(f"/resolve/{hub.commit(REPO)}/" in p for p in resolves)


def test_second_pull_asks_the_hub_nothing(hub: FakeHub, empty_models_dir: Path) -> None:
    target = pull(hub, empty_models_dir)
    hub.clear_requests()

    assert pull(hub, empty_models_dir) == target
    assert hub.requests == []


def test_pull_without_manifest_keeps_good_files_and_refetches_damaged_ones(
    hub: FakeHub, empty_models_dir: Path
) -> None:
    target = pull(hub, empty_models_dir)
    (target / MANIFEST_NAME).unlink()
    tokenizer = repo_files()["tokenizer.json"]
    (target / "tokenizer.json").write_bytes(tokenizer[:-1] + b"!")  # same size, other content
    hub.clear_requests()

    pull(hub, empty_models_dir)

    assert [r.path.rsplit("/", 1)[-1] for r in hub.requests if "/resolve/" in r.path] == ["tokenizer.json"]
    assert (target / "tokenizer.json").read_bytes() == tokenizer
    assert read_manifest(target) is not None


def test_interrupted_pull_resumes_where_it_stopped(hub: FakeHub, empty_models_dir: Path) -> None:
    hub.cut("model.bin", after=CUT_AT, then_outage=True)
    with pytest.raises(DownloadError, match=r"model\.bin.*again to resume"):
        pull(hub, empty_models_dir)
    target = empty_models_dir / "test-model"
    assert read_manifest(target) is None
    assert not (target / "model.bin").exists()
    [partial] = (target / ".cache").rglob("model.bin.*.incomplete")
    kept = partial.stat().st_size
    assert 0 < kept < MODEL_SIZE

    hub.outage = False
    hub.clear_requests()
    pull(hub, empty_models_dir)

    assert file_gets(hub, "model.bin") == [f"bytes={kept}-"]  # the rest only, not a restart
    assert sha256_file(target / "model.bin") == hashlib.sha256(repo_files()["model.bin"]).hexdigest()
    manifest = read_manifest(target)
    assert manifest is not None
    assert manifest.files["model.bin"] == hashlib.sha256(repo_files()["model.bin"]).hexdigest()
    assert not (target / ".cache").exists()


def test_connection_cut_once_is_resumed_within_the_same_pull(hub: FakeHub, empty_models_dir: Path) -> None:
    hub.cut("model.bin", after=CUT_AT)

    target = pull(hub, empty_models_dir)

    gets = file_gets(hub, "model.bin")
    assert gets[0] is None
    assert len(gets) == 2
    assert gets[1] is not None and gets[1].startswith("bytes=") and gets[1] != "bytes=0-"
    assert (target / "model.bin").read_bytes() == repo_files()["model.bin"]


@pytest.mark.parametrize("name", ["model.bin", "config.json"])  # sha256 (LFS) and git blob id checks
def test_corrupt_download_is_deleted_and_reported(hub: FakeHub, empty_models_dir: Path, name: str) -> None:
    hub.corrupt(name)

    with pytest.raises(ChecksumError, match=rf"{name}.*pull test-model` again") as caught:
        pull(hub, empty_models_dir)

    assert caught.value.code == "checksum_mismatch"
    target = empty_models_dir / "test-model"
    assert not (target / name).exists()
    assert list((target / ".cache").rglob(f"{name}.*")) == []
    assert read_manifest(target) is None


def test_unknown_repo_names_the_repo_and_the_hub(hub: FakeHub, empty_models_dir: Path) -> None:
    spec = ModelSpec(
        name="missing", engine=EngineName.FASTER_WHISPER, source=HubSource(repo_id="acme/no-such")
    )

    with pytest.raises(DownloadError) as caught:
        pull(hub, empty_models_dir, spec)

    assert "acme/no-such" in caught.value.message
    assert hub.url in caught.value.message
    assert caught.value.code == "download_failed"
    assert isinstance(caught.value.__cause__, Exception)


def test_unknown_revision_is_a_download_error(hub: FakeHub, empty_models_dir: Path) -> None:
    spec = ModelSpec(
        name="v9", engine=EngineName.FASTER_WHISPER, source=HubSource(repo_id=REPO, revision="v9")
    )

    with pytest.raises(DownloadError, match="no revision 'v9'"):
        pull(hub, empty_models_dir, spec)


def test_repo_without_model_files_is_a_download_error(hub: FakeHub, empty_models_dir: Path) -> None:
    spec = ModelSpec(
        name="doc", engine=EngineName.FASTER_WHISPER, source=HubSource(repo_id="acme/readme-only")
    )

    with pytest.raises(DownloadError, match="no files matching"):
        pull(hub, empty_models_dir, spec)
    assert not any("/resolve/" in r.path for r in hub.requests)


def test_unreachable_hub_says_what_to_do(empty_models_dir: Path) -> None:
    with socket.socket() as sock:  # a port that was just free: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]

    with pytest.raises(DownloadError) as caught:
        pull_model(SPEC, empty_models_dir, endpoint=f"http://127.0.0.1:{port}", progress=False)

    message = caught.value.message
    assert "cannot reach" in message
    assert f"127.0.0.1:{port}" in message
    assert "HOMEVOICE_MODELS__HUB_ENDPOINT" in message
    assert "by hand" in message


def test_embedded_model_is_not_pulled(hub: FakeHub, empty_models_dir: Path) -> None:
    spec = find_model("tiny.en")
    assert spec is not None and spec.embedded

    with pytest.raises(HomevoiceError) as caught:
        pull(hub, empty_models_dir, spec)

    assert caught.value.code == "model_embedded"
    assert "make install" in caught.value.message
    assert hub.requests == []
    assert not empty_models_dir.exists()


@pytest.mark.parametrize("progress", [True, False])
def test_progress_bar_follows_the_flag(
    hub: FakeHub,
    empty_models_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    progress: bool,
) -> None:
    monkeypatch.setenv("TQDM_POSITION", "-1")  # huggingface_hub's switch to show bars without a terminal

    pull_model(SPEC, empty_models_dir, endpoint=hub.url, progress=progress)

    assert ("model.bin" in capfd.readouterr().err) is progress


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "blob"
    data = random.Random(7).randbytes(3 * MIB + 17)  # several blocks and a partial one
    path.write_bytes(data)

    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_fake_hub_serves_huggingface_hub_downloads(hub: FakeHub, tmp_path: Path) -> None:
    """The fake speaks enough of the protocol for huggingface_hub's own HEAD-then-GET download."""
    path = hf_hub_download(REPO, "model.bin", endpoint=hub.url, local_dir=tmp_path / "plain")

    assert Path(path).read_bytes() == repo_files()["model.bin"]
    assert [r.method for r in hub.requests if r.path.endswith("/model.bin")] == ["HEAD", "GET"]


# --- Piper voices: two files deep inside the shared voices repository, stored flat ----------------

IRINA = "ru/ru_RU/irina/medium/ru_RU-irina-medium"
VOICE_SIZE = 12 * MIB  # over huggingface_hub's 10 MiB chunk, so a cut leaves bytes to resume from


@cache
def voice_repo() -> dict[str, bytes]:
    return {
        f"{IRINA}.onnx": random.Random(99).randbytes(VOICE_SIZE),
        f"{IRINA}.onnx.json": json.dumps(
            {"audio": {"sample_rate": 22050}, "language": {"family": "ru"}}
        ).encode(),
        "ru/ru_RU/denis/medium/ru_RU-denis-medium.onnx": b"another voice",
        "ru/ru_RU/denis/medium/ru_RU-denis-medium.onnx.json": b"{}",
        "ru/ru_RU/irina/low/ru_RU-irina-low.onnx": b"same speaker, other quality",
        "voices.json": b"{}",
    }


@pytest.fixture
def voice_hub() -> Iterator[FakeHub]:
    with FakeHub({PIPER_VOICES_REPO: voice_repo()}, lfs_patterns=("*.onnx",)) as fake:
        yield fake


def irina() -> ModelSpec:
    spec = find_voice("ru_RU-irina-medium")
    assert spec is not None
    return spec


def test_voice_pull_fetches_exactly_its_two_files_and_stores_them_flat(
    voice_hub: FakeHub, empty_models_dir: Path
) -> None:
    target = pull(voice_hub, empty_models_dir, irina())

    assert target == empty_models_dir / "ru_RU-irina-medium"
    names = ["ru_RU-irina-medium.onnx", "ru_RU-irina-medium.onnx.json"]
    assert sorted(p.name for p in target.iterdir()) == sorted([*names, MANIFEST_NAME])
    for name in names:
        assert (target / name).read_bytes() == voice_repo()[
            f"{IRINA}{name.removeprefix('ru_RU-irina-medium')}"
        ]
    resolves = sorted(r.path for r in voice_hub.requests if "/resolve/" in r.path)
    commit = voice_hub.commit(PIPER_VOICES_REPO)
    assert resolves == [
        f"/{PIPER_VOICES_REPO}/resolve/{commit}/{IRINA}{ext}" for ext in (".onnx", ".onnx.json")
    ]
    manifest = read_manifest(target)
    assert manifest is not None and manifest.engine == "piper"
    assert manifest.files == {
        "ru_RU-irina-medium.onnx": hashlib.sha256(voice_repo()[f"{IRINA}.onnx"]).hexdigest(),
        "ru_RU-irina-medium.onnx.json": hashlib.sha256(voice_repo()[f"{IRINA}.onnx.json"]).hexdigest(),
    }
    # Where the Piper backend and the voice resolver look.
    assert voice_file(target) == target / "ru_RU-irina-medium.onnx"
    assert resolve_voice("ru_RU-irina-medium", empty_models_dir).path == target

    voice_hub.clear_requests()
    assert pull(voice_hub, empty_models_dir, irina()) == target
    assert voice_hub.requests == []


def test_interrupted_voice_pull_resumes(voice_hub: FakeHub, empty_models_dir: Path) -> None:
    voice_hub.cut(f"{IRINA}.onnx", after=CUT_AT, then_outage=True)
    with pytest.raises(DownloadError, match=r"ru_RU-irina-medium.onnx.*pull ru_RU-irina-medium` again"):
        pull(voice_hub, empty_models_dir, irina())
    target = empty_models_dir / "ru_RU-irina-medium"
    [partial] = (target / ".cache").rglob("ru_RU-irina-medium.onnx.*.incomplete")
    kept = partial.stat().st_size
    assert 0 < kept < VOICE_SIZE

    voice_hub.outage = False
    voice_hub.clear_requests()
    pull(voice_hub, empty_models_dir, irina())

    gets = [r.range for r in voice_hub.requests if r.method == "GET" and r.path.endswith(f"{IRINA}.onnx")]
    assert gets == [f"bytes={kept}-"]
    assert (target / "ru_RU-irina-medium.onnx").read_bytes() == voice_repo()[f"{IRINA}.onnx"]
    assert not (target / ".cache").exists()


def test_files_that_would_land_on_one_name_are_refused(empty_models_dir: Path) -> None:
    spec = ModelSpec(
        name="clash",
        engine=EngineName.PIPER,
        source=HubSource(repo_id="acme/voices", allow_patterns=("*/v.onnx",), flatten=True),
    )
    with FakeHub({"acme/voices": {"a/v.onnx": b"one", "b/v.onnx": b"two"}}) as hub:
        with pytest.raises(DownloadError, match=r"several files with the same name among v\.onnx, v\.onnx"):
            pull(hub, empty_models_dir, spec)
        assert not any("/resolve/" in r.path for r in hub.requests)


def test_a_system_voice_is_not_pulled(voice_hub: FakeHub, empty_models_dir: Path) -> None:
    spec = find_voice("festival-ru")
    assert spec is not None
    with pytest.raises(HomevoiceError) as caught:
        pull(voice_hub, empty_models_dir, spec)
    assert caught.value.code == "model_system"
    assert "festvox-ru" in caught.value.message and "make install" in caught.value.message
    assert voice_hub.requests == []


@pytest.mark.e2e
def test_a_pulled_voice_speaks(models_dir: Path, empty_models_dir: Path) -> None:
    """The real joe voice served as irina: after the pull, the Piper backend loads and speaks it."""
    joe = models_dir / "en_US-joe-medium"
    files = {
        f"{IRINA}.onnx": (joe / "en_US-joe-medium.onnx").read_bytes(),
        f"{IRINA}.onnx.json": (joe / "en_US-joe-medium.onnx.json").read_bytes(),
    }
    with FakeHub({PIPER_VOICES_REPO: files}, lfs_patterns=("*.onnx",)) as hub:
        target = pull(hub, empty_models_dir, irina())

    resolved = resolve_voice("ru_RU-irina-medium", empty_models_dir)
    engine = PiperEngine(resolved.path, TtsLoadOptions(languages=("ru",), cpu_threads=1), name=resolved.name)
    assert resolved.path == target
    assert (engine.voice.name, engine.voice.languages) == ("ru_RU-irina-medium", ("ru",))
    assert len(engine.synthesize("Hello there.", SynthesisOptions())) > 0.3 * engine.voice.sample_rate
    engine.close()
