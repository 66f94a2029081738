"""`homevoice worker` processes for the jobs end-to-end tests, and what they compare against."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from dbos import DBOS
from numpy.typing import NDArray

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.evaluation.wer import EvalClip
from homevoice.formats.transcript import verbose_json
from homevoice.jobs.assembly import merge, shift
from homevoice.jobs.chunking import plan_chunks
from homevoice.jobs.service import JobService, JobState, JobView, TranscriptionJobRequest
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from tests.fakes.cli import cli_env as base_env
from tests.fakes.media import encode

T = TypeVar("T")
READY = "is running jobs"
CHUNK_S = 30.0
REQUEST = TranscriptionJobRequest(
    model="tiny.en", language=None, task="transcribe", prompt=None, temperature=None, word_timestamps=False
)


def cli_env(data_dir: Path, database_url: str, **settings: str) -> dict[str, str]:
    """The environment of a homevoice process: ``settings`` become HOMEVOICE_<NAME> variables."""
    return base_env(data_dir, jobs__database_url=database_url, log_level="INFO", **settings)


def run_cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "homevoice", *args], env=env, capture_output=True, text=True, timeout=120
    )


@dataclass
class Worker:
    worker_id: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, env: dict[str, str], worker_id: str, log: Path) -> Worker:
        with log.open("wb") as sink:
            process = subprocess.Popen(
                [sys.executable, "-m", "homevoice", "worker", "--id", worker_id],
                env=env,
                stdout=sink,
                stderr=subprocess.STDOUT,
            )
        return cls(worker_id, process, log)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_ready(self, timeout_s: float = 60.0) -> None:
        wait_until(
            lambda: READY in self.output() or self.process.poll() is not None, timeout_s, "worker start"
        )
        assert self.process.poll() is None, self.output()

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as systemd stops a service; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=60)


def wait_until(probe: Callable[[], T | None], timeout_s: float, what: str, interval_s: float = 0.1) -> T:
    """Poll until ``probe`` returns something truthy; fail the test with ``what`` at the timeout."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f} s waiting for {what}")
        time.sleep(interval_s)


def concatenated(paths: Sequence[Path], gap_s: float = 0.4) -> NDArray[np.float32]:
    """Clips one after another with a short pause between them, like one long recording."""
    gap = np.zeros(int(gap_s * SAMPLE_RATE), dtype=np.float32)
    parts: list[NDArray[np.float32]] = []
    for path in paths:
        parts += [decode_audio(path).samples, gap]
    return np.concatenate(parts)


def wav_bytes(samples: NDArray[np.float32]) -> bytes:
    return encode(samples, SAMPLE_RATE, "wav")


def uninterrupted_result(
    transcription: TranscriptionService, audio: bytes, chunk_s: float, model: str
) -> dict[str, Any]:
    """What a transcription job computes, run straight through in this process, without DBOS."""
    samples = decode_audio(audio).samples
    parts = []
    language: str | None = None
    for start, end in plan_chunks(samples, SAMPLE_RATE, chunk_s):
        request = TranscriptionRequest(model=model, language=language)
        parts.append(
            shift(transcription.transcribe_samples(samples[start:end], request), start / SAMPLE_RATE)
        )
        language = parts[0].language
    return verbose_json(merge(parts, len(samples) / SAMPLE_RATE), "transcribe")


def chunk_completions(logs: str, job_id: str | None = None) -> list[str]:
    """The "i/n" of each "chunk i/n done" line a worker logged, for one job or for any."""
    job = re.escape(job_id) if job_id else r"\S+"
    return re.findall(rf"job {job}: chunk (\d+/\d+) done", logs)


def recordings(clips: list[EvalClip]) -> dict[str, bytes]:
    """English eval clips joined into recordings of three, two and one chunks of CHUNK_S."""
    english = [c.path for c in clips if c.language == "en"]
    return {
        "long": wav_bytes(concatenated(english[:19])),  # 78 s: three chunks
        "medium": wav_bytes(concatenated(english[19:])),  # 47 s: two chunks
        "short": wav_bytes(concatenated(english[:1])),
    }


def chunks_done(job_id: str) -> int:
    """Chunk steps DBOS has recorded as finished for a job."""
    steps = DBOS.list_workflow_steps(job_id)
    return sum(
        1 for s in steps if s["function_name"] == "homevoice.transcribe_chunk" and s["output"] is not None
    )


def wait_finished(jobs: JobService, job_id: str, timeout_s: float = 180) -> JobView:
    finished = (JobState.SUCCEEDED, JobState.FAILED, JobState.CANCELLED)

    def probe() -> JobView | None:
        view = jobs.get(job_id)
        return view if view.state in finished else None

    return wait_until(probe, timeout_s, f"job {job_id}")
