"""Dictation in the browser: a dropped file and the microphone, streamed segments, downloads, notes."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from homevoice.app import App
from homevoice.vault.frontmatter import parse_note
from tests.browser.conftest import Watched

TRANSCRIBE_S = 120_000  # ms: tiny.en on a busy 2-core machine


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z]+", text.lower()))


def test_a_chosen_recording_is_transcribed_and_saved_as_a_note_with_its_audio(
    watched_page: tuple[Page, Watched], clip: Callable[[str], Path], web_app: App
) -> None:
    page, _ = watched_page
    page.goto("/#dictate")
    recording = clip("en_librivox_sense_0870")
    page.set_input_files("#dictate-file", recording)
    status = page.locator("#dictate-status")
    expect(status).to_contain_text("Done:", timeout=TRANSCRIBE_S)
    text = page.input_value("#dictate-text")
    expected = "and mister john dashwood had then leisure to consider how much there might be prudently"
    assert len(words(expected) & words(text)) >= 10, text

    with page.expect_download() as srt_download:
        page.click("[data-download=srt]")
    srt = Path(srt_download.value.path()).read_text(encoding="utf-8")
    assert srt_download.value.suggested_filename == "en_librivox_sense_0870.srt"
    assert re.match(r"1\n00:00:0\d,\d{3} --> 00:00:0\d,\d{3}\n\S", srt), srt
    with page.expect_download() as vtt_download:
        page.click("[data-download=vtt]")
    assert Path(vtt_download.value.path()).read_text(encoding="utf-8").startswith("WEBVTT\n\n00:00:0")

    # The person corrects a word, then saves: the note has the corrected text and the recording.
    page.fill("#dictate-text", text + " Corrected by hand.")
    with page.expect_download() as txt_download:
        page.click("[data-download=txt]")
    assert Path(txt_download.value.path()).read_text(encoding="utf-8").endswith("Corrected by hand.\n")
    page.fill("#dictate-title-input", "Dashwood ../../escape")
    page.click("#dictate-save")
    saved = page.locator("#dictate-saved")
    expect(saved).to_contain_text("Saved as", timeout=30_000)
    link = saved.locator("a")
    assert (link.get_attribute("href") or "").startswith("obsidian://open?vault=vault&file=")

    vault = web_app.settings.vault_dir
    notes = [p for p in vault.rglob("*Dashwood*.md")]
    assert len(notes) == 1 and vault in notes[0].parents
    fields, body = parse_note(notes[0].read_text(encoding="utf-8"))
    assert fields["source"] == "web" and "Corrected by hand." in body
    attachments = [p for p in vault.rglob("*Dashwood*") if p.suffix == ".wav"]
    assert len(attachments) == 1 and attachments[0].read_bytes() == recording.read_bytes()


def test_the_microphone_is_recorded_and_transcribed(watched_page: tuple[Page, Watched]) -> None:
    """Chromium's fake microphone plays an eval recording (LJ050-0131, 7.7 s) into MediaRecorder."""
    page, _ = watched_page
    page.goto("/#dictate")
    record = page.locator("#dictate-record")
    record.click()
    expect(record).to_have_attribute("aria-pressed", "true")
    expect(record).to_have_text("Stop")
    page.wait_for_timeout(9_000)
    record.click()
    expect(record).to_have_attribute("aria-pressed", "false")
    expect(page.locator("#dictate-status")).to_contain_text("Done:", timeout=TRANSCRIBE_S)
    heard = words(page.input_value("#dictate-text"))
    expected = words("unless a system is established for the frequent formal review of activities")
    assert len(heard & expected) >= 6, heard


def test_silence_and_junk_are_explained(watched_page: tuple[Page, Watched], tmp_path: Path) -> None:
    page, _ = watched_page
    page.goto("/#dictate")
    junk = tmp_path / "notes.mp3"
    junk.write_bytes(b"this is not audio at all" * 100)
    page.set_input_files("#dictate-file", junk)
    status = page.locator("#dictate-status")
    expect(status).to_have_class(re.compile(r"\berror\b"), timeout=30_000)
    # The server's code in the page's words: junk named .mp3 is no audio format it knows.
    assert status.text_content() in (
        "This audio format is not supported.",
        "This file could not be read as audio.",
    )
    assert page.locator("#dictate-save").is_disabled()
