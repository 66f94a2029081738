"""`homevoice serve` with HOMEVOICE_WYOMING__URI: a real process answers Wyoming beside its HTTP API."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from wyoming.client import AsyncTcpClient
from wyoming.info import Describe, Info

from tests.fakes.cli import cli_env
from tests.fakes.live_server import free_port

pytestmark = pytest.mark.e2e


async def describe(port: int, timeout_s: float, process: subprocess.Popen[bytes]) -> Info:
    """Retry until the server listens (it loads models first), then ask what it offers."""
    deadline = time.monotonic() + timeout_s
    while True:
        assert process.poll() is None, "the server exited early"
        try:
            client = AsyncTcpClient("127.0.0.1", port, connect_timeout=2, read_timeout=30)
            await client.connect()
        except OSError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)
            continue
        try:
            await client.write_event(Describe().event())
            event = await client.read_event()
            assert event is not None and Info.is_type(event.type)
            return Info.from_event(event)
        finally:
            await client.disconnect()


def test_serve_answers_wyoming_describe(tmp_path: Path, data_dir: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(data_dir / "models")
    wyoming_port = free_port()
    uri = f"tcp://127.0.0.1:{wyoming_port}"
    env = cli_env(data, wyoming__uri=uri, wyoming__zeroconf="false")
    log = tmp_path / "serve.log"
    with log.open("wb") as sink:
        command = [sys.executable, "-m", "homevoice", "serve", "--port", str(free_port())]
        process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
    try:
        info = asyncio.run(describe(wyoming_port, 120, process))
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert process.returncode == 0, output
    assert f"homevoice: Wyoming on {uri} (speech to text and text to speech)" in output
    assert "tiny.en" in [m.name for m in info.asr[0].models]
    assert "en_US-joe-medium" in [v.name for v in info.tts[0].voices]
    assert "Traceback" not in output
