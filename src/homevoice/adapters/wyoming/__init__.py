"""The Wyoming protocol (Home Assistant's voice services): speech to text and text to speech over TCP.

``WyomingServer`` runs beside the HTTP API as a companion; each connection gets a
``WyomingHandler`` that calls the same services as every other adapter.
"""

from homevoice.adapters.wyoming.server import WyomingServer

__all__ = ["WyomingServer"]
