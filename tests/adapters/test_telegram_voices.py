"""Voices from Telegram: a voice message captioned ``/voice NAME`` becomes an enrolled voice, a bad
one is refused in the sender's language, ``/voices`` lists them, and ``/read voice=NAME`` accepts
the new name. python-telegram-bot against the fake Bot API; real Silero VAD, tiny.en, Piper and the
voice match."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.adapters.telegram.bot import TelegramBot
from homevoice.app import App, build_app
from homevoice.audio.codec import decode_audio
from homevoice.settings import load_settings
from tests.fakes.live_server import live_server
from tests.fakes.media import encode
from tests.fakes.telegram import FakeBotApi
from tests.fakes.telegram.serving import bot_settings

pytestmark = pytest.mark.e2e

OWNER = 111


@dataclass
class Chat:
    api: FakeBotApi
    app: App

    def send_voice(self, recording: Path, caption: str, timeout: float = 120) -> str:
        """The bot's next text after a voice message with this caption."""
        before = len(self.api.sent_messages)
        self.api.add_voice(recording, user_id=OWNER, caption=caption, duration=8)
        return self._next_text(before, timeout)

    def command(self, text: str) -> str:
        before = len(self.api.sent_messages)
        self.api.add_command(text, user_id=OWNER)
        return self._next_text(before, 30)

    def _next_text(self, before: int, timeout: float) -> str:
        def texts() -> list[str]:
            return [str(m["text"]) for m in self.api.sent_messages[before:] if "text" in m]

        self.api.wait_for(lambda: bool(texts()), timeout)
        return texts()[0]


@pytest.fixture(scope="module")
def chat(own_data_dir: Callable[[str], Path]) -> Iterator[Chat]:
    with FakeBotApi() as api:
        settings = load_settings(
            data_dir=own_data_dir("voices-telegram"),
            stt={"model": "tiny.en", "cpu_threads": 2},
            models={"keep_alive_s": -1},
            telegram=bot_settings(api, [OWNER]),
            rag={"refresh_s": 0},
        )
        app = build_app(settings)
        try:
            bot = TelegramBot(settings.telegram, app.capture(), app.speech, voices=app.enrolled_voices)
            with live_server(create_api(app, None, [bot])):
                yield Chat(api, app)
        finally:
            app.close()


def voice_message(path: Path, tmp_path: Path) -> Path:
    """The recording as Telegram sends a voice message: Ogg/Opus."""
    samples = decode_audio(path).samples
    target = tmp_path / "voice.oga"
    target.write_bytes(encode(samples, 16_000, "oga"))
    return target


def test_a_captioned_voice_message_becomes_a_voice(
    chat: Chat, clip: Callable[[str], Path], tmp_path: Path
) -> None:
    recording = voice_message(clip("en_ljspeech_LJ050-0131"), tmp_path)
    reply = chat.send_voice(recording, "/voice Grandma")
    assert reply.startswith("Voice Grandma enrolled from "), reply
    assert "voice=Grandma" in reply
    voice = chat.app.enrolled_voices().library.require("grandma")
    assert voice.source.startswith("Telegram voice from ") and f"(id {OWNER})" in voice.source
    # Enrolled, not captured: no note or recording of it in the vault.
    assert not list(chat.app.settings.vault_dir.rglob("*.oga"))
    assert chat.app.speech.voice_for("grandma", "en") == "Grandma"

    chat.api.add_command("/voices", user_id=OWNER)
    chat.api.wait_for(
        lambda: any("• Grandma (en, " in str(m.get("text")) for m in chat.api.sent_messages), 30
    )


def test_a_noise_recording_is_refused_with_what_to_do(chat: Chat, tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    noise = (0.3 * rng.standard_normal(16_000 * 6)).astype(np.float32)
    recording = tmp_path / "noise.oga"
    recording.write_bytes(encode(np.clip(noise, -1, 1), 16_000, "oga"))
    reply = chat.send_voice(recording, "/voice шум")
    assert reply.startswith("No voice was made: "), reply
    assert "quiet room" in reply or "silent" in reply or "too little speech" in reply, reply
    assert chat.app.enrolled_voices().library.get("шум") is None


def test_a_caption_without_a_name_explains_itself(
    chat: Chat, clip: Callable[[str], Path], tmp_path: Path
) -> None:
    recording = voice_message(clip("en_arctic_a0024"), tmp_path)
    assert "/voice NAME" in chat.send_voice(recording, "/voice", 30)
