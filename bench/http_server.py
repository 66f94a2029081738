"""The server under test: ``python -m homevoice serve`` in its own process, and its memory over time.

The server gets its own interpreter (no GIL shared with the client), a data dir where the embedded
models are joined, an empty config file and only the ``HOMEVOICE_*`` variables set here.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType

import httpx
import psutil  # type: ignore[import-untyped]  # psutil ships no type information

from http_common import BEAM_SIZE, VAD, Config

START_TIMEOUT_S = 180.0
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def server_env(cfg: Config, config_file: Path, max_waiting: int) -> dict[str, str]:
    """The parent's environment without its HOMEVOICE_* variables, plus the benchmark's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEVOICE_")}
    env.update(
        {
            "HOMEVOICE_CONFIG": str(config_file),
            "HOMEVOICE_DATA_DIR": str(cfg.data_dir),
            "HOMEVOICE_LOG_LEVEL": "WARNING",
            "HOMEVOICE_STT__MODEL": cfg.model,
            "HOMEVOICE_STT__DEVICE": "cpu",
            "HOMEVOICE_STT__COMPUTE_TYPE": "int8",
            "HOMEVOICE_STT__CPU_THREADS": str(cfg.threads),
            "HOMEVOICE_STT__BEAM_SIZE": str(BEAM_SIZE),
            "HOMEVOICE_STT__VAD": str(VAD).lower(),
            "HOMEVOICE_MODELS__KEEP_ALIVE_S": "-1",
            "HOMEVOICE_MODELS__PRELOAD": f'["{cfg.model}"]',
            "HOMEVOICE_HTTP__MAX_WAITING_PER_MODEL": str(max_waiting),
        }
    )
    return env


@contextmanager
def running_server(cfg: Config, workdir: Path, max_waiting: int) -> Iterator[tuple[str, int]]:
    """Start the server, wait for ``/healthz``; yields (base URL, pid) and stops it afterwards."""
    port = free_port()
    config_file = workdir / "homevoice.toml"
    config_file.write_text("# empty: the benchmark sets everything through HOMEVOICE_* variables\n")
    log_path = workdir / "server.log"
    command = [sys.executable, "-m", "homevoice", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=server_env(cfg, config_file, max_waiting), stdout=log, stderr=log
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(process, base, log_path)
            yield base, process.pid
        finally:
            _stop(process)


def _wait_ready(process: subprocess.Popen[bytes], base: str, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited with {process.returncode}:\n{_tail(log_path)}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2, trust_env=False).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer /healthz within {START_TIMEOUT_S:.0f} s:\n{_tail(log_path)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # SIGTERM: uvicorn shuts down gracefully
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _tail(path: Path, lines: int = 30) -> str:
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


# --- memory --------------------------------------------------------------------------------------


def rss_mb(pid: int) -> float:
    """Resident memory of the process and all its children, in MB (0 once it has gone)."""
    try:
        process = psutil.Process(pid)
        members = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0.0
    total = 0
    for member in members:
        try:
            total += int(member.memory_info().rss)
        except psutil.Error:  # a child that ended between the listing and the reading
            continue
    return total / MB


class PeakRss:
    """Samples ``rss_mb(pid)`` in a thread while the block runs; ``peak_mb`` is the largest sample."""

    def __init__(self, pid: int, interval_s: float = 0.05) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()
        self.peak_mb = max(self.peak_mb, rss_mb(self.pid))

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak_mb = max(self.peak_mb, rss_mb(self.pid))
            self._stop.wait(self.interval_s)


def client_connections(port: int) -> int:
    """Established TCP connections from this process to the server's port."""
    connections = psutil.Process().net_connections(kind="tcp")
    return sum(
        1 for c in connections if c.status == psutil.CONN_ESTABLISHED and c.raddr and c.raddr.port == port
    )


# --- metrics -------------------------------------------------------------------------------------

_LATENCY = re.compile(
    r'^homevoice_http_request_duration_seconds_(sum|count)\{[^}]*route="/v1/audio/transcriptions"[^}]*\}\s+(\S+)$',
    re.MULTILINE,
)


def server_time(base: str) -> tuple[float, float]:
    """(total seconds, request count) of the server's transcription requests, from ``/metrics``."""
    text = httpx.get(f"{base}/metrics", timeout=10, trust_env=False).text
    found = {kind: float(value) for kind, value in _LATENCY.findall(text)}
    return found.get("sum", 0.0), found.get("count", 0.0)
