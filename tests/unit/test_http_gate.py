"""The per-model bounded queue in front of blocking engines."""

from __future__ import annotations

import asyncio
import threading

import pytest

from homevoice.adapters.http.gate import ModelGate
from homevoice.errors import BusyError


def test_runs_in_a_thread_and_returns_the_result() -> None:
    gate = ModelGate(concurrency=1, max_waiting=0)
    caller = threading.get_ident()
    worker = asyncio.run(gate.run("m", threading.get_ident))
    assert worker != caller
    assert gate.depth() == {"m": (0, 0)}


def test_refuses_beyond_the_waiting_room_with_a_retry_hint() -> None:
    async def scenario() -> list[object]:
        gate = ModelGate(concurrency=1, max_waiting=1)
        release = threading.Event()
        running = asyncio.create_task(gate.run("m", release.wait))
        await asyncio.sleep(0.05)
        waiting = asyncio.create_task(gate.run("m", lambda: "second"))
        await asyncio.sleep(0.05)
        assert gate.depth() == {"m": (1, 1)}
        with pytest.raises(BusyError) as refused:
            await gate.run("m", lambda: "third")
        assert refused.value.retry_after_s >= 1 and refused.value.code == "busy"
        other_model = await gate.run("other", lambda: "free lane")
        release.set()
        return [await running, await waiting, other_model]

    assert asyncio.run(scenario()) == [True, "second", "free lane"]


def test_a_cancelled_waiter_gives_its_place_back() -> None:
    async def scenario() -> dict[str, tuple[int, int]]:
        gate = ModelGate(concurrency=1, max_waiting=1)
        release = threading.Event()
        running = asyncio.create_task(gate.run("m", release.wait))
        await asyncio.sleep(0.05)
        waiter = asyncio.create_task(gate.run("m", lambda: None))
        await asyncio.sleep(0.05)
        waiter.cancel()
        await asyncio.sleep(0.05)
        release.set()
        await running
        return gate.depth()

    assert asyncio.run(scenario()) == {"m": (0, 0)}


def test_a_failing_job_releases_the_model() -> None:
    gate = ModelGate(concurrency=1, max_waiting=0)

    def boom() -> None:
        raise ValueError("engine failed")

    with pytest.raises(ValueError, match="engine failed"):
        asyncio.run(gate.run("m", boom))
    assert asyncio.run(gate.run("m", lambda: "next")) == "next"
