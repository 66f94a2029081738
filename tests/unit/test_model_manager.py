"""ModelManager: lazy loading, sharing, concurrency, keep-alive, unload rules, failures, status, close."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

from homevoice.engines.manager import ModelManager
from homevoice.errors import ModelInUseError


class FakeEngine:
    def __init__(self, name: str) -> None:
        self.name = name
        self.closed = 0

    def close(self) -> None:
        self.closed += 1


class CountingLoader:
    def __init__(self, delay_s: float = 0.0, fail_times: int = 0) -> None:
        self.calls: list[str] = []
        self.made: list[FakeEngine] = []
        self.delay_s = delay_s
        self.fail_times = fail_times
        self._lock = threading.Lock()

    def __call__(self, name: str) -> FakeEngine:
        with self._lock:
            self.calls.append(name)
            failing = self.fail_times > 0
            self.fail_times -= 1
        if self.delay_s:
            time.sleep(self.delay_s)
        if failing:
            raise OSError(f"cannot load {name}")
        engine = FakeEngine(name)
        with self._lock:
            self.made.append(engine)
        return engine


def eventually(condition: Callable[[], bool], timeout_s: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


def manager(loader: CountingLoader, keep_alive_s: float = -1) -> ModelManager[FakeEngine]:
    return ModelManager(loader, keep_alive_s=keep_alive_s)


def test_loads_lazily_on_first_use() -> None:
    loader = CountingLoader()
    models = manager(loader)
    assert loader.calls == []
    assert models.status() == []
    with models.use("base") as engine:
        assert engine.name == "base"
    assert loader.calls == ["base"]


def test_second_use_reuses_the_loaded_model() -> None:
    loader = CountingLoader()
    models = manager(loader)
    with models.use("base") as first:
        pass
    with models.use("base") as second:
        pass
    assert second is first
    assert loader.calls == ["base"]
    assert first.closed == 0


def test_different_names_are_different_models() -> None:
    loader = CountingLoader()
    models = manager(loader)
    with models.use("base") as base, models.use("tiny.en") as tiny:
        assert base is not tiny
    assert sorted(loader.calls) == ["base", "tiny.en"]


def test_concurrent_first_uses_load_once() -> None:
    loader = CountingLoader(delay_s=0.05)
    models = manager(loader)
    start = threading.Barrier(8)

    def use() -> FakeEngine:
        start.wait()
        with models.use("base") as engine:
            time.sleep(0.01)
            return engine

    with ThreadPoolExecutor(8) as pool:
        engines = list(pool.map(lambda _: use(), range(8)))
    assert loader.calls == ["base"]
    assert all(engine is engines[0] for engine in engines)
    assert models.status()[0].users == 0


def test_unload_while_in_use_is_refused_and_works_when_idle() -> None:
    loader = CountingLoader()
    models = manager(loader)
    with models.use("base") as engine:
        with pytest.raises(ModelInUseError) as info:
            models.unload("base")
        assert info.value.code == "model_in_use"
        assert "base" in str(info.value)
        assert engine.closed == 0
    assert models.unload("base") is True
    assert engine.closed == 1
    assert models.status() == []
    assert models.unload("base") is False
    assert models.unload("never-loaded") is False
    with models.use("base") as again:
        assert again is not engine
    assert loader.calls == ["base", "base"]


def test_keep_alive_zero_unloads_right_after_use() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=0)
    with models.use("base") as engine:
        assert engine.closed == 0
        with models.use("base") as shared:  # a second user keeps it loaded
            assert shared is engine
        assert engine.closed == 0
    assert engine.closed == 1
    assert models.status() == []


def test_small_keep_alive_unloads_after_idle() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=0.05)
    with models.use("base") as engine:
        time.sleep(0.1)  # longer than keep-alive while in use: nothing happens
        assert engine.closed == 0
    assert models.status()[0].idle_since is not None
    assert eventually(lambda: engine.closed == 1)
    assert models.status() == []


def test_use_before_expiry_cancels_the_idle_timer() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=0.4)
    with models.use("base") as engine:
        pass
    first_release = time.monotonic()
    time.sleep(0.2)
    with models.use("base") as again:
        assert again is engine
        assert models.status()[0].idle_since is None
    second_release = time.monotonic()
    # Past the first timer's deadline, well before the second one's.
    time.sleep(max(0.0, first_release + 0.5 - time.monotonic()))
    assert time.monotonic() - second_release < 0.4, "the machine stalled; the check came too late"
    assert engine.closed == 0
    assert [m.name for m in models.status()] == ["base"]
    assert eventually(lambda: engine.closed == 1)
    assert loader.calls == ["base"]


def test_negative_keep_alive_never_unloads() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=-1)
    with models.use("base") as engine:
        pass
    time.sleep(0.1)
    assert engine.closed == 0
    assert [m.name for m in models.status()] == ["base"]


def test_load_preloads_and_starts_the_idle_clock() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=0.05)
    models.load("base")
    assert loader.calls == ["base"]
    engine = loader.made[0]
    assert eventually(lambda: engine.closed == 1)


def test_failed_load_leaves_nothing_loaded_and_the_next_use_retries() -> None:
    loader = CountingLoader(fail_times=1)
    models = manager(loader, keep_alive_s=0.05)
    with pytest.raises(OSError, match="cannot load base"), models.use("base"):
        pass
    assert models.status() == []
    assert models.unload("base") is False
    with models.use("base") as engine:
        assert models.status()[0].users == 1
    assert loader.calls == ["base", "base"]
    assert engine.closed == 0


def test_exception_in_the_block_releases_the_model() -> None:
    loader = CountingLoader()
    models = manager(loader)
    with pytest.raises(ValueError, match="boom"), models.use("base"):
        raise ValueError("boom")
    assert models.status()[0].users == 0
    assert models.unload("base") is True


def test_status_reports_names_users_and_times() -> None:
    loader = CountingLoader(delay_s=0.02)
    models = manager(loader)
    before = time.time()
    with models.use("tiny.en"), models.use("base"), models.use("base"):
        status = {m.name: m for m in models.status()}
        assert [m.name for m in models.status()] == ["base", "tiny.en"]  # sorted by name
        assert status["base"].users == 2
        assert status["tiny.en"].users == 1
        assert status["base"].idle_since is None
        assert status["base"].load_seconds >= 0.02
        assert before <= status["base"].loaded_at <= time.time()
    after = {m.name: m for m in models.status()}
    assert after["base"].users == 0
    assert after["base"].idle_since is not None


def test_close_closes_every_model_and_refuses_new_uses() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=300)
    models.load("base")
    models.load("tiny.en")
    models.close()
    assert [engine.closed for engine in loader.made] == [1, 1]
    assert models.status() == []
    with pytest.raises(RuntimeError), models.use("base"):
        pass
    assert loader.calls == ["base", "tiny.en"]


def test_close_unloads_a_model_in_use() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=-1)
    with models.use("base") as engine:
        models.close()
        assert engine.closed == 1
    assert engine.closed == 1


def test_close_during_use_closes_the_model_once_with_keep_alive_zero() -> None:
    loader = CountingLoader()
    models = manager(loader, keep_alive_s=0)
    with models.use("base") as engine:
        models.close()
    assert engine.closed == 1
