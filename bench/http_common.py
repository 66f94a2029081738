"""Shared pieces of the HTTP API benchmark: side names, configuration, statistics and result records.

The records make up the ``--json`` output; every time is in seconds, every memory figure in MB.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

BARE = "bare"
IN_PROCESS = "in-process"
HTTP = "http"
SIDES = (BARE, IN_PROCESS, HTTP)
FORMATS = ("wav", "ogg")
BEAM_SIZE = 5
VAD = True
TARGET_HTTP_OVER_BARE = 1.15
REFERENCES = "wyoming-faster-whisper 1.17x, whisper-asr-webservice 1.31x, speaches 1.42x"

console = Console(width=200)


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    model: str
    data_dir: Path
    threads: int
    language: str | None
    """None lets both homevoice and faster-whisper pick (English-only models take ``en``)."""


@dataclass(frozen=True)
class Clip:
    """The benchmark clip, encoded once per format (``files`` and ``mime`` by format name)."""

    duration: float
    reference: str
    files: dict[str, bytes]
    mime: dict[str, str]


# --- statistics ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stats:
    n: int
    median: float
    p95: float
    mean: float
    min: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Stats:
        if not values:
            return cls(0, float("nan"), float("nan"), float("nan"), float("nan"))
        return cls(len(values), statistics.median(values), p95(values), statistics.fmean(values), min(values))


def p95(values: Sequence[float]) -> float:
    """The 95th percentile, interpolated between the closest ranks (the largest value when n < 2)."""
    if len(values) < 2:
        return max(values)
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


# --- results -------------------------------------------------------------------------------------


@dataclass
class LatencyRun:
    """One format through the three sides, interleaved round by round."""

    format: str
    size_bytes: int
    seconds: dict[str, list[float]]
    texts: dict[str, str]
    decode_s: list[float] = field(default_factory=list)
    """homevoice's ``decode_audio`` on the file's bytes alone, in the bench process."""
    server_s: list[float] = field(default_factory=list)
    """Time inside the server for each HTTP request (from its own latency histogram)."""

    def stats(self, side: str) -> Stats:
        return Stats.of(self.seconds[side])

    def ratio(self, side: str, base: str) -> float:
        """Ratio of the medians."""
        return self.stats(side).median / self.stats(base).median

    def min_ratio(self, side: str, base: str) -> float:
        """Ratio of the fastest calls: the least disturbed by other work on a busy machine."""
        return self.stats(side).min / self.stats(base).min

    def paired_ratio(self, side: str, base: str) -> float:
        """Median of the per-round ratios (each pair ran back to back)."""
        return statistics.median(a / b for a, b in zip(self.seconds[side], self.seconds[base], strict=True))


@dataclass
class LoadLevel:
    concurrency: int
    requests: int
    wall_s: float
    latencies: list[float]
    """Seconds of each answered (200) request."""
    failures: dict[str, int]
    """Non-200 answers by status code (or exception name)."""
    peak_rss_mb: float
    audio_s: float

    @property
    def ok(self) -> int:
        return len(self.latencies)


@dataclass
class Report:
    config: dict[str, Any]
    clip_s: float = 0.0
    latency: list[LatencyRun] = field(default_factory=list)
    load: list[LoadLevel] = field(default_factory=list)
    load_format: str = ""
    rss_mb: dict[str, float] = field(default_factory=dict)
    """Server RSS (process and children) at named moments: ready, idle before load, idle after load."""
    connections: list[int] = field(default_factory=list)
    """TCP connections the latency phase's client held to the server after each HTTP call."""
    load_average: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
