"""Telegram capture benchmark: time from a voice message's update to its note on disk.

The real bot (python-telegram-bot) runs in-process against the fake Bot API over HTTP on 127.0.0.1
(``tests/fakes/telegram/``), with DBOS jobs, the real model and a real vault folder, exactly
as in ``tests/adapters/test_telegram_capture.py``. Each timed message is a ~10 s Ogg/Opus voice note
made of English dev clips; its time runs from ``add_voice`` returning (the update is waiting for
the bot's long poll) to the note with its ``telegram_message_id`` appearing in the vault's Inbox
(polled every 10 ms). Messages go one at a time: the next waits until the bot has reacted and
replied to the previous one.

The bare side is ``faster_whisper.WhisperModel`` on the same model folder and the same Ogg bytes,
decoding them itself, with homevoice's options (int8 on the CPU, the same threads, beam 5, Silero
VAD on, no batching, the same language choice). Bare and homevoice calls are interleaved per clip,
their order alternating, so both see the same CPU conditions.

    .venv/bin/python bench/capture.py [--model tiny.en] [--clips 5] [--rounds 3] [--threads 2]
        [--clip-seconds 10] [--data-dir DIR]

Target: homevoice update->note at most 1.25 x the bare transcription time (p50 and p95).
"""

from __future__ import annotations

import sys
from pathlib import Path

# ``bench/http.py`` is named like the standard library's ``http`` package, and Python puts this
# folder first on sys.path: move it last, so uvicorn and httpx get the real ``http``. The repository
# root goes last too, for the fake Bot API in ``tests.fakes``.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parents[1]))

import argparse
import io
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from bench_dirs import data_dir
from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.evaluation.wer import EvalClip, load_manifest, normalize
from homevoice.vault.frontmatter import parse_note
from http_clip import opus_bytes

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
OWNER = 111
GAP_S = 0.3  # silence between joined dev clips
POLL_S = 0.01
NOTE_TIMEOUT_S = 120.0
BEAM_SIZE = 5  # homevoice's default stt.beam_size
VAD = True  # homevoice's default stt.vad
TARGET = 1.25


@dataclass
class Voice:
    name: str
    ogg: bytes
    duration: float
    path: Path


@dataclass
class Sample:
    clip: str
    homevoice_s: float
    bare_s: float
    reply_s: float
    same_text: bool


@dataclass
class Results:
    samples: list[Sample] = field(default_factory=list)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="tiny.en", help="catalog name (the embedded ones: tiny.en, base)")
    parser.add_argument("--clips", type=int, default=5, help="distinct voice messages")
    parser.add_argument("--rounds", type=int, default=3, help="times each message is sent")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads of the model, both sides")
    parser.add_argument("--clip-seconds", type=float, default=10.0, help="length of each voice message")
    parser.add_argument("--gap", type=float, default=0.2, help="idle seconds before each timed call")
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    return parser.parse_args(argv)


# ----------------------------------------------------------------------------------------- clips


def group_clips(english: list[EvalClip], count: int, seconds: float) -> list[list[EvalClip]]:
    """``count`` disjoint groups of dev clips, each as close to ``seconds`` (with gaps) as they get."""
    pool = [c for c in english if c.duration <= seconds]
    groups: list[list[EvalClip]] = []
    while len(groups) < count and pool:
        group: list[EvalClip] = []
        total = 0.0
        while pool:
            gap = GAP_S if group else 0.0
            best = min(pool, key=lambda c: abs(total + gap + c.duration - seconds))
            longer = total + gap + best.duration
            if abs(longer - seconds) >= abs(total - seconds):
                break
            total = longer
            group.append(best)
            pool.remove(best)
        groups.append(group)
    if len(groups) < count:
        raise SystemExit(f"only {len(groups)} groups of English clips; ask for fewer --clips")
    return groups


def build_voices(evalset: Path, count: int, seconds: float, folder: Path) -> list[Voice]:
    """``count`` + 1 voice notes (the first is the warm-up), Ogg/Opus as Telegram sends them."""
    english = [c for c in load_manifest(evalset / "manifest.tsv") if c.language == "en"]
    voices: list[Voice] = []
    gap = np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32)
    for index, group in enumerate(group_clips(english, count + 1, seconds)):
        parts: list[NDArray[np.float32]] = []
        for clip in group:
            if parts:
                parts.append(gap)
            parts.append(decode_audio(clip.path).samples)
        samples = np.concatenate(parts)
        name = "warm-up" if index == 0 else f"clip{index}"
        ogg = opus_bytes(samples)
        path = folder / f"{name}.oga"
        path.write_bytes(ogg)
        voices.append(Voice(name, ogg, len(samples) / SAMPLE_RATE, path))
    return voices


