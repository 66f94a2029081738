"""A webhook delivery as a DBOS workflow: POST the signed body, retry with durable backoff.

Each POST is a checkpointed step, so a restart after a delivery never sends it again; a restart
during the backoff resumes the wait where it was (the wake-up time is checkpointed too). The
workflow id is the delivery id, sent as ``X-Homevoice-Delivery``: a POST that reached the receiver
but not our checkpoint (a crash at that moment) is sent again with the same id, for the receiver
to drop.

The secret is not an input of the workflow (DBOS stores inputs in the jobs database): the workflow
gets the hook's index and URL and looks the secret up in the webhooks bound by this process.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx
from dbos import DBOS, SetWorkflowID

from homevoice import __version__
from homevoice.jobs.binding import Binding, JobInterrupted
from homevoice.settings_integrations import WebhookSettings

if TYPE_CHECKING:
    from homevoice.services.webhooks import Delivery, WebhookService

log = logging.getLogger(__name__)

WEBHOOK_WORKFLOW = "homevoice.webhook"
MAX_RECOVERY_ATTEMPTS = 10
TIMEOUT_S = 10.0
RETRY_FIRST_S = 2.0
"""The first wait after a failed attempt; each next one doubles, up to RETRY_MAX_S."""
RETRY_MAX_S = 600.0
GIVE_UP_AFTER_S = 24 * 3600.0
"""A delivery stops retrying once its waits would add up to more than this."""
RETRY_STATUSES = frozenset({408, 429})
"""4xx answers worth retrying; every other 4xx means the receiver refuses this delivery."""


@dataclass
class WebhookContext:
    """What deliveries need in this process: the configured hooks (with their secrets)."""

    hooks: list[WebhookSettings]
    publisher: WebhookService
    vault_name: str | None = None
    """For ``note.created``: the Obsidian vault's folder name (its name in ``obsidian://`` links)."""
    stopping: threading.Event = field(default_factory=threading.Event)


# DBOS recovers unfinished deliveries at launch: the runtime binds this before it launches DBOS.
binding: Binding[WebhookContext] = Binding("webhooks are not delivered in this process")
_active: WebhookContext | None = None
_active_lock = threading.Lock()


def bind(context: WebhookContext) -> None:
    global _active
    with _active_lock:
        _active = context
    binding.bind(context)


def unbind() -> None:
    """The runtime is stopping: waiting deliveries give up their thread and resume at the next start."""
    global _active
    with _active_lock:
        context, _active = _active, None
    if context is not None:
        context.stopping.set()
    binding.unbind()


def active() -> WebhookContext | None:
    """The bound context, without waiting: None when the job runtime of this process is not running."""
    with _active_lock:
        return _active


def publisher() -> WebhookService | None:
    """The WebhookService of the running job runtime, for workflows that emit events."""
    context = active()
    return context.publisher if context is not None else None


def start_deliveries(deliveries: list[Delivery]) -> None:
    """Record and start each delivery (blocking; not from inside a DBOS step, see WebhookService)."""
    for delivery in deliveries:
        with SetWorkflowID(delivery.id):
            DBOS.start_workflow(
                delivery_workflow, delivery.hook_index, delivery.url, delivery.event, delivery.body
            )


@DBOS.workflow(name=WEBHOOK_WORKFLOW, max_recovery_attempts=MAX_RECOVERY_ATTEMPTS)
def delivery_workflow(hook_index: int, url: str, event: str, body: str) -> dict[str, Any]:
    """POST ``body`` until a 2xx, a refusal, or the retry budget is spent; returns what happened."""
    context = binding.get()
    delivery = DBOS.workflow_id
    waited = 0.0
    attempt = 0
    while True:
        attempt += 1
        answer = post_step(hook_index, url, event, body)
        status, error = answer.get("status"), answer.get("error")
        if isinstance(status, int) and 200 <= status < 300:
            log.info(
                "webhook %s: %s delivered to %s (HTTP %d, attempt %d)",
                delivery,
                event,
                _where(url),
                status,
                attempt,
            )
            return {"delivered": True, "status": status, "attempts": attempt}
        if answer.get("final"):
            log.warning(
                "webhook %s: %s to %s given up: %s", delivery, event, _where(url), _reason(status, error)
            )
            return {"delivered": False, "status": status, "error": error, "attempts": attempt}
        delay = backoff(attempt, answer.get("retry_after"))
        if waited + delay > GIVE_UP_AFTER_S:
            log.warning(
                "webhook %s: %s to %s given up after %d attempts: %s",
                delivery,
                event,
                _where(url),
                attempt,
                _reason(status, error),
            )
            return {"delivered": False, "status": status, "error": error, "attempts": attempt}
        log.info(
            "webhook %s: %s to %s failed (%s); retrying in %.3g s",
            delivery,
            event,
            _where(url),
            _reason(status, error),
            delay,
        )
        _durable_sleep(context, delay)
        waited += delay


