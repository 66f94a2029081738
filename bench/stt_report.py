"""Benchmark output: scores from the clip runs, the printed tables and the ``--json`` file."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from rich.table import Table

from homevoice.evaluation.wer import char_error_rate, normalize, word_error_rate
from stt_common import (
    BARE,
    HOMEVOICE,
    HOMEVOICE_NO_VAD,
    ClipRun,
    ClipsPhase,
    LongRun,
    MemoryRun,
    Report,
    ScoreRow,
    SilencePhase,
    console,
)

TARGET_TIME_RATIO = 1.10
TARGET_SPEEDUP = 1.5
SHORT = {HOMEVOICE: "hv", BARE: "bare", HOMEVOICE_NO_VAD: "hv-novad"}


# --- scoring -------------------------------------------------------------------------------------


def score(phase: ClipsPhase) -> list[ScoreRow]:
    """One row per language, plus an ``all`` row when the set mixes languages."""
    languages = sorted({c.language for c in phase.clips})
    groups = [(lang, [c for c in phase.clips if c.language == lang]) for lang in languages]
    if len(groups) > 1:
        groups.append(("all", phase.clips))
    return [_score_group(phase, lang, clips) for lang, clips in groups]


def _score_group(phase: ClipsPhase, language: str, clips: list[ClipRun]) -> ScoreRow:
    refs = [normalize(c.reference, c.language) for c in clips]
    audio_s = sum(c.duration for c in clips)
    wer, cer, rtf = {}, {}, {}
    for side in phase.sides:
        hyps = [normalize(c.texts[side], c.language) for c in clips]
        wer[side] = word_error_rate(refs, hyps)
        cer[side] = char_error_rate(refs, hyps)
        rtf[side] = sum(c.seconds[side] for c in clips) / audio_s
    total = sum(c.seconds[HOMEVOICE] for c in clips) / sum(c.seconds[BARE] for c in clips)
    median = statistics.median(c.seconds[HOMEVOICE] / c.seconds[BARE] for c in clips)
    return ScoreRow(phase.model, phase.set, language, len(clips), audio_s, wer, cer, rtf, total, median)


def differing_clips(phase: ClipsPhase) -> Iterator[tuple[ClipRun, str, str, str]]:
    """Clips whose normalised homevoice and bare transcripts differ: (clip, ref, homevoice, bare)."""
    for clip in phase.clips:
        ref = normalize(clip.reference, clip.language)
        hv = normalize(clip.texts[HOMEVOICE], clip.language)
        bare = normalize(clip.texts[BARE], clip.language)
        if hv != bare:
            yield clip, ref, hv, bare


# --- printing ------------------------------------------------------------------------------------


def print_report(report: Report, show_diffs: int) -> None:
    """Every section, in order, after a blank line; sections without results print nothing."""
    sides = report.clips[0].sides if report.clips else [HOMEVOICE, BARE]
    console.print()
    print_differences(report.clips, show_diffs)
    print_speed_summary(report.clips)
    print_scores(report.scores, sides)
    print_long(report.long)
    print_silence(report.silence)
    print_memory(report.memory)


def _pct(value: float) -> str:
    return f"{100 * value:.1f}"


def print_scores(rows: list[ScoreRow], sides: list[str]) -> None:
    table = Table(title="Accuracy and speed on short clips (corpus WER/CER on normalised text)")
    for name in ("model", "set", "lang", "clips", "audio s"):
        table.add_column(name)
    for side in sides:
        table.add_column(f"WER {SHORT[side]} %", justify="right")
    table.add_column("ΔWER pt", justify="right")
    for side in sides:
        table.add_column(f"CER {SHORT[side]} %", justify="right")
    for side in sides:
        table.add_column(f"RTF {SHORT[side]}", justify="right")
    table.add_column("hv/bare time", justify="right")
    table.add_column("median clip", justify="right")
    for r in rows:
        table.add_row(
            r.model,
            r.set,
            r.language,
            str(r.clips),
            f"{r.audio_s:.1f}",
            *(_pct(r.wer[s]) for s in sides),
            f"{100 * (r.wer[HOMEVOICE] - r.wer[BARE]):+.1f}",
            *(_pct(r.cer[s]) for s in sides),
            *(f"{r.rtf[s]:.3f}" for s in sides),
            f"{r.time_ratio_total:.3f}",
            f"{r.time_ratio_median:.3f}",
        )
    console.print(table)
    console.print(
        "hv = homevoice (TranscriptionService, its default VAD on), bare = faster-whisper WhisperModel without VAD"
        + (", hv-novad = homevoice with vad=False" if HOMEVOICE_NO_VAD in sides else "")
        + ". ΔWER pt = WER hv - WER bare in absolute points. hv/bare time = sum of homevoice seconds / sum of "
        f"bare seconds over the clips (the figure held to the target <= {TARGET_TIME_RATIO:.2f}); median clip = "
        "median of the per-clip ratios. Both sides time the whole call per file: decoding, VAD (hv), Whisper."
    )


def print_speed_summary(phases: list[ClipsPhase]) -> None:
    for phase in phases:
        hv = sum(c.seconds[HOMEVOICE] for c in phase.clips)
        bare = sum(c.seconds[BARE] for c in phase.clips)
        verdict = "PASS" if hv / bare <= TARGET_TIME_RATIO else "FAIL"
        console.print(
            f"{phase.model} on {phase.set}: homevoice {hv:.2f} s, bare {bare:.2f} s, ratio {hv / bare:.3f} "
            f"(target <= {TARGET_TIME_RATIO:.2f}: {verdict}); warm-up incl. model load: "
            + ", ".join(f"{side} {s:.2f} s" for side, s in phase.warmup_s.items())
        )


def print_differences(phases: list[ClipsPhase], limit: int) -> None:
    for phase in phases:
        diffs = list(differing_clips(phase))
        if not diffs:
            continue
        console.print(
            f"[bold]{phase.model} / {phase.set}: {len(diffs)} clip(s) where homevoice and bare differ[/bold]"
        )
        for clip, ref, hv, bare in diffs[:limit]:
            console.print(
                f"  {clip.id} ({clip.duration:.1f} s)\n    ref:  {ref}\n    hv:   {hv}\n    bare: {bare}",
                markup=False,
            )
        if len(diffs) > limit:
            console.print(f"  ... {len(diffs) - limit} more (see --json)")


def print_long(runs: list[LongRun]) -> None:
    if not runs:
        return
    table = Table(title="Long audio through homevoice (VAD on)")
    for name in (
        "model",
        "pipeline",
        "audio s",
        "wall s",
        "throughput (audio s / s)",
        "RTF",
        "WER %",
        "peak RSS MB",
    ):
        table.add_column(name, justify="right")
    for r in runs:
        table.add_row(
            r.model,
            "batched" if r.batched else "sequential",
            f"{r.audio_s:.1f}",
            f"{r.seconds:.2f}",
            f"{r.audio_s / r.seconds:.1f}",
            f"{r.seconds / r.audio_s:.3f}",
            _pct(r.wer),
            f"{r.peak_rss_mb:.0f}",
        )
    console.print(table)
    by_mode = {r.batched: r for r in runs}
    if True in by_mode and False in by_mode:
        speedup = by_mode[False].seconds / by_mode[True].seconds
        verdict = "PASS" if speedup >= TARGET_SPEEDUP else "FAIL"
        console.print(
            f"batched speed-up over sequential: {speedup:.2f}x (target >= {TARGET_SPEEDUP}x: {verdict})"
        )


def print_silence(phase: SilencePhase | None) -> None:
    if phase is None:
        return
    table = Table(
        title=f"Silence check with {phase.model} (homevoice with its default VAD, bare without VAD)"
    )
    for name in ("input", "lang", "homevoice text", "hv s", "bare faster-whisper text", "bare s"):
        table.add_column(name)
    for r in phase.runs:
        table.add_row(
            r.input,
            r.language,
            repr(r.texts[HOMEVOICE]),
            f"{r.seconds[HOMEVOICE]:.2f}",
            repr(r.texts[BARE]),
            f"{r.seconds[BARE]:.2f}",
        )
    console.print(table)
    empty = all(not r.texts[HOMEVOICE] for r in phase.runs)
    console.print(f"homevoice prints nothing on silence and noise: {'PASS' if empty else 'FAIL'}")


def print_memory(runs: list[MemoryRun]) -> None:
    table = Table(title="Peak RSS per phase (each phase is a fresh spawned process)")
    for name in ("phase", "peak RSS MB", "wall s"):
        table.add_column(name, justify="right")
    for r in runs:
        table.add_row(r.phase, f"{r.peak_rss_mb:.0f}", f"{r.wall_s:.1f}")
    console.print(table)


# --- JSON ----------------------------------------------------------------------------------------


def write_json(report: Report, path: Path) -> None:
    """Every figure and transcript of the run."""
    path.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
