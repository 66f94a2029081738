"""With API keys set, the page asks for a key, keeps it for the tab only, and then works."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, expect
from pydantic import SecretStr

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from tests.browser.conftest import DESKTOP, PHONE, open_context, watch
from tests.fakes.live_server import live_server

KEY = "a-long-random-key-for-the-page"


@pytest.fixture(scope="module")
def keyed_url(web_app: App) -> Iterator[str]:
    settings = web_app.settings.model_copy(update={"api_keys": [SecretStr(KEY)]})
    with live_server(create_api(replace(web_app, settings=settings))) as url:
        yield url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_page_asks_for_a_key_then_works(browser: Browser, keyed_url: str, viewport: ViewportSize) -> None:
    context = open_context(browser, keyed_url, viewport)
    page = context.new_page()
    watched = watch(page, keyed_url)
    page.goto("/#speak")
    expect(page.locator("#login")).to_be_visible()
    expect(page.locator("#nav")).to_be_hidden()
    expect(page.locator("#speak")).to_be_hidden()
    expect(page.locator("#login-key")).to_be_focused()

    page.fill("#login-key", "wrong-key")
    page.keyboard.press("Enter")
    expect(page.locator("#login-error")).to_have_text("That key was not accepted. Check it and try again.")
    expect(page.locator("#nav")).to_be_hidden()

    page.fill("#login-key", KEY)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#speak")).to_be_visible()
    expect(page.locator("#speak-voice option[value='en_US-joe-medium']")).to_have_count(1)  # the API answers
    assert page.evaluate("sessionStorage.getItem('homevoice.apiKey')") == KEY
    assert page.evaluate("localStorage.getItem('homevoice.apiKey')") is None  # never beyond the tab

    page.reload()  # the same tab keeps the key
    expect(page.locator("#speak")).to_be_visible()
    page.fill("#speak-text", "Signed in.")
    page.click("#speak-go")
    expect(page.locator("#speak-download")).to_be_visible(timeout=60_000)

    page.click("#sign-out")
    expect(page.locator("#login")).to_be_visible()
    assert page.evaluate("sessionStorage.getItem('homevoice.apiKey')") is None

    other_tab = context.new_page()  # session storage belongs to one tab
    other_tab.goto("/")
    expect(other_tab.locator("#login")).to_be_visible()
    context.close()
    assert watched.foreign_requests == []


def test_a_page_without_keys_on_loopback_opens_at_once(watched_page: tuple[Page, object]) -> None:
    page, _ = watched_page
    page.goto("/")
    expect(page.locator("#dictate")).to_be_visible()
    expect(page.locator("#login")).to_be_hidden()
    expect(page.locator("#sign-out")).to_be_hidden()
