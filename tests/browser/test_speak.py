"""Speech in the browser: played while it is still being synthesised, then downloaded and heard back."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from homevoice.app import App
from homevoice.audio.codec import decode_audio
from homevoice.services.transcription import TranscriptionRequest
from tests.browser.conftest import Watched

SENTENCES = [
    "The garden gate was painted green last spring.",
    "Seven ducks walked slowly across the wet road.",
    "A cold wind blew over the hills all night.",
    "The library opens at nine in the morning.",
    "Fresh bread is sold in the shop on the corner.",
    "My brother plays the piano every evening.",
]
# Set before the page's scripts run: when playback starts and when the download link appears.
TIMING = """
window.__timing = {};
document.addEventListener("playing", () => { window.__timing.playing ??= performance.now(); }, true);
new MutationObserver(() => {
  const link = document.querySelector("#speak-download");
  if (link && !link.hidden) window.__timing.done ??= performance.now();
}).observe(document, { subtree: true, attributes: true, attributeFilter: ["hidden"] });
"""


def test_speech_plays_before_synthesis_ends_and_downloads_as_real_audio(
    watched_page: tuple[Page, Watched], web_app: App
) -> None:
    page, _ = watched_page
    page.add_init_script(TIMING)
    page.goto("/#speak")
    expect(page.locator("#speak-voice option[value='en_US-joe-medium']")).to_have_count(1)
    page.fill("#speak-text", " ".join(SENTENCES))
    page.select_option("#speak-voice", "en_US-joe-medium")
    page.click("#speak-go")
    download_link = page.locator("#speak-download")
    expect(download_link).to_be_visible(timeout=120_000)
    timing = page.evaluate("window.__timing")
    assert timing["playing"] < timing["done"], timing  # playback began while the rest was made

    audio = page.locator("#speak-audio")
    duration = audio.evaluate("a => a.duration")
    assert 8 < duration < 40
    page.wait_for_function("() => document.querySelector('#speak-audio').currentTime > 0.5")
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename == "speech.mp3"
    heard = web_app.transcription.transcribe(Path(download.value.path()).read_bytes(), TranscriptionRequest())
    decoded = decode_audio(Path(download.value.path()))
    assert abs(decoded.duration - duration) < 0.5
    spoken = set(re.findall(r"[a-z]+", " ".join(SENTENCES).lower()))
    recognised = set(re.findall(r"[a-z]+", heard.text.lower()))
    assert len(spoken & recognised) >= 0.8 * len(spoken), heard.text


def test_other_formats_play_when_complete(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/#speak")
    page.fill("#speak-text", "Встреча в 14:30.")
    page.select_option("#speak-format", "wav")
    page.locator("#speak-speed").fill("1.5")
    expect(page.locator("#speak-speed-value")).to_have_text("1.5×")
    page.click("#speak-go")
    expect(page.locator("#speak-download")).to_be_visible(timeout=120_000)
    page.wait_for_function("() => document.querySelector('#speak-audio').duration > 0.5")
    with page.expect_download() as download:
        page.click("#speak-download")
    assert download.value.suggested_filename == "speech.wav"
    assert Path(download.value.path()).read_bytes()[:4] == b"RIFF"


def test_an_unknown_voice_is_explained(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/#speak")
    expect(page.locator("#speak-voice option[value='en_US-joe-medium']")).to_have_count(1)
    page.evaluate("document.querySelector('#speak-voice').add(new Option('ghost', 'ghost'))")
    page.select_option("#speak-voice", "ghost")
    page.fill("#speak-text", "Hello.")
    page.click("#speak-go")
    expect(page.locator("#speak-status")).to_have_text("That voice is not installed.")
