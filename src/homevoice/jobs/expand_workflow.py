"""The daily expand (``rag.expand_daily``): a DBOS job per day, delayed on the knowledge queue
until ``rag.expand_time`` in the vault's time zone.

Each day's job has the id ``expand:YYYY-MM-DD@HH:MM``, so however often the server restarts, a day
is scheduled once; the delay is kept in the jobs database, so a server that was down at that time
runs the missed day once when it starts (like a systemd timer with ``Persistent=true``), then goes
on at the usual time. Each job first schedules the next day, then expands unless that day's expand
has already succeeded (say, under an earlier ``expand_time``).
"""

from __future__ import annotations

import logging
import os
import time as clock
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dbos import DBOS, SetEnqueueOptions, SetWorkflowID

from homevoice.errors import HomevoiceError
from homevoice.jobs.binding import Binding
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.queues import KNOWLEDGE_QUEUE
from homevoice.jobs.workflows import MAX_RECOVERY_ATTEMPTS
from homevoice.settings_knowledge import RagSettings

log = logging.getLogger(__name__)

EXPAND_WORKFLOW = "homevoice.expand_daily"
ID_PREFIX = "expand:"
_WAITING = ["DELAYED", "ENQUEUED"]
_MAX_IDS_PER_DAY = 20
"""A day's id is taken again (``#2``…) only after its job was cancelled (expand turned off and on)."""


@dataclass(frozen=True)
class DailyExpand:
    work: KnowledgeWork
    rag: RagSettings
    zone: tzinfo


binding: Binding[DailyExpand] = Binding("notes are not expanded by this process")
# Scheduling from inside a job must not make the next day's job its child: a fresh thread.
_scheduler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="expand-schedule")


def next_expand_time(now: datetime, at: str, zone: tzinfo) -> datetime:
    """The first ``at`` (HH:MM) in ``zone`` after ``now`` (aware), as an aware time in ``zone``.

    A time the clocks skip (spring forward) comes out as the same moment after the jump (02:30
    becomes 03:30); a time that happens twice (fall back) is its first occurrence.
    """
    hours, minutes = (int(part) for part in at.split(":"))
    instant = now.astimezone(UTC)  # compared in UTC: Python compares one zone's times by the wall
    today = now.astimezone(zone).date()
    for offset in range(3):
        wall = datetime.combine(today + timedelta(days=offset), time(hours, minutes), tzinfo=zone)
        moment = wall.astimezone(UTC)  # a skipped wall time comes out after the jump
        if moment > instant:
            return moment.astimezone(zone)
    raise AssertionError("unreachable: a day later is always after now")


def vault_zone(timezone: str | None) -> tzinfo:
    """``vault.timezone``, else the system's zone with its DST rules (not a fixed offset)."""
    if timezone:
        return ZoneInfo(timezone)
    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    localtime = Path("/etc/localtime")
    if localtime.exists():
        try:
            with localtime.open("rb") as data:
                return ZoneInfo.from_file(data, key="localtime")
        except (OSError, ValueError):
            pass
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def job_id(day: date, at: str, attempt: int = 1) -> str:
    return f"{ID_PREFIX}{day.isoformat()}@{at}" + (f"#{attempt}" if attempt > 1 else "")


def schedule_daily_expand(expand: DailyExpand, now: datetime | None = None) -> str | None:
    """Make sure the next day's job waits on the queue (blocking; outside any job). Returns its
    id, or None when the daily expand is off; waiting jobs of an old ``expand_time`` are cancelled."""
    rag = expand.rag
    waiting = DBOS.list_workflows(name=EXPAND_WORKFLOW, status=_WAITING, load_input=False, load_output=False)
    for status in waiting:
        if not rag.expand_daily or not status.workflow_id.split("#", 1)[0].endswith(f"@{rag.expand_time}"):
            DBOS.cancel_workflow(status.workflow_id)
    if not rag.expand_daily:
        return None
    moment = next_expand_time(now or datetime.now(UTC), rag.expand_time, expand.zone)
    for attempt in range(1, _MAX_IDS_PER_DAY + 1):
        workflow_id = job_id(moment.date(), rag.expand_time, attempt)
        existing = DBOS.get_workflow_status(workflow_id)
        if existing is not None and existing.status == "CANCELLED":
            continue
        if existing is None:
            delay = max(0.0, moment.timestamp() - clock.time())
            with SetWorkflowID(workflow_id), SetEnqueueOptions(delay_seconds=delay):
                DBOS.enqueue_workflow(KNOWLEDGE_QUEUE, expand_workflow, moment.date().isoformat())
            log.info("expand: next daily run at %s", moment.isoformat(timespec="minutes"))
        return workflow_id
    log.warning("expand: %s was cancelled too often; not scheduled", moment.date())
    return None


@DBOS.workflow(name=EXPAND_WORKFLOW, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def expand_workflow(day: str) -> dict[str, Any]:
    schedule_next_step()
    if expanded_already_step(day):
        return {"day": day, "skipped": True}
    try:
        return {"day": day, **expand_step()}
    except HomevoiceError as err:
        log.warning("expand: the daily run of %s failed (%s): %s", day, err.code, err.message)
        raise


@DBOS.step(name="homevoice.expand_schedule_next")
def schedule_next_step() -> str | None:
    expand = binding.get()
    return _scheduler.submit(schedule_daily_expand, expand).result(timeout=60)


@DBOS.step(name="homevoice.expand_done_already")
def expanded_already_step(day: str) -> bool:
    done = DBOS.list_workflows(
        name=EXPAND_WORKFLOW,
        status="SUCCESS",
        workflow_id_prefix=f"{ID_PREFIX}{day}@",
        load_input=False,
        load_output=False,
    )
    return bool(done)


@DBOS.step(name="homevoice.expand")
def expand_step() -> dict[str, Any]:
    report = binding.get().work.service().expand()
    return {
        "written": len(report.written),
        "processed": len(report.processed),
        "skipped_notes": len(report.skipped),
    }
