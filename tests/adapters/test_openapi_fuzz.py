"""Schemathesis generates requests from /openapi.json; none may get a 5xx."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from homevoice.adapters.http.server import create_api
from homevoice.app import App
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.runtime import JobRuntime
from tests.fakes.live_server import live_server

pytestmark = [
    pytest.mark.e2e,
    # schemathesis uses `random` inside its strategies; harmless here.
    pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning"),
]


@pytest.fixture(scope="module")
def fuzzed_url(http_app: App, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("fuzz-data")
    (data / "models").symlink_to(http_app.settings.models_dir)
    settings_ = http_app.settings.model_copy(update={"data_dir": data})
    app = replace(http_app, settings=settings_)
    # As `homevoice serve` runs it: this process serves search, so it also refreshes the index.
    runtime = JobRuntime(settings_, app.transcription, listen=True, knowledge=KnowledgeWork(app.knowledge))
    with live_server(create_api(app, runtime)) as url:
        yield url
    if app._knowledge is not None:  # the models are shared with the session's app: close only the index
        app._knowledge.close()


@pytest.fixture(scope="module")
def api_schema(fuzzed_url: str) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{fuzzed_url}/openapi.json")


def test_no_request_gets_a_server_error(api_schema: schemathesis.BaseSchema) -> None:
    # Each operation in turn (schemathesis's pytest plugin does not run on this pytest).
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def no_server_error(case: schemathesis.Case) -> None:
            case.call_and_validate(checks=[not_a_server_error], timeout=120)

        no_server_error()
