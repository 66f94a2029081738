"""The enrolled voices on disk: one folder per voice under the data dir's ``voices/``.

A folder holds ``reference.wav`` (the checked sample, 16 kHz mono) and ``voice.json`` (its
transcript, where it came from, when, and what was fitted to it). A voice appears whole or not at
all: it is written under a temporary name and renamed, and removed by a rename before deletion.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import unicodedata
import uuid
import wave
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from homevoice.audio.wav import pcm16_bytes, read_pcm16
from homevoice.voices.model import InvalidVoiceNameError, VoiceExistsError, VoiceNotFoundError

log = logging.getLogger(__name__)

RECORD = "voice.json"
REFERENCE = "reference.wav"
REFERENCE_RATE = 16_000
MAX_NAME_CHARS = 40
_NAME = re.compile(r"^\w[\w-]*$")
RESERVED_NAMES = frozenset({"on", "off", "list", "default", "none"})
"""Words that mean something else where voices are named (Telegram's ``/voice on``)."""


@dataclass(frozen=True)
class EnrolledVoice:
    """What the library knows of one voice; ``match`` is the fitted voice match (JSON)."""

    name: str
    id: str
    """New at each enrolment: a voice enrolled again under the same name is a different voice."""
    language: str
    transcript: str
    transcript_source: str
    """``given`` or ``transcribed``."""
    enrolled_at: str
    """ISO 8601, UTC."""
    source: str
    """Where the sample came from, in words: a file name, a Telegram user, an upload."""
    speech_s: float
    original_speech_s: float
    trimmed: bool
    median_f0: float | None
    snr_db: float
    seed: int
    match: dict[str, Any] | None = None
    folder: Path = field(default=Path(), compare=False)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("folder")
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any], folder: Path) -> EnrolledVoice:
        try:
            return cls(
                name=str(data["name"]),
                id=str(data["id"]),
                language=str(data["language"]),
                transcript=str(data["transcript"]),
                transcript_source=str(data["transcript_source"]),
                enrolled_at=str(data["enrolled_at"]),
                source=str(data["source"]),
                speech_s=float(data["speech_s"]),
                original_speech_s=float(data["original_speech_s"]),
                trimmed=bool(data["trimmed"]),
                median_f0=None if data.get("median_f0") is None else float(data["median_f0"]),
                snr_db=float(data["snr_db"]),
                seed=int(data["seed"]),
                match=dict(data["match"]) if data.get("match") is not None else None,
                folder=folder,
            )
        except (KeyError, TypeError, ValueError) as err:
            raise ValueError(f"{folder / RECORD} is not a voice record: {err!r}") from err

    @property
    def reference_path(self) -> Path:
        return self.folder / REFERENCE

    @property
    def cache_dir(self) -> Path:
        """Where engines keep what they compute from the reference (conditioning latents)."""
        return self.folder / "cache"


def check_name(name: str, builtin: frozenset[str] = frozenset()) -> str:
    """The name as it will be stored, or InvalidVoiceNameError saying what a name may be."""
    cleaned = unicodedata.normalize("NFC", name.strip())
    rule = (
        f"letters, digits, '_' and '-', at most {MAX_NAME_CHARS} characters, starting with a letter or digit"
    )
    if not cleaned or len(cleaned) > MAX_NAME_CHARS or not _NAME.match(cleaned) or cleaned.startswith("_"):
        raise InvalidVoiceNameError(
            f"{name!r} cannot name a voice: use {rule}, for example 'mom' or 'narrator-2'."
        )
    folded = cleaned.casefold()
    if folded in RESERVED_NAMES:
        raise InvalidVoiceNameError(f"{cleaned!r} is a reserved word; choose another voice name.")
    if folded in {b.casefold() for b in builtin}:
        raise InvalidVoiceNameError(f"{cleaned!r} is already a built-in voice; choose another name.")
    return cleaned


def new_id() -> str:
    return uuid.uuid4().hex[:12]


class VoiceLibrary:
    def __init__(self, root: Path) -> None:
        self.root = root

    def list(self) -> list[EnrolledVoice]:
        """Every readable voice, by name; a damaged folder is logged and left out."""
        if not self.root.is_dir():
            return []
        voices = []
        for folder in sorted(self.root.iterdir()):
            if folder.name.startswith(".") or not folder.is_dir():
                continue
            voice = self._read(folder)
            if voice is not None:
                voices.append(voice)
        return sorted(voices, key=lambda v: v.name.casefold())

    def get(self, name: str) -> EnrolledVoice | None:
        """The voice with this name (case does not matter), or None."""
        folder = self._folder(name)
        if folder is None or not folder.is_dir():
            return None
        return self._read(folder)

    def require(self, name: str) -> EnrolledVoice:
        voice = self.get(name)
        if voice is None:
            raise VoiceNotFoundError(
                f"No enrolled voice is named {name!r}; `homevoice voices list` shows them."
            )
        return voice

    def add(self, voice: EnrolledVoice, reference: NDArray[np.float32]) -> EnrolledVoice:
        """Store a new voice whole; VoiceExistsError if the name is taken."""
        folder = self._folder(voice.name)
        if folder is None:
            raise InvalidVoiceNameError(f"{voice.name!r} cannot name a voice.")
        if folder.exists():
            raise VoiceExistsError(
                f"A voice named {voice.name!r} exists; remove it first (`homevoice voices rm {voice.name}`)."
            )
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".new-{voice.id}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        try:
            write_wav(staging / REFERENCE, reference, REFERENCE_RATE)
            record = staging / RECORD
            record.write_text(json.dumps(voice.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")
            _fsync(record)
            try:
                staging.rename(folder)
            except OSError as err:
                if folder.exists():
                    raise VoiceExistsError(f"A voice named {voice.name!r} was enrolled meanwhile.") from err
                raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        stored = self.get(voice.name)
        assert stored is not None
        return stored

    def remove(self, name: str) -> EnrolledVoice:
        """Delete a voice and everything kept for it; VoiceNotFoundError if there is none."""
        voice = self.require(name)
        doomed = self.root / f".gone-{voice.id}"
        voice.folder.rename(doomed)  # gone for every reader at once, even if deleting is cut short
        shutil.rmtree(doomed, ignore_errors=True)
        return voice

    def reference(self, voice: EnrolledVoice) -> NDArray[np.float32]:
        return read_wav(voice.reference_path, REFERENCE_RATE)

    def _folder(self, name: str) -> Path | None:
        cleaned = unicodedata.normalize("NFC", name.strip())
        if not cleaned or not _NAME.match(cleaned) or len(cleaned) > MAX_NAME_CHARS:
            return None
        return self.root / cleaned.casefold()

    def _read(self, folder: Path) -> EnrolledVoice | None:
        try:
            data = json.loads((folder / RECORD).read_text(encoding="utf-8"))
            return EnrolledVoice.from_json(data, folder)
        except (OSError, ValueError) as err:
            log.warning("Skipping voice folder %s: %s", folder.name, err)
            return None


def write_wav(path: Path, audio: NDArray[np.float32], rate: int) -> None:
    path.write_bytes(pcm16_bytes(audio, rate))
    _fsync(path)


def read_wav(path: Path, rate: int) -> NDArray[np.float32]:
    """A mono 16-bit WAV this library wrote; ValueError for anything else."""
    try:
        samples, found = read_pcm16(path)
    except (OSError, EOFError, wave.Error) as err:
        raise ValueError(f"{path} cannot be read: {err}") from err
    if found != rate:
        raise ValueError(f"{path} is not a {rate} Hz mono 16-bit WAV")
    return samples


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
