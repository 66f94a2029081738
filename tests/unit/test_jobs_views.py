"""DBOS workflow statuses as job states and errors, queue names, and the DBOS configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from homevoice.engines.catalog import CATALOG
from homevoice.errors import AudioError, JobError, UnknownModelError
from homevoice.jobs.config import APPLICATION_VERSION, database_url, dbos_config, executor_id
from homevoice.jobs.queues import all_queue_names, queue_name
from homevoice.jobs.views import JobState, error_view, job_state
from homevoice.settings import load_settings


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("ENQUEUED", JobState.QUEUED),
        ("DELAYED", JobState.QUEUED),
        ("PENDING", JobState.RUNNING),
        ("SUCCESS", JobState.SUCCEEDED),
        ("ERROR", JobState.FAILED),
        ("MAX_RECOVERY_ATTEMPTS_EXCEEDED", JobState.FAILED),
        ("CANCELLED", JobState.CANCELLED),
    ],
)
def test_state_mapping(status: str, state: JobState) -> None:
    assert job_state(status) is state


def test_unknown_status_is_a_job_error() -> None:
    with pytest.raises(JobError, match="SOMETHING_NEW"):
        job_state("SOMETHING_NEW")


def test_errors_carry_the_homevoice_code_and_message() -> None:
    err = AudioError("upload.ogg is cut short; send the complete file.", code="truncated_audio")
    assert error_view("ERROR", err) == {"code": "truncated_audio", "message": err.message}
    assert error_view("ERROR", UnknownModelError("Unknown model 'x'.")) == {
        "code": "model_not_found",
        "message": "Unknown model 'x'.",
    }


def test_other_failures_name_no_internals() -> None:
    view = error_view("ERROR", ZeroDivisionError("division by zero at line 12"))
    assert view is not None and view["code"] == "internal_error"
    assert "line 12" not in view["message"] and "ZeroDivisionError" in view["message"]


def test_too_many_recoveries_and_unfailed_states() -> None:
    assert error_view("MAX_RECOVERY_ATTEMPTS_EXCEEDED", None) is not None
    for status in ("ENQUEUED", "PENDING", "SUCCESS", "CANCELLED"):
        assert error_view(status, None) is None


def test_one_queue_per_catalog_model_plus_custom() -> None:
    names = all_queue_names()
    assert len(names) == len(set(names)) == len(CATALOG) + 1
    assert queue_name("tiny.en") == "stt:tiny.en"
    assert queue_name("/models/my-whisper") == "stt:custom"
    assert set(queue_name(s.name) for s in CATALOG) | {"stt:custom"} == set(names)


def test_default_database_is_sqlite_in_the_data_dir(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path / "new")
    assert database_url(settings) == f"sqlite:///{tmp_path / 'new' / 'jobs.sqlite'}"
    assert (tmp_path / "new").is_dir()
    shared = load_settings(data_dir=tmp_path, jobs={"database_url": "postgresql://u:p@db/homevoice"})
    assert database_url(shared) == "postgresql://u:p@db/homevoice"


def test_dbos_config_is_private_and_versioned(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, jobs={"worker_id": "w7"})
    config = dbos_config(settings, listen=True)
    assert config["executor_id"] == "w7" and config["name"] == "homevoice"
    assert config["application_version"] == APPLICATION_VERSION
    assert config["log_level"] == "WARNING"
    for key in ("conductor_key", "conductor_url", "transact_enterprise_key", "otlp_traces_endpoints"):
        assert not config.get(key)
    assert not config.get("enable_otlp")
    assert (
        dbos_config(load_settings(data_dir=tmp_path, log_level="DEBUG"), listen=True)["log_level"] == "DEBUG"
    )


def test_a_process_that_only_enqueues_never_takes_a_workers_id(tmp_path: Path) -> None:
    settings = load_settings(data_dir=tmp_path, jobs={"worker_id": "w1"})
    clients = {executor_id(settings, listen=False) for _ in range(3)}
    assert len(clients) == 3 and "w1" not in clients
    assert all(c.startswith("w1.client-") for c in clients)
