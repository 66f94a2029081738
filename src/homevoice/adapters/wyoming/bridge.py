"""Between blocking services and the protocol: iterate in a worker thread, PCM conversions, errors."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import AsyncGenerator, Callable, Iterator
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray
from wyoming.error import Error
from wyoming.event import Event

from homevoice.errors import HomevoiceError

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Done:
    pass


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Item(Generic[T]):
    def __init__(self, value: T) -> None:
        self.value = value


async def thread_iter(produce: Callable[[], Iterator[T]]) -> AsyncGenerator[T, None]:
    """The items of ``produce()``, driven by one worker thread and handed over as each appears.

    One thread runs the whole iterator, so a generator that holds a model (``with use(...)``) enters
    and leaves it in the same thread; the loop only waits on a queue. If the consumer stops early
    (a client went away), the thread stops after the item it is working on.
    """
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[_Item[T] | _Done | _Failed] = asyncio.Queue()
    stop = threading.Event()

    def hand_over(message: _Item[T] | _Done | _Failed) -> None:
        try:
            loop.call_soon_threadsafe(queue.put_nowait, message)
        except RuntimeError:  # the loop closed while this thread was working
            stop.set()

    def run() -> None:
        try:
            items = produce()
            try:
                for item in items:
                    if stop.is_set():
                        break
                    hand_over(_Item(item))
            finally:
                close = getattr(items, "close", None)
                if close is not None:
                    close()
        except BaseException as err:
            hand_over(_Failed(err))
        else:
            hand_over(_Done())

    # The executor keeps the future (and so the thread's work) alive even if this generator is dropped.
    loop.run_in_executor(None, run)
    try:
        while True:
            message = await queue.get()
            if isinstance(message, _Done):
                break
            if isinstance(message, _Failed):
                raise message.error
            yield message.value
    finally:
        stop.set()


def float_to_pcm16(samples: NDArray[np.float32]) -> bytes:
    """Mono float32 in [-1, 1] to 16-bit little-endian PCM, the format Wyoming clients expect."""
    clipped = np.clip(samples, -1.0, 1.0)
    return (clipped * 32767.0).astype("<i2").tobytes()


def pcm16_to_float(pcm: bytes) -> NDArray[np.float32]:
    whole = len(pcm) - len(pcm) % 2
    return np.frombuffer(pcm[:whole], dtype="<i2").astype(np.float32) / 32768.0


def pieces(pcm: bytes, size: int) -> Iterator[bytes]:
    """``pcm`` cut into chunks of at most ``size`` bytes (``size`` even, so no sample is split)."""
    for start in range(0, len(pcm), size):
        yield pcm[start : start + size]


def error_event(err: Exception) -> Event:
    """A homevoice error as Wyoming's ``error`` event: its message and its stable code."""
    if isinstance(err, HomevoiceError):
        return Error(text=err.message, code=err.code).event()
    log.error("wyoming: unexpected error", exc_info=err)
    return Error(
        text=f"Internal error: {type(err).__name__}; see the server log.", code="internal_error"
    ).event()
