"""The browser interface: static files only (HTML, CSS, ES modules), served by the HTTP adapter.

There is no build step and nothing is fetched from the internet: the page talks to this server's
own API with the key kept in the browser tab's session storage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

STATIC_DIR: Final = Path(__file__).parent / "static"
