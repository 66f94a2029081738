"""The Wyoming server that runs beside the HTTP API (a ``Companion`` of ``create_api``)."""

from __future__ import annotations

import ipaddress
import logging
from functools import partial
from urllib.parse import urlparse

from wyoming.server import AsyncServer

from homevoice.adapters.wyoming.discovery import Advertiser
from homevoice.adapters.wyoming.handler import WyomingHandler
from homevoice.app import App
from homevoice.errors import ConfigError
from homevoice.settings_integrations import WyomingSettings

log = logging.getLogger(__name__)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class WyomingServer:
    """Serves ``settings.uri`` (``tcp://HOST:PORT`` or ``unix://PATH``) until ``stop``."""

    def __init__(self, settings: WyomingSettings, app: App) -> None:
        if settings.uri is None:
            raise ValueError("WyomingServer needs settings.uri")
        self.uri = settings.uri
        self._settings = settings
        self._app = app
        self._server: AsyncServer | None = None
        self._advertiser: Advertiser | None = None

    async def start(self) -> None:
        try:
            server = AsyncServer.from_uri(self.uri)
            await server.start(partial(WyomingHandler, self._app))
        except (OSError, ValueError) as err:
            raise ConfigError(f"Cannot serve Wyoming on {self.uri}: {err} (HOMEVOICE_WYOMING__URI).") from err
        self._server = server
        parsed = urlparse(self.uri)
        if parsed.scheme == "tcp" and parsed.hostname is not None and parsed.port is not None:
            if not is_loopback(parsed.hostname):
                log.warning(
                    "wyoming: %s has no authentication; anyone who can reach it can use it. "
                    "Expose it only on a trusted network.",
                    self.uri,
                )
            if self._settings.zeroconf:
                self._advertiser = Advertiser(self._settings.name, parsed.hostname, parsed.port)
                self._advertiser.start()
        log.info("wyoming: serving on %s", self.uri)

    async def stop(self) -> None:
        if self._advertiser is not None:
            await self._advertiser.stop()
            self._advertiser = None
        if self._server is not None:
            await self._server.stop()
            self._server = None
