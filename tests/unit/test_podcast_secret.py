"""The podcast feed's secret: configured, or generated once, kept private and agreed on by every process."""

from __future__ import annotations

import errno
import multiprocessing
import os
import re
import stat
from pathlib import Path
from typing import Any

import pytest

from homevoice.audiobooks.secret import SECRET_FILE, podcast_secret, stored_secret
from homevoice.errors import ConfigError
from homevoice.settings import Settings, load_settings


def settings_in(data_dir: Path, **audiobooks: Any) -> Settings:
    return load_settings(data_dir=data_dir, audiobooks=audiobooks)


def test_a_configured_secret_wins(tmp_path: Path) -> None:
    assert (
        podcast_secret(settings_in(tmp_path, podcast_secret="my-own-secret-value")) == "my-own-secret-value"
    )
    assert not (tmp_path / "audiobooks" / SECRET_FILE).exists()


def test_a_generated_secret_is_long_random_private_and_kept(tmp_path: Path) -> None:
    first = podcast_secret(settings_in(tmp_path))
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", first)
    path = tmp_path / "audiobooks" / SECRET_FILE
    assert path.read_text().strip() == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert podcast_secret(settings_in(tmp_path)) == first  # a restart keeps the address phones know
    assert podcast_secret(settings_in(tmp_path / "elsewhere")) != first
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE]  # no temporary file left behind


def test_an_empty_configured_secret_falls_back_to_the_file(tmp_path: Path) -> None:
    generated = podcast_secret(settings_in(tmp_path, podcast_secret=""))
    assert generated == (tmp_path / "audiobooks" / SECRET_FILE).read_text().strip()


def test_a_secret_written_by_hand_is_used(tmp_path: Path) -> None:
    path = tmp_path / "audiobooks" / SECRET_FILE
    path.parent.mkdir(parents=True)
    path.write_text("handwritten_secret-0123456789\n")
    assert podcast_secret(settings_in(tmp_path)) == "handwritten_secret-0123456789"


@pytest.mark.parametrize(
    "content", ["short", "has spaces in it, and it is long enough", "ünïcode-ünïcode-ünïcode"]
)
def test_an_unusable_secret_file_is_a_clear_error(tmp_path: Path, content: str) -> None:
    path = tmp_path / SECRET_FILE
    path.write_text(content)
    with pytest.raises(ConfigError, match="delete the file"):
        stored_secret(path)


def test_without_hard_links_it_still_creates_one_private_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(*_: object) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    path = tmp_path / SECRET_FILE
    value = stored_secret(path)
    assert len(value) >= 32 and stored_secret(path) == value
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == [SECRET_FILE]


def _race(path: str, start: Any, results: Any) -> None:
    start.wait()
    results.put(stored_secret(Path(path)))


def test_processes_racing_to_create_it_agree(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    path = tmp_path / "audiobooks" / SECRET_FILE
    count = 8
    start = context.Barrier(count)
    results = context.Queue()
    workers = [context.Process(target=_race, args=(str(path), start, results)) for _ in range(count)]
    for worker in workers:
        worker.start()
    found = {results.get(timeout=60) for _ in workers}
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    assert found == {path.read_text().strip()}
    assert [p.name for p in path.parent.iterdir()] == [SECRET_FILE]
