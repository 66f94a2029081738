"""A capture as a DBOS workflow: save the note (one checkpointed step), then tell the sender.

Started by the chat adapter right after the message is on disk, with the workflow id of its
(chat, message), so a message never has two jobs. A server killed mid-way recovers the workflow at
its next start; the save step is idempotent, so a repeat finds the note it already wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from dbos import DBOS, SetWorkflowID

from homevoice.capture.records import CaptureKey
from homevoice.errors import HomevoiceError
from homevoice.jobs import webhook_workflow
from homevoice.jobs.binding import Binding, JobInterrupted
from homevoice.jobs.workflows import MAX_RECOVERY_ATTEMPTS
from homevoice.services.capture import CaptureOutcome, CaptureService
from homevoice.vault import VaultError

log = logging.getLogger(__name__)

CAPTURE_WORKFLOW = "homevoice.capture"
VAULT_ATTEMPTS = 40
VAULT_RETRY_FIRST_S = 30.0
VAULT_RETRY_MAX_S = 3600.0
"""About a day and a half of retries before a capture's job gives up (the spool keeps it still)."""
_FINISHED = ("SUCCESS", "ERROR", "CANCELLED", "MAX_RECOVERY_ATTEMPTS_EXCEEDED")


@dataclass(frozen=True)
class CaptureNotice:
    """What the sender is told once the job ends."""

    chat_id: int
    message_id: int
    note_path: str | None
    transcript: str
    language: str | None
    error: str | None
    """A transcription problem (the note exists) or, with ``note_path`` None, why nothing was saved."""
    command: str | None = None
    """A spoken command to carry out instead of a note."""
    question: str | None = None
    """A question for the notes, to be answered instead of noted ("" when it was not heard)."""


Notifier = Callable[[CaptureNotice], None]


@dataclass
class CaptureContext:
    capture: CaptureService
    notify: Notifier


# DBOS recovers unfinished captures at launch, before the bot has bound its services.
binding: Binding[CaptureContext] = Binding("captures are not being taken in this process")


@DBOS.workflow(name=CAPTURE_WORKFLOW, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def capture_workflow(chat_id: int, message_id: int) -> dict[str, Any]:
    outcome = _save_patiently(chat_id, message_id)
    notify_step(
        {
            **_notice(chat_id, message_id),
            "note_path": outcome.note_path,
            "transcript": outcome.transcript,
            "language": outcome.language,
            "error": outcome.error,
            "command": outcome.command,
            "question": outcome.question,
        }
    )
    if outcome.command is not None or outcome.question is not None:
        finish_command_step(chat_id, message_id)
    _note_created(chat_id, message_id, outcome)
    return {"note_path": outcome.note_path}


@DBOS.step(name="homevoice.finish_command")
def finish_command_step(chat_id: int, message_id: int) -> None:
    """A command carried out (or a question handed over) is done: a restart must not look at it again."""
    binding.get().capture.finish_command(CaptureKey(chat_id, message_id))


def _save_patiently(chat_id: int, message_id: int) -> CaptureOutcome:
    """An unwritable vault (a full disk, an unmounted share) is waited out with durable sleeps:
    the message stays in the spool, and the sender hears once that it is not saved yet."""
    for attempt in range(VAULT_ATTEMPTS):
        try:
            return save_capture_step(chat_id, message_id)
        except VaultError as err:
            if attempt == 0:
                notify_step({**_notice(chat_id, message_id), "error": err.message})
            if attempt == VAULT_ATTEMPTS - 1:
                raise
            DBOS.sleep(min(VAULT_RETRY_FIRST_S * 2**attempt, VAULT_RETRY_MAX_S))
        except HomevoiceError as err:
            notify_step({**_notice(chat_id, message_id), "error": err.message})
            raise
    raise AssertionError("unreachable")


@DBOS.step(name="homevoice.save_capture")
def save_capture_step(chat_id: int, message_id: int) -> CaptureOutcome:
    return binding.get().capture.process(CaptureKey(chat_id, message_id))


@DBOS.step(name="homevoice.notify_capture")
def notify_step(notice: dict[str, Any]) -> None:
    # Telling the sender is a courtesy: a failure here must not undo or repeat the saved note.
    try:
        binding.get().notify(CaptureNotice(**notice))
    except JobInterrupted:
        raise
    except Exception:
        log.warning("could not tell the sender about capture %s:%s", notice["chat_id"], notice["message_id"])


def _note_created(chat_id: int, message_id: int, outcome: CaptureOutcome) -> None:
    """After the job's other steps: tell the webhooks subscribed to ``note.created``, if any
    (without any, no step is added)."""
    webhooks = webhook_workflow.publisher()
    if webhooks is None or not webhooks.subscribed("note.created"):
        return
    if not outcome.note_path or outcome.command is not None or outcome.question is not None:
        return  # a spoken command or question writes no note
    publish_note_step(
        {
            "chat_id": chat_id,
            "message_id": message_id,
            "note_path": outcome.note_path,
            "transcript": outcome.transcript,
            "language": outcome.language,
            "error": outcome.error,
        }
    )


@DBOS.step(name="homevoice.publish_note")
def publish_note_step(saved: dict[str, Any]) -> None:
    """The ``note.created`` webhook event, once per capture job; never undoes or repeats the note."""
    context = webhook_workflow.active()
    if context is None:
        return
    try:
        context.publisher.publish("note.created", _note_event(saved, context.vault_name))
    except JobInterrupted:
        raise
    except Exception as err:
        log.warning(
            "capture %s:%s: cannot queue the note.created webhook: %s",
            saved["chat_id"],
            saved["message_id"],
            err,
        )


def _note_event(saved: dict[str, Any], vault_name: str | None) -> dict[str, Any]:
    """The ``data`` of ``note.created``."""
    record = binding.get().capture.store.get(CaptureKey(saved["chat_id"], saved["message_id"]))
    sent_at = None
    if record is not None:
        sent_at = datetime.fromtimestamp(record.sent_at, UTC).isoformat().replace("+00:00", "Z")
    return {
        "note_path": saved["note_path"],
        "vault": vault_name,
        "type": record.kind.value if record else None,
        "transcript": saved["transcript"],
        "language": saved["language"],
        "error": saved["error"],
        "text": record.text if record else "",
        "audio_path": record.audio_path if record else None,
        "duration": record.duration_s if record else None,
        "sent_at": sent_at,
        "source": "telegram",
        "telegram": {
            "chat_id": saved["chat_id"],
            "message_id": saved["message_id"],
            "user_id": record.user_id if record else None,
        },
    }


def _notice(chat_id: int, message_id: int) -> dict[str, Any]:
    return asdict(CaptureNotice(chat_id, message_id, None, "", None, None))


def start_capture(key: CaptureKey) -> None:
    """Start the job of a stored capture (blocking). A message already being saved is left alone;
    one whose job failed (a full vault disk, say) gets a fresh job, since saving is idempotent."""
    workflow_id = key.workflow_id
    attempt = 1
    while True:
        status = DBOS.get_workflow_status(workflow_id)
        if status is None:
            break
        if status.status not in _FINISHED or status.status == "SUCCESS":
            return
        attempt += 1
        workflow_id = f"{key.workflow_id}:{attempt}"
    with SetWorkflowID(workflow_id):
        DBOS.start_workflow(capture_workflow, key.chat_id, key.message_id)