def backoff(attempt: int, retry_after: float | None = None) -> float:
    """The wait after failed attempt ``attempt`` (1-based): doubling from RETRY_FIRST_S, capped;
    a receiver's ``Retry-After`` lengthens it (within the cap)."""
    delay: float = min(RETRY_FIRST_S * float(2 ** min(attempt - 1, 40)), RETRY_MAX_S)
    if retry_after is not None:
        delay = min(max(delay, retry_after), RETRY_MAX_S)
    return delay


@DBOS.step(name="homevoice.webhook_post")
def post_step(hook_index: int, url: str, event: str, body: str) -> dict[str, Any]:
    """One POST. Returns ``status`` (None without an answer), ``error``, ``retry_after`` and ``final``
    (no point in retrying); never raises for what the receiver or the network does."""
    from homevoice.services.webhooks import DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, sign

    context = binding.get()
    hook = _hook(context.hooks, hook_index, url)
    if hook is None:
        return {"status": None, "error": "the webhook is no longer configured", "final": True}
    data = body.encode()
    delivery = DBOS.workflow_id
    assert delivery is not None, "called outside a workflow"
    headers = {
        "Content-Type": "application/json",
        "User-Agent": f"homevoice/{__version__}",
        EVENT_HEADER: event,
        DELIVERY_HEADER: delivery,
    }
    if hook.secret is not None:
        headers[SIGNATURE_HEADER] = sign(hook.secret.get_secret_value(), data)
    try:
        response = httpx.post(url, content=data, headers=headers, timeout=TIMEOUT_S, follow_redirects=False)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as err:
        return {"status": None, "error": f"invalid URL: {err}", "final": True}
    except httpx.TimeoutException:
        return {"status": None, "error": f"no answer within {TIMEOUT_S:.0f} s", "final": False}
    except httpx.HTTPError as err:
        return {"status": None, "error": f"{type(err).__name__}: {err}", "final": False}
    status = response.status_code
    retry = status >= 500 or status in RETRY_STATUSES
    return {
        "status": status,
        "error": None if status < 300 else f"HTTP {status}",
        "retry_after": _retry_after(response) if retry else None,
        "final": status >= 300 and not retry,
    }


@DBOS.step(name="homevoice.webhook_wake_at")
def wake_at_step(delay: float) -> float:
    """When a wait ends, checkpointed: a resumed delivery waits only what was left."""
    return time.time() + delay


def _durable_sleep(context: WebhookContext, delay: float) -> None:
    """Like ``DBOS.sleep``, but a stopping runtime cuts it short: the thread leaves (the delivery
    stays PENDING) instead of waking later inside whatever DBOS this process runs by then."""
    wake_at = wake_at_step(delay)
    if context.stopping.wait(max(0.0, wake_at - time.time())):
        raise JobInterrupted("the job runtime is stopping")


def _hook(hooks: list[WebhookSettings], index: int, url: str) -> WebhookSettings | None:
    """The hook a delivery was made for: by index, or by URL if the settings changed since."""
    if 0 <= index < len(hooks) and hooks[index].url == url:
        return hooks[index]
    return next((hook for hook in hooks if hook.url == url), None)


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    try:
        return max(0.0, float(value))
    except ValueError:
        return None


def _reason(status: object, error: object) -> str:
    return str(error) if error else f"HTTP {status}"


def _where(url: str) -> str:
    """The URL without its path and query, which may carry a token (n8n's webhook paths do)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}" if parts.netloc else "the webhook URL"
