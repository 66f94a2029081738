"""Speech-to-text benchmark: homevoice against bare faster-whisper on the same model folders.

Accuracy (WER/CER per model, set and language), speed (real-time factor, homevoice/bare time
ratio), long audio (batched against sequential pipeline), peak memory per phase and a silence
check, in one run. Every phase runs in its own spawned process, so its peak RSS is its own.

    .venv/bin/python bench/stt.py [--models tiny.en,base] [--sets dev,asterisk-en,asterisk-ru]
        [--limit N] [--threads 2] [--long-minutes 5] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bench_dirs import data_dir
from homevoice.evaluation.wer import load_manifest, normalize, word_error_rate
from stt_common import (
    ASTERISK_DEFAULT_LIMIT,
    BARE,
    HOMEVOICE,
    HOMEVOICE_NO_VAD,
    Config,
    EvalSet,
    MemoryRun,
    Report,
    console,
)
from stt_data import build_long_audio, load_sets, model_languages, supported
from stt_phases import in_child, phase_clips, phase_long, phase_memory, phase_silence
from stt_report import print_report, score, write_json

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
DEFAULT_SOUNDS = Path("/usr/share/asterisk/sounds")
SETS = ("dev", "asterisk-en", "asterisk-ru")


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--models", default="tiny.en,base", help="comma-separated catalog names or model folders"
    )
    parser.add_argument("--sets", default="dev", help=f"comma-separated, from {', '.join(SETS)}")
    parser.add_argument(
        "--limit",
        type=int,
        help=f"clips per set (default: all of dev, {ASTERISK_DEFAULT_LIMIT} per asterisk set)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the --limit sample")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads per model, both sides")
    parser.add_argument("--long-minutes", type=float, default=5.0, help="long-audio length; 0 skips it")
    parser.add_argument("--no-silence", action="store_true", help="skip the silence check")
    parser.add_argument(
        "--no-vad-side", action="store_true", help="also run homevoice with VAD off (diagnosis)"
    )
    parser.add_argument(
        "--show-diffs", type=int, default=5, help="clips per phase to show where the sides differ"
    )
    parser.add_argument("--json", type=Path, help="write every figure and transcript here")
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    parser.add_argument("--sounds-dir", type=Path, default=DEFAULT_SOUNDS)
    args = parser.parse_args(argv)
    args.models = [m.strip() for m in args.models.split(",") if m.strip()]
    args.sets = [s.strip() for s in args.sets.split(",") if s.strip()]
    unknown = set(args.sets) - set(SETS)
    if unknown:
        parser.error(f"unknown set(s) {', '.join(sorted(unknown))}; choose from {', '.join(SETS)}")
    return args


def install_models(models: Sequence[str], directory: Path) -> None:
    """Join the embedded models once, before the phases start (not timed)."""
    from homevoice.engines.assets import resolve_model

    for model in models:
        started = time.perf_counter()
        path = resolve_model(model, directory / "models").path
        console.print(f"model {model}: {path} ({time.perf_counter() - started:.1f} s to resolve)")


def run_clip_phases(args: argparse.Namespace, cfg: Config, sets: list[EvalSet], report: Report) -> None:
    sides = [HOMEVOICE, BARE] + ([HOMEVOICE_NO_VAD] if args.no_vad_side else [])
    for model in args.models:
        for evalset in sets:
            clips = supported(evalset.clips, model)
            if not clips:
                console.print(f"skip {model} on {evalset.name}: no clips in its languages")
                continue
            audio = sum(c.duration for c in clips)
            console.print(f"{model} on {evalset.name}: {len(clips)} clips, {audio:.0f} s of audio ...")
            phase, wall = in_child(phase_clips, model, evalset.name, clips, sides, cfg)
            report.clips.append(phase)
            report.scores.extend(score(phase))
            report.memory.append(
                MemoryRun(f"clips {model}/{evalset.name} (both sides)", phase.peak_rss_mb, wall)
            )


def run_memory_phases(args: argparse.Namespace, cfg: Config, sets: list[EvalSet], report: Report) -> None:
    for model in args.models:
        clips = [c for s in sets for c in supported(s.clips, model)]
        if not clips:
            continue
        clip = max(clips, key=lambda c: c.duration)
        for side in (HOMEVOICE, BARE):
            peak, wall = in_child(phase_memory, model, side, clip, cfg)
            report.memory.append(
                MemoryRun(f"{side} alone, {model}, one {clip.duration:.0f} s clip", peak, wall)
            )


def run_long_phase(args: argparse.Namespace, cfg: Config, workdir: Path, report: Report) -> None:
    if args.long_minutes <= 0:
        return
    model = args.models[0]
    dev = load_manifest(args.evalset / "manifest.tsv")
    wav = workdir / "long.wav"
    audio_s, reference = build_long_audio(dev, args.long_minutes, wav)
    warmup = next(c.path for c in dev if c.language == "en")
    console.print(f"long audio: {audio_s:.0f} s of dev English clips with {model} ...")
    for batched in (False, True):
        run, wall = in_child(phase_long, model, wav, warmup, batched, cfg)
        run.wer = word_error_rate([reference], [normalize(run.text, "en")])
        report.long.append(run)
        mode = "batched" if batched else "sequential"
        report.memory.append(MemoryRun(f"long {model} {mode}", run.peak_rss_mb, wall))


def run_silence_phase(args: argparse.Namespace, cfg: Config, report: Report) -> None:
    if args.no_silence:
        return
    multilingual = [m for m in args.models if model_languages(m) is None]
    if not multilingual:
        console.print(
            "silence check skipped: it needs a multilingual model (language ru), e.g. --models base"
        )
        return
    model = multilingual[0]
    console.print(f"silence check with {model} ...")
    phase, wall = in_child(phase_silence, model, "ru", cfg)
    report.silence = phase
    report.memory.append(MemoryRun(f"silence {model}", phase.peak_rss_mb, wall))


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    sets = load_sets(args.sets, args.evalset, args.sounds_dir, args.limit, args.seed)
    report = Report(config={k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()})
    report.load_average["start"] = os.getloadavg()[0]
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="stt-bench-") as work:
        cfg = Config(directory, args.threads)
        install_models(args.models, directory)
        run_clip_phases(args, cfg, sets, report)
        run_memory_phases(args, cfg, sets, report)
        run_long_phase(args, cfg, Path(work), report)
        run_silence_phase(args, cfg, report)
    report.load_average["end"] = os.getloadavg()[0]
    print_report(report, args.show_diffs)
    console.print(
        f"total bench time {time.perf_counter() - started:.0f} s; 1-min load average at start "
        f"{report.load_average['start']:.2f}, at end {report.load_average['end']:.2f} on {os.cpu_count()} CPUs "
        f"({args.threads} threads per model)"
    )
    if args.json:
        write_json(report, args.json)
        console.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
