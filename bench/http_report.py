"""Benchmark output: the latency, breakdown and load tables, and the ``--json`` file."""

from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict
from pathlib import Path

from rich.table import Table

from homevoice.evaluation.wer import normalize
from http_common import (
    BARE,
    HTTP,
    IN_PROCESS,
    REFERENCES,
    SIDES,
    TARGET_HTTP_OVER_BARE,
    LatencyRun,
    LoadLevel,
    Report,
    Stats,
    console,
)


def print_report(report: Report) -> None:
    console.print()
    print_latency(report.latency, report.config["model"], report.clip_s)
    print_breakdown(report.latency)
    print_agreement(report.latency)
    print_load(report.load, report.load_format, report.clip_s)
    print_memory(report.rss_mb)
    for note in report.notes:
        console.print(f"note: {note}")


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f}"


def print_latency(runs: list[LatencyRun], model: str, clip_s: float) -> None:
    table = Table(title=f"Per-request latency, {model}, one {clip_s:.1f} s clip (seconds)")
    for name in (
        "format",
        "side",
        "n",
        "median",
        "p95",
        "min",
        "RTF",
        "x bare",
        "x in-proc",
        "paired x bare",
        "min x bare",
    ):
        table.add_column(name, justify="right")
    for run in runs:
        for side in SIDES:
            stats = run.stats(side)
            table.add_row(
                run.format,
                side,
                str(stats.n),
                f"{stats.median:.3f}",
                f"{stats.p95:.3f}",
                f"{stats.min:.3f}",
                f"{stats.median / clip_s:.3f}",
                f"{run.ratio(side, BARE):.3f}",
                f"{run.ratio(side, IN_PROCESS):.3f}",
                f"{run.paired_ratio(side, BARE):.3f}",
                f"{run.min_ratio(side, BARE):.3f}",
            )
    console.print(table)
    console.print(
        "x bare, x in-proc: ratio of medians (the figure held to the target); paired x bare: median over "
        "rounds of the ratio of two calls made back to back; min x bare: ratio of the fastest calls. RTF = "
        "median / clip length. bare = WhisperModel.transcribe on samples decoded beforehand; in-process = "
        "TranscriptionService.transcribe(bytes); http = openai SDK -> homevoice serve (own process)."
    )
    for run in runs:
        ratio = run.ratio(HTTP, BARE)
        verdict = "PASS" if ratio <= TARGET_HTTP_OVER_BARE else "FAIL"
        console.print(
            f"{run.format}: HTTP/bare {ratio:.3f}x (paired {run.paired_ratio(HTTP, BARE):.3f}x, "
            f"fastest calls {run.min_ratio(HTTP, BARE):.3f}x), "
            f"HTTP/in-process {run.ratio(HTTP, IN_PROCESS):.3f}x, in-process/bare "
            f"{run.ratio(IN_PROCESS, BARE):.3f}x; target HTTP/bare <= {TARGET_HTTP_OVER_BARE:.2f}x: "
            f"{verdict} (reference: {REFERENCES})"
        )


def print_breakdown(runs: list[LatencyRun]) -> None:
    """Where the extra time goes, from medians: decode, service, server framework, client and wire."""
    table = Table(title="Where the overhead goes (median milliseconds per request)")
    for name in (
        "format",
        "upload KB",
        "decode (bench)",
        "in-proc - bare",
        "in server - in-proc",
        "http - in server",
        "http - bare",
    ):
        table.add_column(name, justify="right")
    for run in runs:
        bare = run.stats(BARE).median
        in_process = run.stats(IN_PROCESS).median
        server = statistics.median(run.server_s) if run.server_s else float("nan")
        http = run.stats(HTTP).median
        client = statistics.median(h - s for h, s in zip(run.seconds[HTTP], run.server_s, strict=True))
        table.add_row(
            run.format,
            f"{run.size_bytes / 1000:.0f}",
            _ms(Stats.of(run.decode_s).median),
            _ms(in_process - bare),
            _ms(server - in_process),
            _ms(client),
            _ms(http - bare),
        )
    console.print(table)
    console.print(
        "decode = homevoice decode_audio on the bytes alone; in server = the server's own latency histogram "
        "(body receive, multipart parsing, queue, thread hop, decode, Whisper, JSON); http - in server = "
        "median per request of client time minus server time (SDK request building, socket, response parsing)."
    )


def print_agreement(runs: list[LatencyRun]) -> None:
    for run in runs:
        texts = {side: normalize(run.texts[side], "en") for side in SIDES}
        same = len(set(texts.values())) == 1
        console.print(f"{run.format}: transcripts of the three sides {'agree' if same else 'DIFFER'}")
        if not same:
            for side, text in texts.items():
                console.print(f"  {side}: {text}", markup=False)


def print_load(levels: list[LoadLevel], fmt: str, clip_s: float) -> None:
    if not levels:
        return
    table = Table(title=f"Throughput against one server and one model instance ({fmt}, {clip_s:.1f} s clip)")
    for name in (
        "concurrency",
        "requests",
        "non-200",
        "wall s",
        "req/s",
        "audio s/s",
        "p50 s",
        "p95 s",
        "peak RSS MB",
    ):
        table.add_column(name, justify="right")
    for level in levels:
        stats = Stats.of(level.latencies)
        table.add_row(
            str(level.concurrency),
            str(level.requests),
            ", ".join(f"{k}: {v}" for k, v in sorted(level.failures.items())) or "0",
            f"{level.wall_s:.1f}",
            f"{level.ok / level.wall_s:.2f}",
            f"{level.ok * level.audio_s / level.wall_s:.1f}",
            f"{stats.median:.2f}",
            f"{stats.p95:.2f}",
            f"{level.peak_rss_mb:.0f}",
        )
    console.print(table)
    failed = sum(sum(level.failures.values()) for level in levels)
    console.print(f"non-200 answers over all levels: {failed}")


def print_memory(rss: dict[str, float]) -> None:
    if rss:
        shown = ", ".join(f"{moment} {mb:.0f} MB" for moment, mb in rss.items())
        console.print(f"server RSS (process and children): {shown}")


def print_conditions(report: Report, total_s: float) -> None:
    load = report.load_average
    console.print(
        f"connections from the latency client to the server after each HTTP call: {_span(report.connections)} "
        f"(1 = one kept-alive connection); total bench time {total_s:.0f} s; 1-min load average at start {load['start']:.2f}, "
        f"at end {load['end']:.2f} on {os.cpu_count()} CPUs ({report.config['threads']} threads per model)"
    )


def _span(values: list[int]) -> str:
    if not values:
        return "none"
    return str(values[0]) if min(values) == max(values) else f"{min(values)} to {max(values)}"


def write_json(report: Report, path: Path) -> None:
    path.write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2, default=str), encoding="utf-8")
