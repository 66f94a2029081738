"""Screenshots of every screen of the web page, at phone and desktop widths, for docs/screenshots/.

    .venv/bin/python scripts/web_screenshots.py [--out docs/screenshots] [--evalset DIR]

`make screenshots` runs it. It serves the page from a throwaway data dir over the embedded models
(installed by `make install`), fills each screen as a person would (a recording transcribed and
saved, text spoken, a voice enrolled, jobs finished, the vault searched) in Debian's Chromium,
and writes one PNG per screen and width.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, ViewportSize, expect, sync_playwright

from homevoice.settings import load_settings
from homevoice.web.headless import LAUNCH_ARGS, chromium_path

ROOT = Path(__file__).resolve().parent.parent
SIZES: dict[str, ViewportSize] = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
NOTES = {
    "Garden/Roses.md": "# Roses\n\n## Pruning\nPrune the roses in early March, just above an outward-facing "
    "bud. Remove dead wood first.\n\n## Feeding\nFeed the roses with compost in April.\n",
    "Work/Budget.md": "# Budget 2026\n\nThe travel budget goes down by ten percent next quarter.\n",
    "Recipes/Борщ.md": "# Борщ\n\nСвёклу тушить отдельно с уксусом, чтобы борщ остался красным.\n",
}
BOOK = "# The walk\n\nThe rain stopped before noon.\n\n# The river\n\nWe walked home along the river.\n"
WAIT_MS = 180_000


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def served(data_dir: Path, **env: str) -> Iterator[str]:
    """`homevoice serve` as a person runs it, on a free loopback port, until the block ends."""
    port = free_port()
    variables = {**os.environ, "HOMEVOICE_DATA_DIR": str(data_dir), **env}
    command = [sys.executable, "-m", "homevoice", "serve", "--port", str(port)]
    process = subprocess.Popen(command, env=variables)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit("the server did not start; see its output above")
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2):
                    break
            except OSError:
                time.sleep(0.3)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=60)


def fill_screens(page: Page, evalset: Path, work: Path) -> None:
    """Leave every screen as a person would see it after using it."""
    audio = evalset / "audio"
    page.goto("/#dictate")
    page.set_input_files("#dictate-file", audio / "en_librivox_sense_0870.wav")
    expect(page.locator("#dictate-status")).to_contain_text("Done:", timeout=WAIT_MS)
    page.fill("#dictate-title-input", "Dashwood")
    page.click("#dictate-save")
    expect(page.locator("#dictate-saved a")).to_be_visible(timeout=WAIT_MS)

    page.goto("/#voices")
    page.fill("#enrol-name", "Dashwood")
    page.set_input_files("#enrol-file", audio / "en_librivox_sense_0920.wav")
    page.click("#enrol-go")
    expect(page.locator("#enrol-result")).to_contain_text("is ready", timeout=WAIT_MS)

    page.goto("/#jobs")
    page.set_input_files("#job-file", audio / "en_ljspeech_LJ050-0131.wav")
    page.click("#job-form button[type=submit]")
    expect(page.locator("#jobs-list .badge").first).to_have_text("Finished", timeout=WAIT_MS)
    book = work / "The walk.md"
    book.write_text(BOOK, encoding="utf-8")
    page.check("input[name=kind][value=audiobook]")
    page.set_input_files("#job-file", book)
    page.click("#job-form button[type=submit]")
    expect(page.locator("#jobs-list .badge").first).to_have_text("Finished", timeout=WAIT_MS)

    page.goto("/#notes")
    page.click("#index-refresh")
    expect(page.locator("#index-status")).to_contain_text("added", timeout=WAIT_MS)


def shoot_screens(browser: Browser, url: str, out: Path, clip: Path) -> None:
    for size, viewport in SIZES.items():
        context = browser.new_context(base_url=url, viewport=viewport, locale="en-US")
        page = context.new_page()
        page.goto("/#dictate")
        # The dictation result is shown again by transcribing a short clip on each width.
        page.set_input_files("#dictate-file", clip)
        expect(page.locator("#dictate-status")).to_contain_text("Done:", timeout=WAIT_MS)
        page.screenshot(path=out / f"dictate-{size}.png", full_page=True)

        page.goto("/#speak")
        page.fill("#speak-text", "The garden gate was painted green last spring. Встреча в 14:30.")
        page.click("#speak-go")
        expect(page.locator("#speak-download")).to_be_visible(timeout=WAIT_MS)
        page.screenshot(path=out / f"speak-{size}.png", full_page=True)

        page.goto("/#voices")
        expect(page.locator("#voices-list li")).to_have_count(1)
        page.screenshot(path=out / f"voices-{size}.png", full_page=True)

        page.goto("/#jobs")
        expect(page.locator("#jobs-list li")).to_have_count(3)  # and the index update
        page.screenshot(path=out / f"jobs-{size}.png", full_page=True)

        page.goto("/#notes")
        page.fill("#search-query", "when to prune roses")
        page.click("#search-form button[type=submit]")
        expect(page.locator("#search-status")).to_contain_text("found", timeout=WAIT_MS)
        page.screenshot(path=out / f"notes-{size}.png", full_page=True)

        page.click("#language-toggle")
        page.goto("/#speak")
        page.reload()
        expect(page.locator("#speak-title")).to_have_text("Озвучка")
        page.fill("#speak-text", "Встреча в 14:30, купить 3 кг яблок.")
        page.screenshot(path=out / f"speak-ru-{size}.png", full_page=True)
        context.close()


def shoot_sign_in(browser: Browser, url: str, out: Path) -> None:
    for size, viewport in SIZES.items():
        context = browser.new_context(base_url=url, viewport=viewport, locale="en-US")
        page = context.new_page()
        page.goto("/")
        page.fill("#login-key", "not-the-key")
        page.click("#login-form button[type=submit]")
        expect(page.locator("#login-error")).not_to_be_empty()
        page.screenshot(path=out / f"sign-in-{size}.png", full_page=True)
        context.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument(
        "--evalset",
        type=Path,
        default=Path(os.environ.get("HOMEVOICE_EVALSET", ROOT.parent / "shared" / "evalset")),
    )
    args = parser.parse_args()
    chromium = chromium_path()
    models = load_settings().models_dir
    if not models.is_dir():
        raise SystemExit(f"No models in {models}: run `make install` first.")
    args.out.mkdir(parents=True, exist_ok=True)
    clip = args.evalset / "audio" / "en_arctic_a0024.wav"
    with tempfile.TemporaryDirectory(prefix="homevoice-shots-") as tmp:
        work = Path(tmp)
        data = work / "data"
        (data / "models").parent.mkdir()
        (data / "models").symlink_to(models)
        for name, text in NOTES.items():
            note = data / "vault" / name
            note.parent.mkdir(parents=True, exist_ok=True)
            note.write_text(text, encoding="utf-8")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, headless=True, args=[*LAUNCH_ARGS, "--mute-audio"]
            )
            with served(data) as url:
                context = browser.new_context(base_url=url, viewport=SIZES["desktop"], locale="en-US")
                fill_screens(context.new_page(), args.evalset, work)
                context.close()
                shoot_screens(browser, url, args.out, clip)
            with served(data, HOMEVOICE_API_KEYS='["screenshot-key"]') as url:
                shoot_sign_in(browser, url, args.out)
            browser.close()
    print(f"screenshots written to {args.out}")


if __name__ == "__main__":
    main()
