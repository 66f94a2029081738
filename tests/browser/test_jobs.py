"""Jobs in the browser: a long transcription and an audiobook followed live to the end, results
downloaded; a job cancelled."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
from playwright.sync_api import Page, expect

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from tests.browser.conftest import Watched
from tests.fakes.media import encode

JOB_MS = 240_000


def long_recording(clip: Callable[[str], Path], target: Path, repeats: int) -> Path:
    names = ["en_librivox_sense_0870", "en_ljspeech_LJ050-0131", "en_mfa_surround"]
    pause = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    parts = [part for _ in range(repeats) for n in names for part in (decode_audio(clip(n)).samples, pause)]
    target.write_bytes(encode(np.concatenate(parts), SAMPLE_RATE, "oga"))
    return target


def test_a_long_transcription_is_followed_to_completion_and_downloaded(
    watched_page: tuple[Page, Watched], clip: Callable[[str], Path], tmp_path: Path
) -> None:
    page, _ = watched_page
    page.add_init_script(
        """window.__progress = new Set();
        document.addEventListener("DOMContentLoaded", () => new MutationObserver(() => {
          for (const bar of document.querySelectorAll("#jobs-list progress")) window.__progress.add(bar.value);
        }).observe(document.querySelector("#jobs-list"), { subtree: true, childList: true }));"""
    )
    page.goto("/#jobs")
    recording = long_recording(clip, tmp_path / "lecture.ogg", repeats=2)  # about 59 s: two chunks
    page.set_input_files("#job-file", recording)
    page.click("#job-form button[type=submit]")
    item = page.locator("#jobs-list li", has_text="lecture.ogg")
    expect(item).to_have_count(1)
    expect(item.locator(".badge")).to_have_text("Finished", timeout=JOB_MS)
    seen = page.evaluate("[...window.__progress]")
    assert any(0 < value < 1 for value in seen), seen  # progress arrived while it ran

    page.reload()  # the server keeps the upload's name: the list says which recording it was
    expect(item.locator(".badge")).to_have_text("Finished")
    with page.expect_download() as download:
        item.get_by_role("button", name=".srt").click()
    assert download.value.suggested_filename == "lecture.srt"
    srt = Path(download.value.path()).read_text(encoding="utf-8")
    cues = re.findall(r"^(\d\d:\d\d:\d\d,\d{3}) --> ", srt, flags=re.MULTILINE)
    assert len(cues) >= 4 and cues[-1] > "00:00:45,000", srt
    assert "dashwood" in srt.lower()


def test_an_audiobook_is_made_and_its_file_downloaded(
    watched_page: tuple[Page, Watched], tmp_path: Path
) -> None:
    page, _ = watched_page
    page.goto("/#jobs")
    page.check("input[name=kind][value=audiobook]")
    expect(page.locator("#job-file-label")).to_have_text("Document (PDF, EPUB, Markdown or text)")
    document = tmp_path / "Короткая книга.md"
    document.write_text(
        "# Chapter one\n\nThe rain stopped before noon.\n\n# Chapter two\n\nWe walked home along the river.\n",
        encoding="utf-8",
    )
    page.set_input_files("#job-file", document)
    page.select_option("#job-format", "mp3")
    page.click("#job-form button[type=submit]")
    item = page.locator("#jobs-list li", has_text="Короткая книга.md")
    expect(item.locator(".badge")).to_have_text("Finished", timeout=JOB_MS)
    buttons = item.get_by_role("button", name=re.compile(r"\.mp3$"))
    expect(buttons).to_have_count(2)  # a file per chapter, beside its subtitles
    expect(item.get_by_role("button", name=re.compile(r"\.srt$"))).to_have_count(2)
    with page.expect_download() as download:
        buttons.first.click()
    assert download.value.suggested_filename.endswith(".mp3")
    assert decode_audio(Path(download.value.path())).duration > 1.0


def test_a_running_job_is_cancelled(
    watched_page: tuple[Page, Watched], clip: Callable[[str], Path], tmp_path: Path
) -> None:
    page, _ = watched_page
    page.goto("/#jobs")
    recording = long_recording(clip, tmp_path / "very long.ogg", repeats=8)  # about 4 min: 8 chunks
    page.set_input_files("#job-file", recording)
    page.click("#job-form button[type=submit]")
    item = page.locator("#jobs-list li", has_text="very long.ogg")
    item.get_by_role("button", name="Cancel").click()
    expect(item.locator(".badge")).to_have_text("Cancelled", timeout=JOB_MS)
    expect(item.get_by_role("button", name="Cancel")).to_have_count(0)