# ------------------------------------------------------------------------------------------ sides


def load_bare(model: str, models_dir: Path, threads: int) -> Any:
    from faster_whisper import WhisperModel

    from homevoice.engines.assets import resolve_model

    path = resolve_model(model, models_dir).path
    return WhisperModel(
        str(path), device="cpu", compute_type="int8", cpu_threads=threads, local_files_only=True
    )


def bare_run(whisper: Any, ogg: bytes) -> tuple[float, str]:
    """Decode (by faster-whisper itself) and transcribe the Ogg bytes; seconds and text."""
    # English-only models get "en" from homevoice; multilingual ones detect the language.
    language = None if whisper.model.is_multilingual else "en"
    started = time.perf_counter()
    segments, _info = whisper.transcribe(
        io.BytesIO(ogg),
        language=language,
        task="transcribe",
        beam_size=BEAM_SIZE,
        initial_prompt=None,
        hotwords=None,
        word_timestamps=False,
        vad_filter=VAD,
    )
    text = " ".join(t for s in segments if (t := str(s.text).strip())).strip()
    return time.perf_counter() - started, text


class Capture:
    """The bot, its app and the fake Bot API; sends a voice message and times its note."""

    def __init__(self, api: Any, vault: Path) -> None:
        self.api = api
        self.inbox = vault / "Inbox"
        self._seen: set[str] = set()

    def _find(self, message_id: int) -> str | None:
        """The transcript of the note of ``message_id`` if it is in the Inbox now; parses new files only."""
        try:
            paths = list(self.inbox.iterdir())
        except FileNotFoundError:
            return None
        for path in paths:
            name = path.name
            if name in self._seen or not name.endswith(".md") or name.startswith("."):
                continue
            try:
                fields, body = parse_note(path.read_text())
            except (OSError, ValueError):
                continue
            self._seen.add(name)
            if fields.get("telegram_message_id") == message_id:
                return body.split("]]", 1)[1] if "]]" in body else body
        return None

    def send(self, voice: Voice) -> tuple[float, float, str]:
        """Seconds from the update to the note and to the transcript's reply, and the transcript."""
        message_id: int = self.api.add_voice(voice.path, user_id=OWNER, duration=round(voice.duration))
        started = time.perf_counter()
        deadline = started + NOTE_TIMEOUT_S
        while (text := self._find(message_id)) is None:
            if time.perf_counter() > deadline:
                raise SystemExit(f"no note for message {message_id} within {NOTE_TIMEOUT_S:g} s")
            time.sleep(POLL_S)
        to_note = time.perf_counter() - started
        while not self._replied(message_id):
            if time.perf_counter() > deadline:
                raise SystemExit(f"no reply to message {message_id} within {NOTE_TIMEOUT_S:g} s")
            time.sleep(POLL_S)
        return to_note, time.perf_counter() - started, text.strip()

    def _replied(self, message_id: int) -> bool:
        """The bot's work on the message is over: the done reaction is set and the reply sent."""
        if self.api.reactions_on(message_id, chat_id=OWNER) != ["👌"]:
            return False
        return any(
            (m.get("reply_to_message") or {}).get("message_id") == message_id
            for m in list(self.api.sent_messages)
        )


@contextmanager
def running_bot(model: str, threads: int, directory: Path, work: Path) -> Iterator[Capture]:
    """The bot as ``homevoice serve`` runs it, in-process, against the fake Bot API."""
    from tests.fakes.telegram import FakeBotApi
    from tests.fakes.telegram.serving import bot_settings, serving_bot

    from homevoice.settings import load_settings

    data = work / "data"
    data.mkdir()
    (data / "models").symlink_to(directory / "models")
    vault = work / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / ".obsidian" / "app.json").write_text('{"attachmentFolderPath": "Attachments"}')
    config = work / "homevoice.toml"
    config.write_text("")
    with FakeBotApi() as api:
        settings = load_settings(
            config,
            data_dir=data,
            log_level="WARNING",
            stt={
                "model": model,
                "device": "cpu",
                "compute_type": "int8",
                "cpu_threads": threads,
                "beam_size": BEAM_SIZE,
                "vad": VAD,
            },
            models={"keep_alive_s": -1},
            telegram=bot_settings(api, [OWNER]),
            vault={"path": vault, "timezone": "UTC"},
        )
        with serving_bot(settings):
            yield Capture(api, vault)


