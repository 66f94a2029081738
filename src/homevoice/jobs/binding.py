"""The services a workflow needs, bound per process.

DBOS registers workflows by name at import and keeps one instance per process, so a workflow
cannot be handed its services; it fetches them from a Binding that the process fills when it is
ready. DBOS may resume a job before that (recovery runs at launch), so ``get`` waits a while.
"""

from __future__ import annotations

import threading
from typing import Generic, TypeVar

T = TypeVar("T")
BIND_TIMEOUT_S = 60.0


class JobInterrupted(BaseException):
    """The worker is stopping: leave the job unfinished, record nothing, resume it later.

    A BaseException, so neither DBOS (which records ``Exception``s as step and workflow errors)
    nor the engines catch it: the job stays PENDING for the next worker.
    """


class Binding(Generic[T]):
    def __init__(self, absent: str, timeout_s: float = BIND_TIMEOUT_S) -> None:
        self._absent = absent
        self._timeout_s = timeout_s
        self._value: T | None = None
        self._stopped = False
        self._changed = threading.Condition()

    def bind(self, value: T) -> None:
        with self._changed:
            self._value, self._stopped = value, False
            self._changed.notify_all()

    def unbind(self) -> None:
        with self._changed:
            self._value, self._stopped = None, True
            self._changed.notify_all()

    def get(self) -> T:
        with self._changed:
            self._changed.wait_for(lambda: self._value is not None or self._stopped, self._timeout_s)
            if self._value is None:
                raise JobInterrupted(self._absent)
            return self._value
