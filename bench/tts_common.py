"""Shared pieces of the text-to-speech benchmark: texts, side names, settings and result records.

The records make up the ``--json`` output; every time is in seconds, every memory figure in MB.
Statistics (median, p95, min) are the HTTP benchmark's own (``http_common.Stats``).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from http_common import Stats

PIPER_VOICE = "en_US-joe-medium"
FESTIVAL_VOICE = "festival-ru"
OPENAI_MODEL = "tts-1"

BARE = "bare"
IN_PROCESS_SAMPLES = "in-process samples"
IN_PROCESS_WAV = "in-process wav"
HTTP = "http wav"
SIDES = (BARE, IN_PROCESS_SAMPLES, IN_PROCESS_WAV, HTTP)
FESTIVAL_BARE = "text2wave, whole text"
FESTIVAL_HOMEVOICE = "homevoice samples"
FESTIVAL_SIDES = (FESTIVAL_BARE, FESTIVAL_HOMEVOICE)
STREAM_FORMATS = ("wav", "opus")

TARGET_OVER_BARE = 1.10
TARGET_FIRST_AUDIO = 1.10
"""Streamed time to first audio over the first sentence's synthesis alone (the same 10 % allowance)."""
REFERENCES = "wyoming-piper 1.23x, speaches 1.34x"

console = Console(width=200)

# --- texts: plain prose with a few numbers -------------------------------------------------------

EN_600 = (
    "The old lighthouse on the northern cape was built in 1887 and still stands about 40 metres above the "
    "sea. Every evening the keeper climbed 212 steps to light the lamp, and on clear nights its beam reached "
    "ships more than 20 miles away. In the winter of 1921 a storm tore off part of the roof, but the light "
    "never went out. Today the tower is a small museum that welcomes around 15,000 visitors a year. Children "
    "like the narrow spiral stairs, while their parents prefer the view from the gallery at the top. On a "
    "calm day you can see three islands, a fishing harbour and the long white line of the beach."
)

RU_600 = (
    "Старая мельница на краю деревни построена в 1895 году и до сих пор стоит на высоком берегу реки. "
    "Её колесо диаметром 6 метров когда-то вращала вода, а за день здесь мололи около 300 пудов зерна. "
    "Весной 1932 года половодье разрушило плотину, но мельницу починили всего за две недели. "
    "Теперь в ней небольшой музей, который за год принимает примерно 4000 гостей со всей области. "
    "Дети любят подниматься по узкой деревянной лестнице, а взрослые подолгу рассматривают старые жернова "
    "и весы. Летом у воды пахнет травой и мёдом, и кажется, что время здесь идёт гораздо медленнее, чем в "
    "большом городе."
)

EN_1000 = (
    "Our train left the city at 7:15 in the morning, just as the first light reached the rooftops. "
    "For the first hour we rolled through flat farmland, past wet fields, small stations and long rows of "
    "poplars that leaned in the wind. Near the border the line began to climb, and the carriage filled with "
    "the smell of pine and cold stone. The guard told us that the tunnel ahead was almost 9 kilometres long "
    "and had taken 11 years to dig. When we came out on the other side, the weather had changed completely: "
    "the sky was clear, the snow on the peaks was bright, and a lake shone far below us. We stopped for "
    "twenty minutes in a village of 600 people, where a woman sold hot bread and apples from a cart. Most "
    "passengers bought both and ate them on the platform. The last part of the journey followed a narrow "
    "valley with a river that was loud and green. We reached the coast a little after 3 in the afternoon, "
    "tired, hungry again and very happy. That evening we walked along the harbour and watched the fishing "
    "boats come home."
)


# --- configuration -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Config:
    data_dir: Path
    repeats: int
    stream_repeats: int
    festival_repeats: int
    gap_s: float


# --- results -------------------------------------------------------------------------------------


@dataclass
class Sides:
    """Interleaved timings of several sides on one piece of work."""

    title: str
    text_chars: int
    seconds: dict[str, list[float]]
    audio_s: dict[str, float] = field(default_factory=dict)
    """Length of the audio each side produced (its last call), seconds."""
    server_s: list[float] = field(default_factory=list)
    """Time inside the server for each HTTP request (its own latency histogram)."""

    def stats(self, side: str) -> Stats:
        return Stats.of(self.seconds[side])

    def ratio(self, side: str, base: str) -> float:
        """Ratio of the medians."""
        return self.stats(side).median / self.stats(base).median

    def paired_ratio(self, side: str, base: str) -> float:
        """Median of the per-round ratios (each pair ran in the same round)."""
        return statistics.median(a / b for a, b in zip(self.seconds[side], self.seconds[base], strict=True))

    def min_ratio(self, side: str, base: str) -> float:
        return self.stats(side).min / self.stats(base).min

    def rtf(self, side: str) -> float:
        return self.stats(side).median / self.audio_s[side]


@dataclass
class Stream:
    """One streamed response format: time to the first non-empty chunk and to the last byte."""

    format: str
    first_s: list[float] = field(default_factory=list)
    last_s: list[float] = field(default_factory=list)
    whole_s: list[float] = field(default_factory=list)
    """``client.audio.speech.create`` (the whole body, read at once), same format."""
    first_bytes: int = 0
    body_bytes: int = 0
    chunks: int = 0


@dataclass
class FirstAudio:
    text_chars: int
    first_sentence: str
    streams: list[Stream] = field(default_factory=list)
    sentence_s: list[float] = field(default_factory=list)
    """The first sentence alone, in-process: ``plan`` + ``samples`` (front end and synthesis)."""
    sentence_http_s: list[float] = field(default_factory=list)
    """The first sentence alone over HTTP (wav, whole body)."""
    sentence_audio_s: float = 0.0
    encode_s: dict[str, list[float]] = field(default_factory=dict)
    """The first sentence's audio encoded in one write, in-process, per format."""


@dataclass
class Report:
    config: dict[str, Any]
    piper: Sides | None = None
    festival: Sides | None = None
    prepare_s: dict[str, list[float]] = field(default_factory=dict)
    """``homevoice.text.prepare`` alone, per text."""
    sentences: dict[str, int] = field(default_factory=dict)
    """Sentences (utterances) per text after homevoice's ``prepare``."""
    calls: dict[str, int] = field(default_factory=dict)
    """Engine synthesis calls per text: piper-tts's own split (bare), homevoice's engine calls."""
    first_audio: FirstAudio | None = None
    rss_mb: dict[str, float] = field(default_factory=dict)
    threads: dict[str, int] = field(default_factory=dict)
    load_average: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
