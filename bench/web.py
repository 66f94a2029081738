"""Web page benchmark: what the page adds to the bare API, against one server in one run.

One `homevoice serve` process; the bare side is httpx on the API, the page side is the web page in
Debian's Chromium driven by Playwright. Rounds interleave the two sides.

Page times run on the page's own clock, from its request's start (resource timing) to what the
person sees, so Playwright's clicks, polling and file transfer are not counted.

- **Speech, first audio:** bare, from the request to the first chunk of MP3; page, to the audio
  element's ``playing`` event (the sound has started).
- **Speech, whole file:** bare, to the last byte; page, to the download link appearing.
- **Dictation:** one eval clip; bare, ``stream=true`` to ``transcript.text.done``; page, to the
  "Done" status.
- **Page load:** navigation to the first screen shown, and the bytes of the page's own files.

    .venv/bin/python bench/web.py [--rounds 7] [--model tiny.en] [--json OUT] [--data-dir DIR]

See bench/README.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

# http_server.py's neighbour bench/http.py is named like the standard library's ``http``: keep this
# folder last on sys.path so httpx gets the real one (as bench/http.py does).
sys.path.remove(str(Path(__file__).resolve().parent))
sys.path.append(str(Path(__file__).resolve().parent))

import argparse
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence

import httpx
from playwright.sync_api import Page, expect, sync_playwright

from bench_dirs import data_dir
from homevoice.web import STATIC_DIR
from homevoice.web.headless import LAUNCH_ARGS, chromium_path
from http_common import Config
from http_server import running_server

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_EVALSET = ROOT.parent / "shared" / "evalset"
CLIP = "en_librivox_sense_0870"
TEXT = (
    "The garden gate was painted green last spring. Seven ducks walked slowly across the wet road. "
    "A cold wind blew over the hills all night. The library opens at nine in the morning."
)
# Installed before the page's scripts: the page's own clock at each result, so Playwright's polling
# and file transfer are not counted; requests start at their resource timing entry.
MARKS = """window.__marks = {};
document.addEventListener("playing", () => { window.__marks.playing ??= performance.now(); }, true);
document.addEventListener("DOMContentLoaded", () => new MutationObserver(() => {
  if (document.querySelector("#dictate-status")?.textContent.startsWith("Done")) {
    window.__marks.dictated ??= performance.now();
  }
  if (document.querySelector("#speak-download")?.hidden === false) window.__marks.spoken ??= performance.now();
}).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true }));"""
REQUEST_START = """(path) => performance.getEntriesByType("resource").filter((e) => e.name.endsWith(path)).at(-1).startTime"""
WAIT_MS = 300_000


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--model", default="tiny.en")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--evalset", type=Path, default=Path(os.environ.get("HOMEVOICE_EVALSET", DEFAULT_EVALSET))
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="models already joined there")
    parser.add_argument("--json", type=Path, default=None)
    return parser.parse_args(argv)


def bare_speech(http: httpx.Client) -> tuple[float, float]:
    body = {"model": "tts-1", "input": TEXT, "voice": "alloy", "response_format": "mp3"}
    started = time.perf_counter()
    first = 0.0
    with http.stream("POST", "/v1/audio/speech", json=body) as response:
        response.raise_for_status()
        for _chunk in response.iter_bytes():
            first = first or time.perf_counter() - started
    return first, time.perf_counter() - started


def page_speech(page: Page) -> tuple[float, float]:
    page.goto("/#speak")
    page.reload()  # a fresh audio element and fresh marks each round
    page.fill("#speak-text", TEXT)
    page.click("#speak-go")
    page.wait_for_function("() => window.__marks.spoken && window.__marks.playing", timeout=WAIT_MS)
    marks: dict[str, float] = page.evaluate("window.__marks")
    started: float = page.evaluate(REQUEST_START, "/v1/audio/speech")
    return (marks["playing"] - started) / 1000, (marks["spoken"] - started) / 1000


def bare_dictation(http: httpx.Client, clip: Path) -> float:
    started = time.perf_counter()
    files = {"file": (clip.name, clip.read_bytes())}
    with http.stream("POST", "/v1/audio/transcriptions", files=files, data={"stream": "true"}) as response:
        response.raise_for_status()
        for line in response.iter_lines():
            if "transcript.text.done" in line:
                break
    return time.perf_counter() - started


def page_dictation(page: Page, clip: Path) -> float:
    page.goto("/#dictate")
    page.reload()
    page.set_input_files("#dictate-file", clip)
    page.wait_for_function("() => window.__marks.dictated", timeout=WAIT_MS)
    done: float = page.evaluate("window.__marks.dictated")
    started: float = page.evaluate(REQUEST_START, "/v1/audio/transcriptions")
    return (done - started) / 1000


def page_load(page: Page) -> float:
    started = time.perf_counter()
    page.goto("/")
    expect(page.locator("#dictate")).to_be_visible(timeout=WAIT_MS)
    return time.perf_counter() - started


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(args: argparse.Namespace, base: str, results: dict[str, list[float]]) -> None:
    clip = args.evalset / "audio" / f"{CLIP}.wav"
    with (
        httpx.Client(base_url=base, timeout=300, trust_env=False) as http,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(
            executable_path=chromium_path(), headless=True, args=[*LAUNCH_ARGS, "--mute-audio"]
        )
        context = browser.new_context(base_url=base, viewport={"width": 1280, "height": 900})
        context.add_init_script(MARKS)
        page = context.new_page()
        # A warm-up round, unmeasured: models loaded, caches filled, the page's files fetched once.
        warm_up: list[Callable[[], object]] = [
            lambda: bare_speech(http),
            lambda: page_speech(page),
            lambda: bare_dictation(http, clip),
            lambda: page_dictation(page, clip),
            lambda: page_load(page),
        ]
        for step in warm_up:
            step()
        for round_number in range(args.rounds):
            first, whole = bare_speech(http)
            results["bare speech first audio s"].append(first)
            results["bare speech whole s"].append(whole)
            first, whole = page_speech(page)
            results["page speech first audio s"].append(first)
            results["page speech whole s"].append(whole)
            results["bare dictation s"].append(bare_dictation(http, clip))
            results["page dictation s"].append(page_dictation(page, clip))
            results["page load s"].append(page_load(page))
            print(f"round {round_number + 1}/{args.rounds} done", flush=True)
        browser.close()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    for name in [n for n in os.environ if n.startswith("HOMEVOICE_")]:
        del os.environ[name]
    results: dict[str, list[float]] = {
        key: []
        for key in (
            "bare speech first audio s",
            "page speech first audio s",
            "bare speech whole s",
            "page speech whole s",
            "bare dictation s",
            "page dictation s",
            "page load s",
        )
    }
    with data_dir(args.data_dir) as directory, tempfile.TemporaryDirectory(prefix="web-bench-") as tmp:
        cfg = Config(args.model, directory, args.threads, None)
        with running_server(cfg, Path(tmp), max_waiting=4) as (base, _pid):
            run(args, base, results)
    medians = {key: median(values) for key, values in results.items()}
    page_bytes = sum(p.stat().st_size for p in STATIC_DIR.rglob("*") if p.is_file())
    print(f"\nmedians of {args.rounds} rounds ({args.model}, {args.threads} threads):")
    for key, value in medians.items():
        print(f"  {key:28} {value:7.3f}")
    ratios = {
        "speech first audio, page/bare": medians["page speech first audio s"]
        / medians["bare speech first audio s"],
        "speech whole, page/bare": medians["page speech whole s"] / medians["bare speech whole s"],
        "dictation, page/bare": medians["page dictation s"] / medians["bare dictation s"],
    }
    for key, value in ratios.items():
        print(f"  {key:28} {value:7.2f}×")
    print(
        f"  page files                   {page_bytes / 1024:7.1f} KB (uncompressed, {len(list(STATIC_DIR.rglob('*.js')))} modules)"
    )
    if args.json:
        args.json.write_text(
            json.dumps(
                {"medians": medians, "ratios": ratios, "page_bytes": page_bytes, "raw": results}, indent=2
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
