"""A command from start to end: hear it (if spoken), understand it, act, and say the answer.

The rule grammar comes first (``commands.prefer_local``): what it knows is carried out without a
round trip to the LLM, and small local models choose tools poorly. The rest goes to the LLM, when
one is configured, as tool calling over the action list; an LLM that fails or calls no usable tool
leaves the grammar's answer (Home Assistant's agent for anything unknown).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homevoice.audio.encode import AudioFormat
from homevoice.commands.actions import ActionResult, Actions
from homevoice.commands.grammar import recognise
from homevoice.commands.intents import TOOLS, Action, Intent
from homevoice.engines.llm.base import ChatModel, LlmError
from homevoice.errors import HomevoiceError
from homevoice.services.speech import SpeechRequest, SpeechService
from homevoice.services.transcription import TranscriptionRequest, TranscriptionService
from homevoice.text.language import detect_language

log = logging.getLogger(__name__)

Publish = Callable[[str, dict[str, Any]], None]

_SYSTEM = (
    "You turn the owner's spoken command into exactly one tool call. Choose the tool that does what "
    "they ask, and fill its arguments with their words. Answer in their language."
)


class EmptyCommandError(HomevoiceError):
    def __init__(self) -> None:
        super().__init__("The command is empty: send `text` or a `file` with speech.", code="empty_command")


@dataclass(frozen=True)
class CommandResult:
    transcript: str
    language: str
    intent: Intent
    action: ActionResult
    seconds: float

    def as_json(self) -> dict[str, Any]:
        return {
            "transcript": self.transcript,
            "language": self.language,
            "intent": {
                "name": self.intent.action.value,
                "slots": self.intent.slots,
                "recognised_by": self.intent.source,
            },
            "action": {"name": self.action.action.value, "status": self.action.status, **self.action.details},
            "reply": {"text": self.action.reply},
        }


class CommandService:
    def __init__(
        self,
        transcription: TranscriptionService,
        speech: SpeechService,
        actions: Actions,
        llm: ChatModel | None,
        publish: Publish | None = None,
        default_chat: int | None = None,
        *,
        prefer_local: bool = True,
    ) -> None:
        self._prefer_local = prefer_local
        self._transcription = transcription
        self._speech = speech
        self._actions = actions
        self._llm = llm
        self._publish = publish
        self._default_chat = default_chat

    def hear(
        self, audio: bytes, language: str | None, name: str = "", model: str | None = None
    ) -> tuple[str, str]:
        request = TranscriptionRequest(model=model, language=language)
        transcript = self._transcription.transcribe(audio, request, name=name)
        text = transcript.text.strip()
        if not text:
            raise EmptyCommandError()
        return text, transcript.language

    def run(
        self,
        text: str,
        language: str | None = None,
        *,
        chat_id: int | None = None,
        source: str = "api",
        key: str | None = None,
    ) -> CommandResult:
        """Understand and carry out one command (blocking)."""
        started = time.perf_counter()
        text = text.strip()
        if not text:
            raise EmptyCommandError()
        language = language or detect_language(text)
        intent = self._understand(text, language)
        chat = chat_id if chat_id is not None else self._default_chat
        result = self._actions.run(intent, text, language, chat, key)
        log.info("command: %s -> %s (%s, by %s)", source, intent.action.value, result.status, intent.source)
        outcome = CommandResult(text, language, intent, result, time.perf_counter() - started)
        if self._publish is not None:
            try:
                self._publish("command.received", {**outcome.as_json(), "source": source})
            except Exception as err:  # a webhook must never cost the command itself
                log.warning("command.received not published: %s", type(err).__name__)
        return outcome

    def speak(self, text: str, language: str | None) -> bytes:
        """The reply as one Ogg/Opus file."""
        plan = self._speech.plan(SpeechRequest(text=text, language=language))
        return b"".join(self._speech.encoded(plan, AudioFormat.OPUS, streaming=False))

    def _understand(self, text: str, language: str) -> Intent:
        local = recognise(text)
        if self._llm is None or (self._prefer_local and local.action is not Action.UNKNOWN):
            return local
        try:
            reply = self._llm.chat(
                [{"role": "system", "content": _SYSTEM}, {"role": "user", "content": text}],
                tools=TOOLS,
                tool_choice="auto",
                max_tokens=200,
            )
        except LlmError as err:
            log.warning("LLM unavailable for a command (%s); using the rule grammar", err.code)
            return local
        for call in reply.tool_calls:
            intent = _intent_of(call.name, call.arguments, text)
            if intent is not None:
                return intent
        return local


def _intent_of(name: str, arguments: dict[str, Any], text: str) -> Intent | None:
    """A tool call as an intent, if it names a known action with the arguments it needs."""
    try:
        action = Action(name)
    except ValueError:
        return None
    needed: list[str] = next(
        (t["function"]["parameters"]["required"] for t in TOOLS if t["function"]["name"] == name), []
    )
    if any(arguments.get(key) in (None, "") for key in needed):
        return None
    slots = dict(arguments)
    if action is Action.SET_REMINDER:
        try:
            slots["minutes"] = float(slots["minutes"])
        except (TypeError, ValueError):
            return None
    if action is Action.HOME_SERVICE and slots.get("state") not in ("on", "off"):
        return None
    return Intent(action, slots, source="llm")
