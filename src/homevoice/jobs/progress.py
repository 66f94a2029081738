"""Progress of a chunked job as one number, and a throttle so it is published at a sane rate."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from homevoice.jobs.chunking import Span


def overall_progress(spans: Sequence[Span], done: int, fraction: float) -> float:
    """Share of the audio finished: ``done`` whole chunks plus ``fraction`` of the next, by duration."""
    if not spans:
        return 1.0
    total = spans[-1][1] - spans[0][0]
    if total <= 0:
        return 1.0 if done >= len(spans) else 0.0
    finished = sum(end - start for start, end in spans[:done])
    current = 0.0
    if done < len(spans):
        start, end = spans[done]
        current = (end - start) * min(1.0, max(0.0, fraction))
    return min(1.0, (finished + current) / total)


class Throttle:
    """True at most once per ``interval_s`` (and on the first call)."""

    def __init__(self, interval_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self._interval_s = interval_s
        self._clock = clock
        self._last: float | None = None

    def ready(self) -> bool:
        now = self._clock()
        if self._last is not None and now - self._last < self._interval_s:
            return False
        self._last = now
        return True
