"""HTTP API benchmark: what the OpenAI-compatible server adds to the engine, and how it holds load.

1. Per-request latency of one ~10 s clip (WAV and Ogg/Opus) through three sides, interleaved round
   by round: bare ``faster_whisper.WhisperModel``, homevoice in-process
   (``TranscriptionService.transcribe``) and HTTP (the ``openai`` SDK against ``homevoice serve``
   in its own process, one kept-alive connection). Same model, options and samples on every side.
2. Throughput and latency at concurrency 1, 4 and 8 against the same server (one model instance),
   with the server's peak RSS per level and its RSS at idle before and after.

    .venv/bin/python bench/http.py [--model tiny.en] [--repeats 15] [--concurrency 1,4,8] [--quick]
        [--load-format ogg] [--threads 2] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package, and Python puts its folder first
# on sys.path: move the folder last, so httpx and uvicorn get the real ``http`` while the ``http_*``
# helpers next to this file still import by name.
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import os
import tempfile
import time
from collections.abc import Sequence

from bench_dirs import data_dir
from homevoice.engines.assets import resolve_model
from http_clip import build_clip
from http_common import BARE, FORMATS, HTTP, IN_PROCESS, Clip, Config, Report, console
from http_phases import measure_latency, run_level
from http_report import print_conditions, print_report, write_json
from http_server import client_connections, rss_mb, running_server, server_time
from http_sides import (
    bare_call,
    http_call,
    in_process_call,
    keep_warm,
    load_app,
    load_bare,
    openai_client,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", default="tiny.en", help="catalog name (the embedded ones: tiny.en, base)")
    parser.add_argument("--repeats", type=int, default=15, help="timed rounds of the latency phase")
    parser.add_argument(
        "--concurrency", default="1,4,8", help="comma-separated load levels; empty skips load"
    )
    parser.add_argument(
        "--load-rounds",
        type=int,
        default=3,
        help="requests per client thread at each level (at least 8 per level)",
    )
    parser.add_argument("--load-format", choices=FORMATS, default="ogg", help="file sent in the load phase")
    parser.add_argument("--quick", action="store_true", help="5 rounds, levels 1 and 4, 1 request per thread")
    parser.add_argument("--threads", type=int, default=2, help="CPU threads per model, every side")
    parser.add_argument("--language", help="language sent on every side (default: the model's choice)")
    parser.add_argument("--clip-seconds", type=float, default=10.0, help="length of the joined clip")
    parser.add_argument("--gap", type=float, default=0.1, help="idle seconds before each timed call")
    parser.add_argument(
        "--idle-wait", type=float, default=5.0, help="seconds at rest before an idle RSS reading"
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--data-dir", type=Path, help="homevoice data dir (default: a temporary one)")
    parser.add_argument("--evalset", type=Path, default=DEFAULT_EVALSET)
    args = parser.parse_args(argv)
    if args.quick:
        args.repeats, args.load_rounds = 5, 1
        args.concurrency = "1,4"
    args.levels = [int(c) for c in args.concurrency.split(",") if c.strip()]
    return args


def latency_phase(
    args: argparse.Namespace, cfg: Config, clip: Clip, base: str, work: Path, report: Report
) -> None:
    whisper = load_bare(cfg)
    app = load_app(cfg, work / "homevoice.toml")
    client = openai_client(base)
    calls = {
        fmt: {
            BARE: bare_call(whisper, data, cfg.language),
            IN_PROCESS: in_process_call(app, data, cfg),
            HTTP: http_call(client, data, f"clip.{fmt}", clip.mime[fmt], cfg),
        }
        for fmt, data in clip.files.items()
    }
    console.print(f"latency: {args.repeats} rounds x {len(calls)} formats x 3 sides (+ warm-up) ...")
    port = int(base.rsplit(":", 1)[1])

    def server_clock() -> float:
        report.connections.append(client_connections(port))
        return server_time(base)[0]

    report.latency = measure_latency(
        clip.files, calls, args.repeats, args.gap, server_clock, lambda: keep_warm(client)
    )
    client.close()
    app.close()


def load_phase(
    args: argparse.Namespace, cfg: Config, clip: Clip, base: str, pid: int, report: Report
) -> None:
    client = openai_client(base)
    fmt = report.load_format = args.load_format
    call = http_call(client, clip.files[fmt], f"clip.{fmt}", clip.mime[fmt], cfg)
    for level in args.levels:
        requests = max(8 if not args.quick else 4, level * args.load_rounds)
        console.print(f"load: concurrency {level}, {requests} requests ...")
        report.load.append(run_level(call, level, requests, pid, clip.duration))
    client.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    for name in [n for n in os.environ if n.startswith("HOMEVOICE_")]:
        del os.environ[name]  # the in-process side must see the settings given here, nothing else
    report = Report(config={k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()})
    report.load_average["start"] = os.getloadavg()[0]
    clip = build_clip(args.evalset, args.clip_seconds)
    report.clip_s = clip.duration
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="http-bench-") as tmp:
        work = Path(tmp)
        cfg = Config(args.model, directory, args.threads, args.language)
        console.print(f"model {args.model}: {resolve_model(args.model, directory / 'models').path}")
        max_waiting = 2 * max(args.levels, default=1)
        with running_server(cfg, work, max_waiting) as (base, pid):
            report.rss_mb["ready"] = rss_mb(pid)
            console.print(f"server {base} (pid {pid}) ready in {time.perf_counter() - started:.0f} s")
            latency_phase(args, cfg, clip, base, work, report)
            time.sleep(args.idle_wait)
            report.rss_mb["idle before load"] = rss_mb(pid)
            load_phase(args, cfg, clip, base, pid, report)
            time.sleep(args.idle_wait)
            report.rss_mb["idle after load"] = rss_mb(pid)
    report.load_average["end"] = os.getloadavg()[0]
    print_report(report)
    print_conditions(report, time.perf_counter() - started)
    if args.json:
        write_json(report, args.json)
        console.print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
