"""The data dir and the server under test, built on the HTTP benchmark's helpers.

``homevoice models install`` joins the embedded models and voices into the data dir (no network);
``python -m homevoice serve`` then runs in its own process (no GIL shared with the client) with an
empty config file and only the ``HOMEVOICE_*`` variables set here. Starting, waiting for
``/healthz``, stopping and reading memory are ``http_server``'s.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from http_server import _stop, _wait_ready, free_port
from tts_common import FESTIVAL_VOICE, PIPER_VOICE


def _env(data_dir: Path, config_file: Path) -> dict[str, str]:
    """The parent's environment without its HOMEVOICE_* variables, plus the benchmark's settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HOMEVOICE_")}
    env.update(
        {
            "HOMEVOICE_CONFIG": str(config_file),
            "HOMEVOICE_DATA_DIR": str(data_dir),
            "HOMEVOICE_LOG_LEVEL": "WARNING",
            "HOMEVOICE_MODELS__KEEP_ALIVE_S": "-1",
            "HOMEVOICE_TTS__VOICE_EN": PIPER_VOICE,
            "HOMEVOICE_TTS__VOICE_RU": FESTIVAL_VOICE,
        }
    )
    return env


def empty_config(workdir: Path) -> Path:
    path = workdir / "homevoice.toml"
    path.write_text("# empty: the benchmark sets everything through HOMEVOICE_* variables\n")
    return path


def install_models(data_dir: Path, workdir: Path) -> str:
    """``homevoice models install`` (every embedded model and voice) into ``data_dir``; its output."""
    result = subprocess.run(
        [sys.executable, "-m", "homevoice", "models", "install"],
        cwd=workdir,
        env=_env(data_dir, empty_config(workdir)),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"homevoice models install failed ({result.returncode}):\n{result.stdout}{result.stderr}")
    return result.stdout.strip()


@contextmanager
def running_server(data_dir: Path, workdir: Path) -> Iterator[tuple[str, int]]:
    """Start ``homevoice serve`` on 127.0.0.1, wait for ``/healthz``; yields (base URL, pid)."""
    port = free_port()
    env = _env(data_dir, empty_config(workdir))
    log_path = workdir / "server.log"
    command = [sys.executable, "-m", "homevoice", "serve", "--host", "127.0.0.1", "--port", str(port)]
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=log)
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(process, base, log_path)
            yield base, process.pid
        finally:
            _stop(process)


_LATENCY = re.compile(
    r'^homevoice_http_request_duration_seconds_(sum|count)\{[^}]*route="/v1/audio/speech"[^}]*\}\s+(\S+)$',
    re.MULTILINE,
)


def server_time(base: str) -> float:
    """Total seconds the server has spent on speech requests, to the end of each streamed body."""
    text = httpx.get(f"{base}/metrics", timeout=10, trust_env=False).text
    found = {kind: float(value) for kind, value in _LATENCY.findall(text)}
    return found.get("sum", 0.0)


def peak_rss_kernel_mb(pid: int) -> float:
    """The kernel's high-water mark of the process's resident memory (``VmHWM``), in MB; 0 if unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0
