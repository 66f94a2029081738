"""XTTS-v2 voice cloning through the real coqui-tts on the CPU, with a tiny random model built at
test time (tests/fakes/xtts_tiny.py): loading by path, speaking, reproducibility per voice seed, the
conditioning cache, refusals, and `homevoice models pull xtts-v2` against a fake hub."""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.util
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from homevoice.app import build_app
from homevoice.engines import registry
from homevoice.engines.base import SynthesisOptions, VoiceCloner, VoiceReference
from homevoice.engines.catalog import EngineName, find_any
from homevoice.engines.clone.loading import load_cloner
from homevoice.engines.manifest import ModelManifest, write_manifest
from homevoice.errors import (
    ConfigError,
    EngineError,
    MissingExtraError,
    ModelNotInstalledError,
    UnknownModelError,
)
from homevoice.services.speech import SpeechRequest
from homevoice.services.voices import EnrolRequest
from homevoice.settings import Settings, load_settings
from tests.fakes.fake_hub import FakeHub, isolate_huggingface_hub
from tests.fakes.xtts_tiny import FILES, build_tiny_xtts

if importlib.util.find_spec("TTS") is None:  # `make test` installs it; see the Makefile
    pytest.skip("the [clone] extra is not installed: run `make install-clone`", allow_module_level=True)

from homevoice.engines.clone.xtts import (
    XttsCloner,
    torch_device,
)  # after the skip: it imports torch and coqui-tts

pytestmark = pytest.mark.e2e

RATE = 16_000
TEXT = "Please water the tomatoes."
OPTIONS = SynthesisOptions()


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny model's files, built once for the module."""
    return build_tiny_xtts(tmp_path_factory.mktemp("xtts-tiny"))


@pytest.fixture(scope="module")
def settings(tiny_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A data dir where the tiny model is installed as if pulled."""
    data = tmp_path_factory.mktemp("xtts-data")
    target = data / "models" / "xtts-v2"
    target.mkdir(parents=True)
    hashes = {}
    for name in FILES:
        (target / name).symlink_to(tiny_model / name)
        hashes[name] = hashlib.sha256((tiny_model / name).read_bytes()).hexdigest()
    write_manifest(target, ModelManifest("xtts-v2", "xtts-v2", "test:tiny", hashes))
    return load_settings(data_dir=data, voices={"clone_device": "cpu"})


@pytest.fixture(scope="module")
def cloner(settings: Settings) -> Iterator[VoiceCloner]:
    engine = load_cloner(settings)
    yield engine
    engine.close()


def voice_sample(seed: int, seconds: float = 3.0) -> np.ndarray:
    """A voiced, speech-like sample: a gliding harmonic tone with a little noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * RATE)) / RATE
    f0 = 120 + 20 * np.sin(2 * np.pi * 0.7 * t) + 10 * seed % 40
    phase = 2 * np.pi * np.cumsum(f0) / RATE
    audio = sum(np.sin(k * phase) / k for k in range(1, 8)) * 0.2 + rng.normal(0, 0.01, t.size)
    return audio.astype(np.float32)


def reference(cache_dir: Path, *, seed: int = 7, sample: int = 1, language: str = "en") -> VoiceReference:
    return VoiceReference(
        name=f"voice{sample}",
        audio=voice_sample(sample),
        sample_rate=RATE,
        transcript="a gliding tone",
        language=language,
        seed=seed,
        cache_dir=cache_dir,
    )


def test_info_comes_from_the_model(cloner: VoiceCloner) -> None:
    info = cloner.info
    assert info.engine == "xtts-v2"
    assert info.languages == ("en", "ru")
    assert info.max_chars == 182  # XTTS's limit for Russian, the smaller of the two
    assert info.sample_rate == 24_000
    assert info.needs_gpu
    assert isinstance(cloner, XttsCloner) and cloner.device == "cpu"


