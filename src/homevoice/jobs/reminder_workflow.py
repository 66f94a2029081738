"""A reminder as a DBOS workflow: a durable sleep, then one delivery through Telegram.

The sleep's end is recorded when it starts, so a server restarted in between wakes the reminder at
the time that was asked for (or at once, if that time has passed while it was down).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from dbos import DBOS, SetWorkflowID

from homevoice.jobs.binding import Binding

REMINDER_WORKFLOW = "homevoice.reminder"

Deliver = Callable[[int, str], None]
"""Send ``text`` to a Telegram chat."""

binding: Binding[Deliver] = Binding("reminders cannot be delivered: the Telegram bot is not running here")
# A fresh thread, so a reminder set from inside another job is not taken for its child workflow.
_starter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reminders")


@DBOS.workflow(name=REMINDER_WORKFLOW)
def reminder_workflow(chat_id: int, text: str, seconds: float) -> None:
    DBOS.sleep(max(0.0, seconds))
    deliver_reminder_step(chat_id, text)


@DBOS.step(name="homevoice.deliver_reminder", retries_allowed=True, max_attempts=10, backoff_rate=2.0)
def deliver_reminder_step(chat_id: int, text: str) -> None:
    binding.get()(chat_id, text)


def schedule_reminder(chat_id: int, text: str, seconds: float, key: str | None = None) -> str:
    """Start a reminder (blocking); returns its job id. The same ``key`` (the message that asked
    for it) never starts a second one, however often the command is carried out again."""

    def start() -> str:
        reminder_id = f"reminder:{key or uuid.uuid4()}"
        with SetWorkflowID(reminder_id):
            DBOS.start_workflow(reminder_workflow, chat_id, text, seconds)
        return reminder_id

    return _starter.submit(start).result(timeout=30)
