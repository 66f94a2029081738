"""Notes in the browser: the index brought up to date, a search and a question answered by a real
LLM, every result linking into Obsidian."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, expect

from homevoice.app import App
from tests.browser.conftest import Watched


def obsidian_target(href: str | None) -> tuple[str, str]:
    parts = urlsplit(href or "")
    assert parts.scheme == "obsidian" and parts.netloc == "open", href
    query = parse_qs(parts.query)
    return query["vault"][0], query["file"][0]


def test_the_vault_is_indexed_searched_and_asked(watched_page: tuple[Page, Watched]) -> None:
    page, _ = watched_page
    page.goto("/#notes")
    page.click("#index-refresh")
    expect(page.locator("#index-status")).to_contain_text(re.compile(r"\d+ added"), timeout=180_000)

    page.fill("#search-query", "when to prune roses")
    page.keyboard.press("Enter")
    expect(page.locator("#search-status")).to_contain_text("passages found", timeout=60_000)
    first = page.locator("#search-results li").first
    expect(first).to_contain_text("Garden/Roses.md · Pruning")
    expect(first).to_contain_text("early March")
    assert obsidian_target(first.locator("a").get_attribute("href")) == ("vault", "Garden/Roses")

    page.fill("#ask-question", "When should I prune the roses?")
    page.click("#ask-form button[type=submit]")
    expect(page.locator("#ask-answer")).to_be_visible(timeout=240_000)
    assert (page.text_content("#ask-answer") or "").strip()
    cited = [obsidian_target(a.get_attribute("href")) for a in page.locator("#ask-citations a").all()]
    assert ("vault", "Garden/Roses") in cited


def test_a_russian_search_in_the_russian_interface(browser_page_ru: Page, web_app: App) -> None:
    web_app.knowledge().refresh()
    page = browser_page_ru
    page.goto("/#notes")
    expect(page.locator("#notes-title")).to_have_text("Заметки")
    page.fill("#search-query", "как сохранить цвет борща")
    page.click("#search-form button[type=submit]")
    expect(page.locator("#search-status")).to_contain_text("Найдено фрагментов", timeout=60_000)
    first = page.locator("#search-results li").first
    expect(first).to_contain_text("Свёклу тушить отдельно")
    assert obsidian_target(first.locator("a").get_attribute("href")) == ("vault", "Recipes/Борщ")
