"""Shared pieces of the speech-to-text benchmark: side names, configuration and result records.

The records cross process boundaries (phases run in spawned children) and make up the ``--json``
output, so they live in a module that both the parent and its children import by name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from homevoice.evaluation.wer import EvalClip

SAMPLE_RATE = 16_000
ASTERISK_DEFAULT_LIMIT = 100
HOMEVOICE = "homevoice"
BARE = "bare"
HOMEVOICE_NO_VAD = "homevoice-novad"

console = Console(width=200)


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    data_dir: Path
    threads: int


@dataclass(frozen=True)
class EvalSet:
    name: str
    clips: list[EvalClip]


# --- results -------------------------------------------------------------------------------------


@dataclass
class ClipRun:
    id: str
    language: str
    duration: float
    reference: str
    texts: dict[str, str]
    seconds: dict[str, float]


@dataclass
class ClipsPhase:
    model: str
    set: str
    sides: list[str]
    clips: list[ClipRun]
    warmup_s: dict[str, float]
    peak_rss_mb: float = 0.0


@dataclass
class ScoreRow:
    model: str
    set: str
    language: str
    clips: int
    audio_s: float
    wer: dict[str, float]
    cer: dict[str, float]
    rtf: dict[str, float]
    time_ratio_total: float
    time_ratio_median: float


@dataclass
class LongRun:
    model: str
    batched: bool
    audio_s: float
    seconds: float
    text: str
    wer: float = 0.0
    peak_rss_mb: float = 0.0


@dataclass
class SilenceRun:
    input: str
    language: str
    texts: dict[str, str]
    seconds: dict[str, float]


@dataclass
class SilencePhase:
    model: str
    runs: list[SilenceRun]
    peak_rss_mb: float = 0.0


@dataclass
class MemoryRun:
    phase: str
    peak_rss_mb: float
    wall_s: float


@dataclass
class Report:
    config: dict[str, Any]
    scores: list[ScoreRow] = field(default_factory=list)
    clips: list[ClipsPhase] = field(default_factory=list)
    long: list[LongRun] = field(default_factory=list)
    silence: SilencePhase | None = None
    memory: list[MemoryRun] = field(default_factory=list)
    load_average: dict[str, float] = field(default_factory=dict)
    """1-minute load average at the start and end: above the threads used, other work shared the CPU."""
