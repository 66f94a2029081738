"""The knowledge work of the serving process: index refreshes, one at a time, and the periodic one.

Milvus Lite lets one process open the index, so refreshes run where search is served: the index
job (``index_workflow``) and the periodic refresh below share one ``KnowledgeWork``, whose lock
keeps two refreshes from embedding the same notes at once.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable

from homevoice.errors import HomevoiceError
from homevoice.jobs.binding import JobInterrupted
from homevoice.knowledge.model import IndexProgress, IndexReport
from homevoice.services.knowledge import KnowledgeService

log = logging.getLogger(__name__)

FIRST_REFRESH_S = 5.0
"""The periodic refresh starts this long after the server, out of the way of its start-up."""
STOP_WAIT_S = 10.0
"""How long shutdown waits for a refresh to reach its next note and stop there."""
LOCK_POLL_S = 0.5


class KnowledgeWork:
    def __init__(self, service: Callable[[], KnowledgeService]) -> None:
        """``service``: the knowledge service, opened on first use (``App.knowledge``)."""
        self._service = service
        self._refreshing = threading.Lock()
        self.stopping = threading.Event()
        """Set when the job runtime stops: a job's refresh stops at its next note."""

    def service(self) -> KnowledgeService:
        return self._service()

    def refresh(
        self,
        progress: IndexProgress | None = None,
        *,
        wait: bool = True,
        should_stop: Callable[[], bool] | None = None,
    ) -> IndexReport | None:
        """Bring the index up to date. With ``wait`` False, None when another refresh is running.

        Raises JobInterrupted when ``should_stop`` (or ``stopping``) turns true: checked before each
        note, the index keeps what was done, and the next refresh goes on from there.
        """

        def stopped() -> bool:
            return self.stopping.is_set() or (should_stop is not None and should_stop())

        if not wait:
            if not self._refreshing.acquire(blocking=False):
                return None
        else:
            while not self._refreshing.acquire(timeout=LOCK_POLL_S):
                if stopped():
                    raise JobInterrupted("the server is stopping")

        def checked(done: int, total: int) -> None:
            if stopped():
                raise JobInterrupted("the server is stopping")
            if progress is not None:
                progress(done, total)

        try:
            if stopped():
                raise JobInterrupted("the server is stopping")
            report = self._service().refresh(checked)
        finally:
            self._refreshing.release()
        return report  # the index logs its counts and timing


class PeriodicRefresh:
    """Refreshes the index every ``interval_s`` while the server runs, in a thread of its own, so
    neither start-up nor shutdown waits for it; a tick while another refresh runs is skipped."""

    def __init__(
        self, work: KnowledgeWork, interval_s: float, first_after_s: float = FIRST_REFRESH_S
    ) -> None:
        self._work = work
        self._interval_s = interval_s
        self._first_after_s = first_after_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.refreshes = 0
        """Refreshes finished (for tests and metrics)."""

    async def start(self) -> None:
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="index-refresh", daemon=True)
        self._thread.start()

    async def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            await asyncio.to_thread(thread.join, STOP_WAIT_S)
            if thread.is_alive():
                log.warning("index: the refresh did not stop within %.0f s; leaving it", STOP_WAIT_S)

    def _run(self) -> None:
        wait = self._first_after_s
        while not self._stop.wait(wait):
            try:
                if self._work.refresh(wait=False, should_stop=self._stop.is_set) is not None:
                    self.refreshes += 1
            except JobInterrupted:
                return
            except HomevoiceError as err:
                log.warning("index: the periodic refresh failed (%s): %s", err.code, err.message)
            except Exception:
                log.exception("index: the periodic refresh failed")
            wait = self._interval_s  # counted from the end of a refresh, so slow ones never pile up
