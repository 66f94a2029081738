"""The two measurements: per-request latency of the three sides (interleaved), and load levels."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor

import openai

from homevoice.audio.codec import decode_audio
from http_common import HTTP, SIDES, LatencyRun, LoadLevel, console
from http_server import PeakRss
from http_sides import Call


def measure_latency(
    files: Mapping[str, bytes],
    calls: Mapping[str, Mapping[str, Call]],
    repeats: int,
    gap_s: float,
    server_clock: Callable[[], float],
    keep_warm: Callable[[], None],
) -> list[LatencyRun]:
    """``repeats`` rounds; each round runs every format through every side, back to back.

    The side that goes first rotates from round to round, so slow drift (other work on the machine,
    warm caches) falls on all sides alike. ``gap_s`` of idle before each call lets the previous
    call's worker threads go to sleep. Untimed, around each HTTP call: ``keep_warm`` before it (the
    other sides take longer than the server keeps an idle connection, so the timed call would
    otherwise open a new one), and the server's own clock after it (``server_clock``: its
    cumulative seconds on transcription requests).
    """
    runs = {fmt: LatencyRun(fmt, len(data), {s: [] for s in SIDES}, {}) for fmt, data in files.items()}
    for side in SIDES:  # warm-up, not timed: first-call costs (allocations, lazy imports)
        for fmt in files:
            runs[fmt].texts[side] = calls[fmt][side]()
    server_total = server_clock()
    for index in range(repeats):
        order = SIDES[index % len(SIDES) :] + SIDES[: index % len(SIDES)]
        for fmt, data in files.items():
            run = runs[fmt]
            for side in order:
                if side == HTTP:
                    keep_warm()
                time.sleep(gap_s)
                started = time.perf_counter()
                calls[fmt][side]()
                run.seconds[side].append(time.perf_counter() - started)
                if side == HTTP:
                    now = server_clock()
                    run.server_s.append(now - server_total)
                    server_total = now
            started = time.perf_counter()
            decode_audio(data)
            run.decode_s.append(time.perf_counter() - started)
        if (index + 1) % 5 == 0 or index + 1 == repeats:
            console.print(f"  round {index + 1}/{repeats}")
    return list(runs.values())


def run_level(call: Call, concurrency: int, requests: int, pid: int, audio_s: float) -> LoadLevel:
    """``requests`` requests from ``concurrency`` client threads, each sending its next one as soon as
    its last is answered; the server's peak RSS is sampled throughout."""
    with PeakRss(pid) as rss, ThreadPoolExecutor(max_workers=concurrency) as pool:
        started = time.perf_counter()
        outcomes = list(pool.map(lambda _: _attempt(call), range(requests)))
        wall = time.perf_counter() - started
    latencies = [seconds for seconds, failure in outcomes if failure is None]
    failures: dict[str, int] = {}
    for _seconds, failure in outcomes:
        if failure is not None:
            failures[failure] = failures.get(failure, 0) + 1
    return LoadLevel(concurrency, requests, wall, latencies, failures, rss.peak_mb, audio_s)


def _attempt(call: Call) -> tuple[float, str | None]:
    """(seconds, None) for an answered request, (seconds, status code or error name) otherwise."""
    started = time.perf_counter()
    try:
        call()
    except openai.APIStatusError as err:
        return time.perf_counter() - started, str(err.status_code)
    except openai.APIError as err:  # no HTTP answer at all: connection refused, reset, timeout
        return time.perf_counter() - started, type(err).__name__
    return time.perf_counter() - started, None
