"""What every command needs: the settings, built once from ``--config`` and the environment."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import typer

from homevoice.errors import HomevoiceError
from homevoice.settings import Settings, load_settings


@dataclass
class CliState:
    config: Path | None = None
    verbose: bool = False
    _settings: Settings | None = None

    def settings(self) -> Settings:
        if self._settings is None:
            overrides = {"log_level": "INFO"} if self.verbose else {}
            try:
                self._settings = load_settings(self.config, **overrides)
            except HomevoiceError as err:
                fail(err, 2)
        return self._settings


def state(ctx: typer.Context) -> CliState:
    obj = ctx.find_root().obj
    assert isinstance(obj, CliState)
    return obj


def error_line(err: HomevoiceError, subject: str = "") -> str:
    prefix = f"{subject}: " if subject else ""
    return f"homevoice: error: {prefix}{err.message} [{err.code}]"


def fail(err: HomevoiceError, exit_code: int = 1) -> NoReturn:
    print(error_line(err), file=sys.stderr)
    raise typer.Exit(exit_code)
