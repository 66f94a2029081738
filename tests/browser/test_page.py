"""The page as a whole: keyboard use, both languages, no resource from elsewhere, and subtitles
written exactly as the server writes them."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from homevoice.engines.base import Segment, Transcript
from homevoice.formats.transcript import to_srt, to_vtt
from tests.browser.conftest import Watched

SCREENS = ["dictate", "speak", "voices", "jobs", "notes"]


def test_every_screen_is_reached_by_keyboard(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/")
    expect(page.locator("#dictate")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.locator(".skip")).to_be_focused()
    for screen in SCREENS:
        link = page.locator(f"#nav a[href='#{screen}']")
        link.focus()
        page.keyboard.press("Enter")
        expect(page.locator(f"#{screen}")).to_be_visible()
        expect(link).to_have_attribute("aria-current", "page")
        expect(page.locator(f"#{screen}-title")).to_be_focused()  # screen readers hear where they are
        for other in SCREENS:
            if other != screen:
                expect(page.locator(f"#{other}")).to_be_hidden()


def test_every_control_has_a_label(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/")
    expect(page.locator("#dictate")).to_be_visible()
    unlabelled = page.evaluate(
        """[...document.querySelectorAll("input, select, textarea")]
            .filter((el) => el.type !== "hidden" && el.labels.length === 0 && !el.getAttribute("aria-label"))
            .map((el) => el.id || el.name)"""
    )
    assert unlabelled == []


def test_the_interface_switches_between_russian_and_english(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/#speak")
    expect(page.locator("#speak-title")).to_have_text("Speak")
    page.click("#language-toggle")
    expect(page.locator("#speak-title")).to_have_text("Озвучка")
    expect(page.locator("#nav a[href='#dictate']")).to_have_text("Диктовка")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    expect(page.locator("#language-toggle")).to_have_text("English")
    page.reload()  # the choice is remembered
    expect(page.locator("#speak-title")).to_have_text("Озвучка")
    untranslated = page.evaluate(
        """[...document.querySelectorAll("[data-i18n]")].filter((el) => el.textContent === el.dataset.i18n)
            .map((el) => el.dataset.i18n)"""
    )
    assert untranslated == []
    page.click("#language-toggle")
    expect(page.locator("#speak-title")).to_have_text("Speak")


def test_the_page_loads_only_from_this_server(watched_page: tuple[Page, Watched], web_url: str) -> None:
    page, watched = watched_page
    loaded: list[str] = []
    page.on("requestfinished", lambda request: loaded.append(request.url))
    response = page.goto("/")
    assert response is not None
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    expect(page.locator("#dictate")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert {url.split("?")[0] for url in loaded} >= {
        f"{web_url}/",
        f"{web_url}/web/js/main.js",
        f"{web_url}/web/app.css",
    }
    assert watched.foreign_requests == []


def test_subtitles_are_written_as_the_server_writes_them(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/")
    segments = [
        Segment(id=0, start=0.0, end=2.4994, text=" Hello there."),
        Segment(id=1, start=2.5, end=3661.0006, text="A line --> with an arrow\n\n and a blank line"),
        Segment(id=2, start=3661.5, end=3700.25, text="Привет, мир!"),
    ]
    transcript = Transcript(text="", language="en", duration=3700.25, segments=tuple(segments))
    plain = [{"start": s.start, "end": s.end, "text": s.text} for s in segments]
    made = page.evaluate(
        """async (segments) => {
            const subtitles = await import("/web/js/subtitles.js");
            return [subtitles.toSrt(segments), subtitles.toVtt(segments)];
        }""",
        json.loads(json.dumps(plain)),
    )
    assert made == [to_srt(transcript), to_vtt(transcript)]
