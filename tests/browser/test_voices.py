"""Voices in the browser: enrol from a file, listen to the sample, speak with it, delete it; refusals
explained in the page's language."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from playwright.sync_api import Page, expect

from homevoice.audio.codec import SAMPLE_RATE
from homevoice.audio.wav import write_pcm16
from tests.browser.conftest import Watched

ENROL_MS = 120_000


def test_a_voice_is_enrolled_from_a_file_heard_used_and_deleted(
    watched_page: tuple[Page, Watched], clip: Callable[[str], Path]
) -> None:
    page, _ = watched_page
    page.goto("/#voices")
    page.fill("#enrol-name", "Dashwood")
    page.set_input_files("#enrol-file", clip("en_librivox_sense_0870"))
    expect(page.locator("#enrol-sample")).to_contain_text("en_librivox_sense_0870")
    page.select_option("#enrol-language", "en")
    page.click("#enrol-go")
    expect(page.locator("#enrol-result")).to_contain_text("The voice Dashwood is ready", timeout=ENROL_MS)
    assert "dashwood" in (page.text_content("#enrol-result") or "").lower()  # what was heard
    item = page.locator("#voices-list li", has_text="Dashwood")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("s of speech")

    item.get_by_role("button", name="Listen: Dashwood").click()
    player = item.locator("audio")
    expect(player).to_be_visible()
    page.wait_for_function("() => document.querySelector('#voices-list audio').duration > 3")

    # The new voice is offered where text is spoken.
    page.click("#nav a[href='#speak']")
    expect(page.locator("#speak-voice optgroup[label='Your voices'] option[value=Dashwood]")).to_have_count(1)

    page.click("#nav a[href='#voices']")
    page.once("dialog", lambda dialog: dialog.accept())
    item.get_by_role("button", name="Delete: Dashwood").click()
    expect(page.locator("#voices-status")).to_have_text("The voice Dashwood was deleted.")
    expect(page.locator("#voices-list li", has_text="Dashwood")).to_have_count(0)


def silence(path: Path) -> Path:
    with path.open("wb") as out:
        write_pcm16(out, np.zeros(SAMPLE_RATE * 6, dtype=np.float32), SAMPLE_RATE)
    return path


def test_a_silent_sample_is_refused_in_plain_words_in_either_language(
    watched_page: tuple[Page, Watched], tmp_path: Path
) -> None:
    page, _ = watched_page
    page.goto("/#voices")
    page.fill("#enrol-name", "Quiet")
    page.set_input_files("#enrol-file", silence(tmp_path / "quiet.wav"))
    page.click("#enrol-go")
    error = page.locator("#enrol-error")
    expect(error).to_contain_text("silent", timeout=ENROL_MS)

    page.click("#language-toggle")
    page.set_input_files("#enrol-file", silence(tmp_path / "тихо.wav"))
    page.click("#enrol-go")
    expect(error).to_have_text(
        "Образец тихий или беззвучный. Говорите ближе к микрофону и запишите снова.", timeout=ENROL_MS
    )
    expect(page.locator("#voices-list li", has_text="Quiet")).to_have_count(0)


def test_enrolling_without_a_sample_says_what_is_missing(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/#voices")
    page.fill("#enrol-name", "Nobody")
    page.click("#enrol-go")
    expect(page.locator("#enrol-error")).to_have_text("Record or choose a sample first.")
