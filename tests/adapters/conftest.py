"""A live homevoice server on 127.0.0.1 over the real embedded models, for tests with real clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import Any

import pytest

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from tests.fakes.live_server import live_server

pytestmark = pytest.mark.e2e

ServerFactory = Callable[..., AbstractContextManager[str]]


@pytest.fixture(scope="session")
def server_url(http_app: App) -> Iterator[str]:
    with live_server(create_api(http_app)) as url:
        yield url


@pytest.fixture
def make_server(http_app: App) -> ServerFactory:
    """Another server over the same loaded models, with some settings changed."""

    def factory(**changes: Any) -> AbstractContextManager[str]:
        settings = http_app.settings.model_copy(update=changes)
        return live_server(create_api(replace(http_app, settings=settings)))

    return factory
