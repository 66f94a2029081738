"""Debian's Chromium, headless, as the page's tests, screenshots and benchmark start it.

Playwright drives it by path and never downloads a browser of its own. The flags keep Chromium
from calling Google's services, which a machine with no route out would refuse many times a start.
"""

from __future__ import annotations

import shutil
from typing import Final

from homevoice.errors import ConfigError

LAUNCH_ARGS: Final = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--autoplay-policy=no-user-gesture-required",
)


def chromium_path() -> str:
    found = shutil.which("chromium")
    if found is None:
        raise ConfigError(
            "Debian's chromium is missing: `make test` installs it, or apt-get install chromium"
        )
    return found
