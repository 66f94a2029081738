"""The transcribe command shows a progress bar only for long files on a terminal."""

from __future__ import annotations

import io

import pytest

from homevoice.cli import transcribe as transcribe_cmd


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_long_file_on_a_terminal_gets_a_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr("sys.stderr", terminal)
    monkeypatch.setenv("TERM", "xterm-256color")  # rich draws no live bar on a dumb terminal (CI)
    with transcribe_cmd._progress_bar("talk.ogg", 120.0) as progress:
        assert progress is not None
        progress(0.5)
        progress(1.0)
    assert "talk.ogg" in terminal.getvalue()


@pytest.mark.parametrize(("duration", "tty"), [(5.0, True), (120.0, False)])
def test_no_bar_for_short_files_or_pipes(monkeypatch: pytest.MonkeyPatch, duration: float, tty: bool) -> None:
    stream = _Terminal() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    with transcribe_cmd._progress_bar("memo.ogg", duration) as progress:
        assert progress is None
    assert stream.getvalue() == ""
