"""A bounded queue in front of each model: a few requests run, some wait, the rest get 429.

Engines are blocking, so admitted work runs in a worker thread and the event loop stays free for
other requests, the bot and Wyoming.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

import anyio.to_thread

from homevoice.errors import BusyError

T = TypeVar("T")


@dataclass
class _Lane:
    semaphore: asyncio.Semaphore
    waiting: int = 0
    running: int = 0
    mean_s: float = 5.0  # moving average of how long one request holds the model


class Admission:
    """A held place on a model's lane; ``release`` once, when the work is over."""

    def __init__(self, lane: _Lane) -> None:
        self._lane = lane
        self._started = time.monotonic()
        self._released = False

    def release(self) -> None:
        if self._released:
            return
        self._released = True
        lane = self._lane
        lane.running -= 1
        lane.mean_s = 0.8 * lane.mean_s + 0.2 * (time.monotonic() - self._started)
        lane.semaphore.release()


class ModelGate:
    def __init__(self, concurrency: int, max_waiting: int) -> None:
        self.concurrency = concurrency
        self.max_waiting = max_waiting
        self._lanes: dict[str, _Lane] = {}

    def _lane(self, model: str) -> _Lane:
        lane = self._lanes.get(model)
        if lane is None:
            lane = self._lanes[model] = _Lane(asyncio.Semaphore(self.concurrency))
        return lane

    async def admit(self, model: str) -> Admission:
        """Wait for a free place on the model, or raise BusyError when too many already wait."""
        lane = self._lane(model)
        if lane.semaphore.locked() and lane.waiting >= self.max_waiting:
            ahead = lane.waiting + lane.running
            retry = max(1, math.ceil(lane.mean_s * ahead / self.concurrency))
            raise BusyError(
                f"Model {model} is busy with {ahead} requests; retry in about {retry} s.", retry_after_s=retry
            )
        lane.waiting += 1
        try:
            await lane.semaphore.acquire()
        finally:
            lane.waiting -= 1
        lane.running += 1
        return Admission(lane)

    async def run(self, model: str, work: Callable[[], T]) -> T:
        admission = await self.admit(model)
        try:
            return await anyio.to_thread.run_sync(work)
        finally:
            admission.release()

    def depth(self) -> dict[str, tuple[int, int]]:
        """(running, waiting) per model, for metrics."""
        return {name: (lane.running, lane.waiting) for name, lane in self._lanes.items()}
