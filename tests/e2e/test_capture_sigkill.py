"""`homevoice serve` with its Telegram bot, killed with SIGKILL while voice messages and a command
are queued: after a restart every message is exactly one note, including one sent while it was
down, and the reminder the command asked for arrives once."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from homevoice.audio.codec import SAMPLE_RATE, decode_audio
from homevoice.evaluation.wer import EvalClip
from homevoice.vault.frontmatter import parse_note
from tests.fakes.cli import cli_env
from tests.fakes.live_server import free_port
from tests.fakes.media import encode
from tests.fakes.telegram import FakeBotApi

pytestmark = pytest.mark.e2e

OWNER = 111


def start(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as sink:
        command = [sys.executable, "-m", "homevoice", "serve", "--port", str(free_port())]
        return subprocess.Popen(command, env=env, stdout=sink, stderr=subprocess.STDOUT)


def reminders(api: FakeBotApi) -> int:
    return sum("Reminder: stretch" in str(m.get("text")) for m in api.sent_messages)


def notes_by_message(vault: Path) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for path in (vault / "Inbox").glob("*.md") if (vault / "Inbox").exists() else []:
        fields, _ = parse_note(path.read_text())
        found.setdefault(int(fields["telegram_message_id"]), []).append(path.name)
    return found


def test_every_queued_voice_message_becomes_exactly_one_note_after_a_kill(
    tmp_path: Path, data_dir: Path, clips: list[EvalClip]
) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "models").symlink_to(data_dir / "models")
    vault = tmp_path / "vault"
    vault.mkdir()
    voices = []
    for clip in [c for c in clips if c.language == "en"][:6]:
        path = tmp_path / f"{clip.id}.oga"
        path.write_bytes(encode(decode_audio(clip.path).samples, SAMPLE_RATE, "oga"))
        voices.append(path)
    log = tmp_path / "serve.log"

    with FakeBotApi() as api:
        env = cli_env(
            data,
            stt__model="tiny.en",
            log_level="INFO",
            telegram__token=api.token,
            telegram__allowed_users=f"[{OWNER}]",
            telegram__api_base_url=api.root_url,
            telegram__poll_timeout_s="1",
            vault__path=str(vault),
        )
        sent = [api.add_voice(path, user_id=OWNER, duration=3) for path in voices]
        api.add_command("/do remind me in 0.25 minutes to stretch", user_id=OWNER)
        first = start(env, log)
        try:
            # Killed as soon as every message is acknowledged, so on disk, with most notes still to write.
            api.wait_for(lambda: api.pending_updates() == 0 and api.confirmed_offset > 0, 180)
            first.send_signal(signal.SIGKILL)
            first.wait(30)
        finally:
            if first.poll() is None:
                first.kill()
        done_before_kill = len(notes_by_message(vault))
        assert done_before_kill < len(sent), "the kill came too late to test anything"

        sent.append(api.add_voice(voices[0], user_id=OWNER, duration=3))  # while the server is down
        second = start(env, log)
        try:
            api.wait_for(lambda: len(notes_by_message(vault)) == len(sent), 240)
            api.wait_for(lambda: reminders(api) >= 1, 120)  # the command, then its durable sleep
            time.sleep(2)  # nothing more arrives: no second note for a message saved before the kill
            notes = notes_by_message(vault)
            assert reminders(api) == 1
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(60)

    output = log.read_text(errors="replace")
    assert sorted(notes) == sorted(sent), output
    assert all(len(names) == 1 for names in notes.values()), notes
    attachments = [p for p in vault.rglob("*.ogg")]
    assert len(attachments) == len(sent)
    assert not list((data / "capture" / "spool").iterdir())
    assert second.returncode == 0, output
