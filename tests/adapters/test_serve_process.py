"""`homevoice serve` as a person starts it: a real process that talks to nobody but its clients."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil
import pytest

from homevoice.app import App
from homevoice.evaluation.wer import EvalClip
from tests.fakes.cli import cli_env
from tests.fakes.live_server import free_port
from tests.fakes.workers import chunk_completions, recordings, uninterrupted_result, wait_until

pytestmark = pytest.mark.e2e

ADDRESS = re.compile(r"sa_family=(AF_INET6?)(, [^}]*)\}")
CHUNK_S = 30.0
LOOPBACK = re.compile(r'inet_addr\("127\.|inet_pton\(AF_INET6, "(::1|::ffff:127\.)')


def wait_healthy(url: str, process: subprocess.Popen[str], timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early: {process.communicate()}")
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not become healthy")


@dataclass
class Served:
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], port: int, log: Path) -> Served:
        with log.open("wb") as sink:
            command = [sys.executable, "-m", "homevoice", "serve", "--port", str(port)]
            process = subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)
        return cls(process, log)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def test_a_killed_server_finishes_every_queued_job_once(
    tmp_path: Path, data_dir: Path, clips: list[EvalClip], http_app: App
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(data_dir / "models")
    env = cli_env(data, jobs__chunk_s=str(CHUNK_S), stt__model="tiny.en", log_level="INFO")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    audio = recordings(clips)

    first = Served.start(env, port, tmp_path / "first.log")
    try:
        wait_healthy(url, first.process)
        with httpx.Client(base_url=url, timeout=60) as http:
            ids = {
                name: http.post("/v1/jobs/transcriptions", files={"file": (f"{name}.wav", data)}).json()["id"]
                for name, data in audio.items()
            }
        # SIGKILL once the long job has finished a chunk but not all of them.
        wait_until(lambda: chunk_completions(first.output(), ids["long"]), 180, "a first chunk")
    finally:
        first.process.send_signal(signal.SIGKILL)
        first.process.wait(timeout=30)
    done_before = len(chunk_completions(first.output(), ids["long"]))
    assert 1 <= done_before < 3

    second = Served.start(env, port, tmp_path / "second.log")
    try:
        wait_healthy(url, second.process)
        with httpx.Client(base_url=url, timeout=60) as http:

            def all_finished() -> list[dict[str, Any]] | None:
                jobs: list[dict[str, Any]] = http.get("/v1/jobs").json()["data"]
                return jobs if all(j["state"] in ("succeeded", "failed", "cancelled") for j in jobs) else None

            jobs = wait_until(all_finished, 300, "every job to finish", interval_s=0.5)
    finally:
        second.process.send_signal(signal.SIGTERM)
        second.process.wait(timeout=60)
    assert second.process.returncode == 0, second.output()
    assert sorted(j["id"] for j in jobs) == sorted(ids.values())  # none lost, none added
    assert {j["state"] for j in jobs} == {"succeeded"}
    logs = first.output() + second.output()
    by_id = {j["id"]: j for j in jobs}
    for name, job_id in ids.items():
        completions = chunk_completions(logs, job_id)
        total = int(completions[0].split("/")[1])
        assert sorted(completions) == [f"{i}/{total}" for i in range(1, total + 1)], name  # each chunk once
        expected = uninterrupted_result(http_app.transcription, audio[name], CHUNK_S, "tiny.en")
        assert by_id[job_id]["result"] == expected, name
    assert "Traceback" not in second.output()


def test_refuses_a_public_address_without_keys(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "homevoice", "serve", "--host", "0.0.0.0"],
        env=cli_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "HOMEVOICE_API_KEYS" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace (Debian package) is not installed")
def test_starting_and_serving_opens_no_outbound_connection(
    tmp_path: Path, data_dir: Path, evalset: Path
) -> None:
    """Every connect() the server and its children make, traced by the kernel, goes to loopback."""
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(data_dir / "models")
    port = free_port()
    trace = tmp_path / "connect.trace"
    command = ["strace", "-f", "-qq", "-e", "trace=connect,bind,sendto,sendmsg", "-o", str(trace)]
    command += [sys.executable, "-m", "homevoice", "serve", "--port", str(port)]
    server = subprocess.Popen(
        command, env=cli_env(data), text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server)
        with (evalset / "audio/en_sb_spk1_snt1.wav").open("rb") as audio:
            answer = httpx.post(
                f"{url}/v1/audio/transcriptions",
                files={"file": audio},
                data={"model": "tiny.en"},
                timeout=120,
            )
        assert answer.status_code == 200, answer.text
        assert httpx.get(f"{url}/v1/models").status_code == 200
    finally:
        children = psutil.Process(server.pid).children()
        for traced in children:  # stop the server; strace follows it out
            traced.send_signal(signal.SIGTERM)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            for traced in children:
                traced.kill()
            server.kill()
            raise
    assert server.returncode == 0
    lines = trace.read_text().splitlines()
    binds = [line for line in lines if " bind(" in line and f"htons({port})" in line]
    assert binds, "the trace did not see the server bind its port; is strace working?"
    outgoing = [
        (family, where)
        for line in lines
        if re.search(r" (connect|sendto|sendmsg)\(", line)
        for family, where in ADDRESS.findall(line)
    ]
    assert [o for o in outgoing if not LOOPBACK.search(o[1])] == []
