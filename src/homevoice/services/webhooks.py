"""Outgoing webhooks: one durable, signed delivery per subscribed URL for every published event.

``publish`` records the deliveries in the jobs database (one DBOS workflow each, see
``jobs/webhook_workflow.py``) and returns; the POSTs and their retries happen in the background and
survive restarts. Blocking: call it from a worker thread or a DBOS step, never on an event loop.

The body is ``{"id": EVENT_ID, "event": ..., "created": ISO-8601 UTC, "data": {...}}``. Every URL
subscribed to an event gets the same body; each delivery has an id of its own, sent as
``X-Homevoice-Delivery`` (the same on every retry, so receivers can drop duplicates).
"""

from __future__ import annotations

import contextvars
import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from homevoice.errors import HomevoiceError
from homevoice.settings_integrations import WEBHOOK_EVENTS, WebhookSettings

log = logging.getLogger(__name__)

SIGNATURE_PREFIX = "sha256="
EVENT_HEADER = "X-Homevoice-Event"
DELIVERY_HEADER = "X-Homevoice-Delivery"
SIGNATURE_HEADER = "X-Homevoice-Signature"
_IDS = uuid.UUID("5d0c7b1e-7f0a-4b6f-9a53-2f8f0c3d9e41")
"""The namespace of the event ids derived inside a DBOS step (stable when the step runs again)."""


class WebhookError(HomevoiceError):
    code = "webhook_unavailable"


def sign(secret: str, body: bytes) -> str:
    """The ``X-Homevoice-Signature`` value: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return SIGNATURE_PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    """Whether ``signature`` (the header's value) signs ``body`` with ``secret``; constant time."""
    return signature is not None and hmac.compare_digest(sign(secret, body), signature.strip())


def event_body(event_id: str, event: str, data: dict[str, Any], created: datetime | None = None) -> str:
    """The JSON body of an event, compact and UTF-8 (signatures cover these exact bytes)."""
    when = (created or datetime.now(UTC)).astimezone(UTC)
    payload = {
        "id": event_id,
        "event": event,
        "created": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "data": data,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), default=str)


def delivery_id(event_id: str, hook_index: int) -> str:
    """Each delivery's id, from its event and hook: stable if the same event is published again."""
    return str(uuid.uuid5(uuid.UUID(event_id), f"delivery:{hook_index}"))


@dataclass(frozen=True)
class Delivery:
    """One POST of one event to one URL; its ``id`` is its DBOS workflow id."""

    id: str
    hook_index: int
    url: str
    event: str
    body: str


class WebhookService:
    """Fans events out to the configured webhooks (``settings.webhooks``)."""

    def __init__(self, hooks: Sequence[WebhookSettings]) -> None:
        self._hooks = list(hooks)

    @property
    def hooks(self) -> list[WebhookSettings]:
        return list(self._hooks)

    def subscribed(self, event: str) -> bool:
        """Whether any webhook takes ``event``: callers may skip building its data when not."""
        return any(event in hook.events for hook in self._hooks)

    def deliveries(self, event: str, data: dict[str, Any], event_id: str | None = None) -> list[Delivery]:
        """What ``publish`` would start for this event: one delivery per subscribed webhook."""
        if event not in WEBHOOK_EVENTS:
            raise ValueError(f"unknown webhook event {event!r}; choose from {list(WEBHOOK_EVENTS)}")
        targets = [(index, hook) for index, hook in enumerate(self._hooks) if event in hook.events]
        if not targets:
            return []
        event_id = event_id or str(uuid.uuid4())
        body = event_body(event_id, event, data)
        return [
            Delivery(delivery_id(event_id, index), index, hook.url, event, body) for index, hook in targets
        ]

    def publish(self, event: str, data: dict[str, Any]) -> None:
        """Start one durable delivery per webhook subscribed to ``event`` (see ``send``)."""
        self.send(event, data)

    def send(self, event: str, data: dict[str, Any]) -> list[str]:
        """Start one durable delivery per webhook subscribed to ``event``; returns their ids.

        No webhook takes the event: nothing happens (no database needed). Otherwise the job runtime
        of this process must be running (it runs the deliveries); when it is not, the event is
        dropped with a warning. Raises WebhookError when the deliveries cannot be recorded.
        Inside a DBOS step the event id is derived from the step, so a step that runs again after a
        crash starts the same deliveries instead of new ones.
        """
        if not self.subscribed(event):
            if event not in WEBHOOK_EVENTS:
                raise ValueError(f"unknown webhook event {event!r}; choose from {list(WEBHOOK_EVENTS)}")
            return []
        from homevoice.jobs import webhook_workflow

        if webhook_workflow.active() is None:
            log.warning("webhooks: the job runtime is not running in this process; %s not sent", event)
            return []
        deliveries = self.deliveries(event, data, _step_event_id(event))
        try:
            # A DBOS step may not start workflows itself: start them outside its context, as
            # top-level workflows that run on their own.
            contextvars.Context().run(webhook_workflow.start_deliveries, deliveries)
        except Exception as err:
            raise WebhookError(f"Cannot record the {event} webhook deliveries: {err}") from err
        log.info("webhooks: %s queued for %d URL(s)", event, len(deliveries))
        return [d.id for d in deliveries]


def _step_event_id(event: str) -> str | None:
    from dbos import DBOS

    workflow_id, step_id = DBOS.workflow_id, DBOS.step_id
    if workflow_id is None or step_id is None:
        return None
    return str(uuid.uuid5(_IDS, f"{workflow_id}:{step_id}:{event}"))
