"""Real embedded models, loaded once per session for the end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from homevoice.app import App, build_app
from homevoice.settings import load_settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def app(data_dir: Path) -> Iterator[App]:
    settings = load_settings(data_dir=data_dir, stt={"cpu_threads": 2}, models={"keep_alive_s": -1})
    application = build_app(settings)
    yield application
    application.close()
