"""Bearer API keys: when keys are configured, every route needs one but ``/healthz``, the podcast, and
the web page's own files (which hold no data and ask for the key themselves)."""

from __future__ import annotations

import hmac
import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from homevoice.adapters.http.errors import error_response
from homevoice.errors import ConfigError

OPEN_PATHS = frozenset({"/healthz", "/"})
# Podcast apps cannot send headers: the secret in these paths is the credential, checked by the route.
# The web page's files are the same for everyone; its data comes from the API, with the key.
OPEN_PREFIXES = ("/podcast/", "/web/")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name could resolve anywhere


def check_bind(host: str, api_keys: list[str]) -> None:
    """Refuse to expose the server beyond this machine without keys."""
    if not is_loopback(host) and not api_keys:
        raise ConfigError(
            f"Refusing to listen on {host} without API keys: anyone on the network could use the server. "
            "Set HOMEVOICE_API_KEYS='[\"a-long-random-key\"]' or bind 127.0.0.1."
        )


class BearerAuth:
    """ASGI middleware, so the docs, metrics and every router are covered alike."""

    def __init__(self, app: ASGIApp, keys: list[str]) -> None:
        self.app = app
        self._keys = [k.encode() for k in keys]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not self._keys or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._authorised(scope):
            await self.app(scope, receive, send)
            return
        response = error_response(
            "Missing or invalid API key; send 'Authorization: Bearer KEY' with one of the configured keys.",
            "invalid_api_key",
            401,
            headers={"WWW-Authenticate": "Bearer"},
        )
        await response(scope, receive, send)

    def _authorised(self, scope: Scope) -> bool:
        header = next((v for k, v in scope["headers"] if k == b"authorization"), b"")
        scheme, _, token = header.partition(b" ")
        if scheme.lower() != b"bearer" or not token:
            return False
        token = token.strip()
        # Compare against every key so the timing says nothing about which one nearly matched.
        matches = [hmac.compare_digest(token, key) for key in self._keys]
        return any(matches)
