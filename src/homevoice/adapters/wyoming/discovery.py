"""Zeroconf (mDNS) advertising of the Wyoming service, so Home Assistant discovers it by itself.

Discovery is a convenience: when it fails (no multicast on this network, a busy port 5353) the
server keeps serving and the user adds it by host and port instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import logging
import socket

import ifaddr
from zeroconf import InterfaceChoice, IPVersion
from zeroconf.asyncio import AsyncServiceInfo, AsyncZeroconf

log = logging.getLogger(__name__)

SERVICE_TYPE = "_wyoming._tcp.local."
WILDCARDS = frozenset({"", "0.0.0.0", "::"})
STOP_TIMEOUT_S = 3.0


def machine_addresses(ipv6: bool) -> list[str]:
    """This machine's addresses that another machine could reach: no loopback, no link-local."""
    found: list[str] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            text = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            address = ipaddress.ip_address(text)
            if address.version == 6 and not ipv6:
                continue
            if not (address.is_loopback or address.is_link_local) and text not in found:
                found.append(text)
    return found


def advertised_addresses(host: str) -> list[str]:
    """What to advertise for a bind address: a wildcard bind means every address of the machine
    (``::`` also the IPv6 ones), a specific one only itself; loopback when nothing else is known."""
    if host in WILDCARDS:
        return machine_addresses(ipv6=host == "::") or ["127.0.0.1"]
    try:
        return [str(ipaddress.ip_address(host))]
    except ValueError:  # a host name, such as localhost
        return [socket.gethostbyname(host)]


def service_info(name: str, host: str, port: int) -> AsyncServiceInfo:
    return AsyncServiceInfo(
        SERVICE_TYPE,
        f"{name}.{SERVICE_TYPE}",
        parsed_addresses=advertised_addresses(host),
        port=port,
        server=f"{socket.gethostname()}.local.",
    )


class Advertiser:
    """Registers in the background: probing the network for name conflicts takes a second or two,
    and the server must not wait for it."""

    def __init__(self, name: str, host: str, port: int) -> None:
        self._name = name
        self._host = host
        self._port = port
        self._zeroconf: AsyncZeroconf | None = None
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._register(), name="wyoming zeroconf")

    async def _register(self) -> None:
        try:
            info = await asyncio.to_thread(service_info, self._name, self._host, self._port)
            addresses = info.parsed_addresses()
            if self._host in WILDCARDS:
                ip_version = IPVersion.All if self._host == "::" else IPVersion.V4Only
                self._zeroconf = AsyncZeroconf(interfaces=InterfaceChoice.All, ip_version=ip_version)
            else:  # announce only where the server can be reached
                self._zeroconf = AsyncZeroconf(interfaces=addresses)
            await (await self._zeroconf.async_register_service(info, allow_name_change=True))
            log.info("wyoming: advertised as %s on %s", info.name, ", ".join(addresses))
        except asyncio.CancelledError:
            raise
        except Exception as err:
            log.warning("wyoming: zeroconf discovery is off (%s); add homevoice by host and port", err)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self._zeroconf is not None:
            try:  # sends the goodbye packets, so Home Assistant forgets the service at once
                await asyncio.wait_for(self._zeroconf.async_close(), STOP_TIMEOUT_S)
            except Exception as err:
                log.warning("wyoming: zeroconf did not close cleanly (%s)", err)
            self._zeroconf = None