# ----------------------------------------------------------------------------------------- report


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q))


def print_report(results: Results, voices: list[Voice], args: argparse.Namespace, wall: float) -> None:
    samples = results.samples
    hv = [s.homevoice_s for s in samples]
    bare = [s.bare_s for s in samples]
    reply = [s.reply_s for s in samples]
    overhead = [s.homevoice_s - s.bare_s for s in samples]
    print()
    print(
        f"capture benchmark: model {args.model}, {args.threads} threads, {len(samples)} voice messages "
        f"({len(voices) - 1} clips x {args.rounds} rounds, after 1 warm-up)"
    )
    print("clips: " + ", ".join(f"{v.name} {v.duration:.1f} s" for v in voices[1:]))
    print()
    print(f"{'':28}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    rows = [
        ("homevoice update -> note", hv),
        ("bare decode + transcribe", bare),
        ("overhead (hv - bare, pair)", overhead),
        ("update -> reply sent", reply),
    ]
    for label, values in rows:
        print(
            f"{label:28}{percentile(values, 50) * 1000:>10.0f}{percentile(values, 95) * 1000:>10.0f}"
            f"{float(np.mean(values)) * 1000:>10.0f}"
        )
    p50 = percentile(hv, 50) / percentile(bare, 50)
    p95 = percentile(hv, 95) / percentile(bare, 95)
    print()
    verdict = "meets" if max(p50, p95) <= TARGET else "misses"
    print(f"ratio homevoice / bare: p50 {p50:.3f}, p95 {p95:.3f} ({verdict} the target <= {TARGET})")
    print()
    print("per clip (median over rounds, ms):")
    print(f"  {'clip':8}{'audio s':>9}{'homevoice':>11}{'bare':>8}{'overhead':>10}")
    for voice in voices[1:]:
        mine = [s for s in samples if s.clip == voice.name]
        h = percentile([s.homevoice_s for s in mine], 50) * 1000
        b = percentile([s.bare_s for s in mine], 50) * 1000
        print(f"  {voice.name:8}{voice.duration:>9.1f}{h:>11.0f}{b:>8.0f}{h - b:>10.0f}")
    same = sum(s.same_text for s in samples)
    print()
    print(f"same transcript on both sides: {same} of {len(samples)} messages")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"machine: {os.cpu_count()} CPUs ({affinity} usable); 1-min load average at end "
        f"{os.getloadavg()[0]:.2f}; bench wall time {wall:.0f} s"
    )


# ------------------------------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    for name in [n for n in os.environ if n.startswith("HOMEVOICE_")]:
        del os.environ[name]  # the bot must see the settings given here, nothing else
    print(f"machine: {os.cpu_count()} CPUs; 1-min load average at start {os.getloadavg()[0]:.2f}")
    results = Results()
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="capture-bench-") as tmp:
        work = Path(tmp)
        from homevoice.engines.assets import resolve_model

        resolve_model(args.model, directory / "models")  # join the embedded model once (not timed)
        voices = build_voices(args.evalset, args.clips, args.clip_seconds, work)
        whisper = load_bare(args.model, directory / "models", args.threads)
        with running_bot(args.model, args.threads, directory, work) as bot:
            warm = voices[0]
            bot.send(warm)  # loads the model, starts the workflow machinery
            bare_run(whisper, warm.ogg)
            print(
                f"warm-up done ({warm.duration:.1f} s clip); timing {args.clips * args.rounds} messages ..."
            )
            for round_ in range(args.rounds):
                for index, voice in enumerate(voices[1:]):
                    bare: tuple[float, str] | None = None
                    if (round_ + index) % 2 == 0:  # alternate which side goes first
                        time.sleep(args.gap)
                        bare = bare_run(whisper, voice.ogg)
                    time.sleep(args.gap)
                    note_s, reply_s, note_text = bot.send(voice)
                    if bare is None:
                        time.sleep(args.gap)
                        bare = bare_run(whisper, voice.ogg)
                    bare_s, bare_text = bare
                    same = normalize(note_text, "en") == normalize(bare_text, "en")
                    results.samples.append(Sample(voice.name, note_s, bare_s, reply_s, same))
                    print(
                        f"  round {round_ + 1} {voice.name}: homevoice {note_s * 1000:.0f} ms, "
                        f"bare {bare_s * 1000:.0f} ms{'' if same else ' (transcripts differ)'}"
                    )
    print_report(results, voices, args, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
