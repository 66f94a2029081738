"""`homevoice jobs ...` in process, on a SQLite jobs database: output lines and one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from homevoice.cli.main import app


@pytest.fixture
def runner(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("HOMEVOICE_DATA_DIR", str(tmp_path))
    return CliRunner()


def test_list_on_a_new_database_shows_the_header(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["jobs", "list"])
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["id", "state", "progress", "model", "error"]
    assert (tmp_path / "jobs.sqlite").is_file()


def test_cancel_of_an_unknown_job_is_one_line(runner: CliRunner) -> None:
    result = runner.invoke(app, ["jobs", "cancel", "no-such-job"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "homevoice: error: There is no job no-such-job; list the jobs to find its id. [job_not_found]"
    ]


def test_recover_of_a_worker_without_jobs(runner: CliRunner) -> None:
    result = runner.invoke(app, ["jobs", "recover", "--worker", "gone"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "handed 0 job(s) of worker gone back to the queues"


def test_an_unreachable_database_is_one_line_without_the_password(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOMEVOICE_JOBS__DATABASE_URL", "postgresql://hv:s3cret@127.0.0.1:1/homevoice")
    result = runner.invoke(app, ["jobs", "list"])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "[jobs_database_unavailable]" in lines[0], result.stderr
    assert "s3cret" not in result.output and "hv:***@127.0.0.1:1" in lines[0]
