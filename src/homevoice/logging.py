"""Logging is configured once, by the entry point."""

from __future__ import annotations

import logging
import sys

# Libraries that log request URLs (a token can be part of one) or chatty progress.
_QUIET = ("httpx", "httpcore", "huggingface_hub", "faster_whisper", "urllib3")


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for name in _QUIET:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(level)))
