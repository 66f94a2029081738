"""The web page in a real headless Chromium (Debian's, driven by Playwright; no browser download),
against a live server on 127.0.0.1 with the real models, jobs and vault."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Request,
    ViewportSize,
    sync_playwright,
)

from homevoice.adapters.http.server import create_api
from homevoice.app import App, build_app
from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.audio.wav import write_pcm16
from homevoice.errors import ConfigError
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.runtime import JobRuntime
from homevoice.services import knowledge as knowledge_service
from homevoice.settings import load_settings
from homevoice.web.headless import LAUNCH_ARGS, chromium_path
from tests.fakes.knowledge import write_sample_vault
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

# The microphone is Chromium's fake capture device, playing this eval recording in a loop.
MICROPHONE_CLIP = "en_ljspeech_LJ050-0131"
FAKE_MICROPHONE_ARGS = ("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream")
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@dataclass
class Watched:
    """What a page did that a test should know about: requests elsewhere, script errors."""

    foreign_requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="session")
def microphone_wav(clip: Callable[[str], Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    audio = decode_audio(clip(MICROPHONE_CLIP))
    target = tmp_path_factory.mktemp("microphone") / "microphone.wav"
    with target.open("wb") as out:
        write_pcm16(out, audio.samples, SAMPLE_RATE)
    return target


# Package scope: Playwright's sync API keeps an asyncio loop marked running in this thread, which
# code in later tests (DBOS queues) refuses; it stops when this folder's tests are done.
@pytest.fixture(scope="package")
def browser(microphone_wav: Path) -> Iterator[Browser]:
    try:
        executable = chromium_path()
    except ConfigError as err:
        pytest.fail(err.message)
    args = [*LAUNCH_ARGS, *FAKE_MICROPHONE_ARGS, f"--use-file-for-fake-audio-capture={microphone_wav}"]
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, headless=True, args=args)
        yield launched
        launched.close()


@pytest.fixture(scope="package")
def web_app(own_data_dir: Callable[[str], Path], llm_url: str) -> Iterator[App]:
    """The test server's app: a data dir and a vault of sample notes of its own, and a real LLM."""
    data = own_data_dir("web")
    write_sample_vault(data / "vault")
    settings = load_settings(
        data_dir=data,
        stt={"model": "tiny.en", "cpu_threads": 2},
        models={"keep_alive_s": -1},
        jobs={"chunk_s": 30.0},
        llm={"base_url": llm_url, "model": "smollm2", "timeout_s": 120},
        # SmolLM2 runs with a 2048-token context here: passages, question and answer must fit.
        rag={"context_chars": 1500, "context_passages": 3},
    )
    app = build_app(settings)
    with pytest.MonkeyPatch.context() as patch:
        # SmolLM2 can ramble to the token limit; short replies keep the tests quick on a busy CPU.
        patch.setattr(knowledge_service, "ANSWER_MAX_TOKENS", 160)
        yield app
    app.close()


@pytest.fixture(scope="package")
def web_url(web_app: App) -> Iterator[str]:
    """Jobs run as under `homevoice serve`: transcriptions, audiobooks and index refreshes. One job
    runtime may run in a process, so it stops when this folder's tests are done."""
    runtime = JobRuntime(
        web_app.settings,
        web_app.transcription,
        listen=True,
        audiobooks=web_app.audiobooks(),
        knowledge=KnowledgeWork(web_app.knowledge),
    )
    with live_server(create_api(web_app, runtime)) as url:
        yield url


def open_context(
    browser: Browser, base_url: str, viewport: ViewportSize, locale: str = "en-US"
) -> BrowserContext:
    return browser.new_context(
        base_url=base_url, viewport=viewport, locale=locale, accept_downloads=True, permissions=["microphone"]
    )


def watch(page: Page, base_url: str) -> Watched:
    watched = Watched()

    def on_request(request: Request) -> None:
        url = request.url
        if not url.startswith((base_url, "blob:", "data:")):
            watched.foreign_requests.append(url)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.errors.append(message.text)

    page.on("request", on_request)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


@pytest.fixture
def watched_page(browser: Browser, web_url: str) -> Iterator[tuple[Page, Watched]]:
    """A desktop-sized page; after the test, nothing may have left the server or failed in a script."""
    context = open_context(browser, web_url, DESKTOP)
    page = context.new_page()
    watched = watch(page, web_url)
    yield page, watched
    context.close()
    assert watched.foreign_requests == []
    # A 4xx the test provoked on purpose is logged by Chromium as a failed resource; nothing else may be.
    assert [e for e in watched.errors if "Failed to load resource" not in e] == []


@pytest.fixture
def browser_page_ru(browser: Browser, web_url: str) -> Iterator[Page]:
    """A phone-sized page whose browser prefers Russian."""
    context = open_context(browser, web_url, PHONE, locale="ru-RU")
    yield context.new_page()
    context.close()