def test_speaks_mono_float32_at_24_khz(cloner: VoiceCloner, tmp_path: Path) -> None:
    audio = cloner.synthesize(TEXT, reference(tmp_path), OPTIONS)
    assert audio.dtype == np.float32 and audio.ndim == 1
    assert 0.2 < len(audio) / cloner.info.sample_rate < 10
    assert np.all(np.isfinite(audio)) and np.max(np.abs(audio)) <= 1.0
    assert np.max(np.abs(audio)) > 0
    russian = cloner.synthesize("Полейте помидоры.", reference(tmp_path, language="ru"), OPTIONS)
    assert len(russian) > 0


def test_the_same_seed_gives_the_same_samples_and_another_seed_others(
    cloner: VoiceCloner, tmp_path: Path
) -> None:
    first = cloner.synthesize(TEXT, reference(tmp_path, seed=7), OPTIONS)
    again = cloner.synthesize(TEXT, reference(tmp_path, seed=7), OPTIONS)
    other = cloner.synthesize(TEXT, reference(tmp_path, seed=8), OPTIONS)
    assert np.array_equal(first, again)
    assert not (len(first) == len(other) and np.array_equal(first, other))


def test_concurrent_calls_take_turns_and_stay_reproducible(cloner: VoiceCloner, tmp_path: Path) -> None:
    voices = [reference(tmp_path, seed=seed) for seed in (7, 8, 7, 8)]
    alone = {seed: cloner.synthesize(TEXT, reference(tmp_path, seed=seed), OPTIONS) for seed in (7, 8)}
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda voice: cloner.synthesize(TEXT, voice, OPTIONS), voices))
    for voice, audio in zip(voices, together, strict=True):
        assert np.array_equal(audio, alone[voice.seed])


def test_speed_shortens_the_speech(cloner: VoiceCloner, tmp_path: Path) -> None:
    voice = reference(tmp_path)
    normal = cloner.synthesize(TEXT, voice, OPTIONS)
    fast = cloner.synthesize(TEXT, voice, SynthesisOptions(speed=2.0))
    assert len(fast) < 0.75 * len(normal)


def test_text_without_words_is_silence(cloner: VoiceCloner, tmp_path: Path) -> None:
    assert len(cloner.synthesize(" ... ", reference(tmp_path), OPTIONS)) == 0


def test_refuses_text_longer_than_max_chars_and_unknown_languages(
    cloner: VoiceCloner, tmp_path: Path
) -> None:
    # Each language has its own limit: XTTS's tokenizer reads more English than Russian at a time.
    assert cloner.info.max_chars_for("en") == 250 and cloner.info.max_chars_for("ru") == 182
    with pytest.raises(EngineError, match="at most 250 characters"):
        cloner.synthesize("a" * 251, reference(tmp_path), OPTIONS)
    with pytest.raises(EngineError, match="at most 182 characters"):
        cloner.synthesize("а" * 183, reference(tmp_path, language="ru"), OPTIONS)
    with pytest.raises(EngineError, match=r"does not speak 'de'; it speaks en, ru"):
        cloner.synthesize(TEXT, reference(tmp_path, language="de"), OPTIONS)


def test_a_reference_too_short_to_learn_from_is_an_engine_error(cloner: VoiceCloner, tmp_path: Path) -> None:
    short = dataclasses.replace(reference(tmp_path), audio=voice_sample(1, seconds=0.1))
    with pytest.raises(EngineError, match="cannot learn the voice"):
        cloner.synthesize(TEXT, short, OPTIONS)


