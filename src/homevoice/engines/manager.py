"""Model lifecycle owned by the app: lazy load, reference counting, idle unload, preload, status.

Like Ollama's keep-alive: a model stays loaded for ``keep_alive_s`` after its last user, then
unloads; a model in use is never unloaded (``unload`` raises ``ModelInUseError``).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from homevoice.errors import ModelInUseError

log = logging.getLogger(__name__)


class Closeable(Protocol):
    def close(self) -> None: ...


M = TypeVar("M", bound=Closeable)


@dataclass(frozen=True)
class LoadedModel:
    name: str
    users: int
    loaded_at: float
    idle_since: float | None
    load_seconds: float


class _Slot(Generic[M]):
    def __init__(self) -> None:
        self.lock = threading.Lock()  # serialises loading of this one model
        self.model: M | None = None
        self.users = 0
        self.loaded_at = 0.0
        self.idle_since: float | None = None
        self.load_seconds = 0.0
        self.timer: threading.Timer | None = None


class ModelManager(Generic[M]):
    def __init__(self, loader: Callable[[str], M], keep_alive_s: float) -> None:
        self._loader = loader
        self._keep_alive_s = keep_alive_s
        self._slots: dict[str, _Slot[M]] = {}
        self._lock = threading.Lock()  # guards _slots and every slot's counters
        self._closed = False

    @contextmanager
    def use(self, name: str) -> Iterator[M]:
        """The loaded model for the duration of the block; loads it on first use."""
        slot = self._acquire(name)
        try:
            assert slot.model is not None
            yield slot.model
        finally:
            self._release(name, slot)

    def load(self, name: str) -> None:
        """Load now (preload); the idle timer starts as if it had just been used."""
        with self.use(name):
            pass

    def unload(self, name: str) -> bool:
        """Unload an idle model; False if it was not loaded. Raises ModelInUseError while in use."""
        with self._lock:
            slot = self._slots.get(name)
            if slot is None or slot.model is None:
                return False
            if slot.users:
                raise ModelInUseError(
                    f"Model {name} is in use by {slot.users} request(s); try again when idle."
                )
            model = self._detach(name, slot)
        self._close(name, model)
        return True

    def status(self) -> list[LoadedModel]:
        with self._lock:
            return [
                LoadedModel(name, s.users, s.loaded_at, s.idle_since, s.load_seconds)
                for name, s in sorted(self._slots.items())
                if s.model is not None
            ]

    def close(self) -> None:
        """Unload everything (at shutdown), whatever the reference counts say."""
        with self._lock:
            self._closed = True
            detached = [(n, self._detach(n, s)) for n, s in list(self._slots.items()) if s.model is not None]
        for name, model in detached:
            self._close(name, model)

    def _acquire(self, name: str) -> _Slot[M]:
        with self._lock:
            if self._closed:
                raise RuntimeError("model manager is closed")
            slot = self._slots.setdefault(name, _Slot())
            slot.users += 1
            slot.idle_since = None
            if slot.timer is not None:
                slot.timer.cancel()
                slot.timer = None
        try:
            with slot.lock:
                if slot.model is None:
                    started = time.perf_counter()
                    model = self._loader(name)
                    with self._lock:
                        closed = self._closed
                        if not closed:
                            slot.model = model
                            slot.loaded_at = time.time()
                            slot.load_seconds = time.perf_counter() - started
                    if closed:  # shut down while this model was loading
                        self._close(name, model)
                        raise RuntimeError("model manager is closed")
                    log.info("loaded model %s in %.2f s", name, slot.load_seconds)
        except BaseException:
            self._release(name, slot)
            raise
        return slot

    def _release(self, name: str, slot: _Slot[M]) -> None:
        expired: M | None = None
        with self._lock:
            slot.users -= 1
            if slot.users or slot.model is None or self._closed:
                return
            slot.idle_since = time.time()
            if self._keep_alive_s == 0:
                expired = self._detach(name, slot)
            elif self._keep_alive_s > 0:
                slot.timer = threading.Timer(self._keep_alive_s, self._expire, args=(name, slot))
                slot.timer.daemon = True
                slot.timer.start()
        if expired is not None:
            self._close(name, expired)

    def _expire(self, name: str, slot: _Slot[M]) -> None:
        with self._lock:
            if slot.users or slot.model is None or self._slots.get(name) is not slot:
                return
            model = self._detach(name, slot)
        log.info("unloading model %s after %.0f s idle", name, self._keep_alive_s)
        self._close(name, model)

    def _detach(self, name: str, slot: _Slot[M]) -> M:
        """Take the model out of its slot; caller holds ``_lock`` and closes it after releasing."""
        model = slot.model
        assert model is not None
        slot.model = None
        if slot.timer is not None:
            slot.timer.cancel()
            slot.timer = None
        self._slots.pop(name, None)
        return model

    @staticmethod
    def _close(name: str, model: M) -> None:
        try:
            model.close()
        except Exception:
            log.exception("closing model %s failed", name)