def test_conditioning_is_cached_on_disk_and_reused_by_another_instance(
    settings: Settings, cloner: VoiceCloner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    voice = reference(tmp_path / "voice", sample=2)
    spoken = cloner.synthesize(TEXT, voice, OPTIONS)
    assert isinstance(cloner, XttsCloner)
    cache = cloner.cache_file(voice)
    assert cache.parent == tmp_path / "voice" and cache.name.startswith("xtts-") and cache.suffix == ".pt"
    assert cache.is_file() and [p.name for p in cache.parent.iterdir()] == [cache.name]

    def must_not_compute(self: XttsCloner, reference: VoiceReference) -> None:
        raise AssertionError("the cached conditioning should have been used")

    monkeypatch.setattr(XttsCloner, "compute_conditioning", must_not_compute)
    second = load_cloner(settings)
    try:
        assert np.array_equal(second.synthesize(TEXT, voice, OPTIONS), spoken)
    finally:
        second.close()


def test_a_damaged_or_stale_cache_is_recomputed(
    cloner: VoiceCloner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert isinstance(cloner, XttsCloner)
    computed: list[str] = []
    compute = XttsCloner.compute_conditioning

    def counting(self: XttsCloner, reference: VoiceReference):  # type: ignore[no-untyped-def]
        computed.append(reference.name)
        return compute(self, reference)

    monkeypatch.setattr(XttsCloner, "compute_conditioning", counting)
    voice = reference(tmp_path, sample=3)
    cache = cloner.cache_file(voice)
    cache.write_bytes(b"not a torch file")
    cloner.synthesize(TEXT, voice, OPTIONS)
    assert computed == ["voice3"]
    assert cache.read_bytes() != b"not a torch file"

    # The same folder with another reference (the voice enrolled again): its old cache is not used.
    other = reference(tmp_path, sample=4)
    cloner.synthesize(TEXT, other, OPTIONS)
    assert computed == ["voice3", "voice4"]
    cloner.synthesize(TEXT, other, OPTIONS)
    assert computed == ["voice3", "voice4"]  # kept in memory


def test_a_closed_engine_refuses_to_speak(settings: Settings, tmp_path: Path) -> None:
    engine = load_cloner(settings)
    engine.close()
    with pytest.raises(EngineError, match="closed"):
        engine.synthesize(TEXT, reference(tmp_path), OPTIONS)


@pytest.mark.parametrize(
    ("requested", "cuda", "device"),
    [("auto", False, "cpu"), ("auto", True, "cuda"), ("cpu", True, "cpu"), ("cuda:1", True, "cuda:1")],
)
def test_device_choice(requested: str, cuda: bool, device: str) -> None:
    assert torch_device(requested, cuda) == device


def test_device_refusals() -> None:
    with pytest.raises(ConfigError, match="no CUDA device"):
        torch_device("cuda", False)
    with pytest.raises(ConfigError, match="Unknown device 'tpu'"):
        torch_device("tpu", True)


def test_a_model_not_pulled_says_how_to_pull_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotInstalledError, match=r"`homevoice models pull xtts-v2` \(about 1880 MB\)"):
        load_cloner(load_settings(data_dir=tmp_path))


def test_missing_libraries_name_the_extra(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = registry.BACKENDS[EngineName.XTTS]
    broken = dataclasses.replace(backend, requires=(*backend.requires, "homevoice_test_no_such_module"))
    monkeypatch.setitem(registry.BACKENDS, EngineName.XTTS, broken)
    with pytest.raises(MissingExtraError) as info:
        load_cloner(settings)
    message = str(info.value)
    assert "homevoice_test_no_such_module" in message
    assert "pip install 'homevoice[clone]'" in message and "make install-clone" in message


def test_only_cloning_models_load_as_cloners(settings: Settings) -> None:
    with pytest.raises(UnknownModelError, match="not a voice cloning model"):
        load_cloner(settings, "en_US-joe-medium")


# --- homevoice models pull xtts-v2 ---------------------------------------------------------------


@pytest.fixture
def hub(tiny_model: Path) -> Iterator[FakeHub]:
    files = {name: (tiny_model / name).read_bytes() for name in FILES}
    files |= {"hash.md5": b"0123456789abcdef\n", "README.md": b"# XTTS-v2\n", "samples/en.wav": b"RIFF"}
    with FakeHub({"coqui/XTTS-v2": files}, lfs_patterns=("*.pth",)) as fake:
        yield fake


def test_models_pull_fetches_the_model_and_it_loads(
    hub: FakeHub, tiny_model: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from homevoice.cli import models as models_cli
    from homevoice.cli.context import CliState

    isolate_huggingface_hub(monkeypatch, tmp_path / "hf-home")
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("HOMEVOICE_MODELS__HUB_ENDPOINT", hub.url)
    monkeypatch.setenv("HOMEVOICE_VOICES__CLONE_DEVICE", "cpu")
    runner = CliRunner()

    result = runner.invoke(models_cli.app, ["pull", "xtts-v2"], obj=CliState())
    assert result.exit_code == 0, result.output
    target = tmp_path / "data" / "models" / "xtts-v2"
    lines = result.stdout.strip().splitlines()
    assert "Coqui Public Model License" in lines[0] and "non-commercial" in lines[0]
    assert lines[-1] == f"xtts-v2: installed in {target}"
    assert sorted(p.name for p in target.iterdir() if not p.name.startswith(".")) == sorted(
        [*FILES, "hash.md5", "homevoice-model.json"]
    )
    assert (target / "model.pth").read_bytes() == (tiny_model / "model.pth").read_bytes()

    listed = runner.invoke(models_cli.app, ["list"], obj=CliState())
    row = next(line.split() for line in listed.stdout.splitlines() if line.split()[:1] == ["xtts-v2"])
    assert row[1:5] == ["clone", "17", "languages", "1880"] and "installed" in row

    engine = load_cloner(load_settings())
    try:
        assert len(engine.synthesize(TEXT, reference(tmp_path / "voice"), OPTIONS)) > 0
    finally:
        engine.close()
    spec = find_any("xtts-v2")
    assert spec is not None and spec.licence is not None


def test_an_enrolled_voice_speaks_through_xtts_with_each_piece_checked(
    settings: Settings,
    data_dir: Path,
    clip: Callable[[str], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The whole path: enrolment, `auto` choosing XTTS-v2 once it is installed, the speech service
    speaking with the voice, and speech to text checking each piece (the random model babbles, so
    each piece is made twice, the second time with the voice's next seed)."""
    models = tmp_path / "data" / "models"
    models.mkdir(parents=True)
    for entry in (data_dir / "models").iterdir():
        (models / entry.name).symlink_to(entry)
    (models / "xtts-v2").symlink_to(settings.models_dir / "xtts-v2")
    app = build_app(
        load_settings(
            data_dir=tmp_path / "data",
            stt={"model": "tiny.en", "cpu_threads": 2},
            models={"keep_alive_s": -1},
            voices={"clone_device": "cpu"},
        )
    )
    try:
        service = app.enrolled_voices()
        assert service.speaking_engine() == "xtts-v2"
        voice = service.enrol(
            EnrolRequest(name="lj", source=clip("en_ljspeech_LJ050-0131"), origin="file lj.wav")
        )
        calls: list[tuple[str, int]] = []
        speak = XttsCloner.synthesize

        def counting(
            self: XttsCloner, text: str, ref: VoiceReference, options: SynthesisOptions
        ) -> np.ndarray:
            calls.append((text, ref.seed))
            return speak(self, text, ref, options)

        monkeypatch.setattr(XttsCloner, "synthesize", counting)
        plan = app.speech.plan(SpeechRequest(text="Please water the tomatoes.", voice="lj", language="en"))
        audio = np.concatenate(list(app.speech.samples(plan)))
        assert app.speech.sample_rate("lj") == 24_000
        assert audio.dtype == np.float32 and len(audio) > 0 and np.all(np.isfinite(audio))
        assert [seed for _, seed in calls] == [voice.seed, voice.seed + 1]
        assert list(voice.cache_dir.glob("xtts-*.pt"))  # the conditioning, cached beside the sample
        assert app.speech.identity("lj").startswith("xtts-v2:")
    finally:
        app.close()
