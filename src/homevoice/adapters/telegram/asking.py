"""``/ask``, ``/find`` and ``/voice``, and spoken questions: answers from the notes in the chat.

Answering takes seconds (an LLM), so it runs beside the polling, with "typing" shown meanwhile,
like ``/say`` and ``/read``. With ``/voice on`` the answer also comes as a voice message; the text
still comes first, since it carries the sources and can be read later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import TypeVar

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import TelegramError

from homevoice.adapters.telegram import replies
from homevoice.adapters.telegram.beside import Beside, keep_typing
from homevoice.adapters.telegram.citations import answer_text, found_text
from homevoice.adapters.telegram.commands import voice_message
from homevoice.adapters.telegram.messages import Command
from homevoice.errors import HomevoiceError
from homevoice.knowledge.links import spoken
from homevoice.knowledge.model import Answer, KnowledgeError, Passage
from homevoice.services.capture import CaptureService
from homevoice.services.knowledge import KnowledgeService
from homevoice.services.speech import SpeechService

T = TypeVar("T")

log = logging.getLogger(__name__)

COMMANDS = frozenset({"ask", "find", "voice"})
FIND_LIMIT = 5
SWITCHES = {"on": True, "off": False}


class Asking:
    def __init__(
        self,
        bot: Bot,
        capture: CaptureService,
        speech: SpeechService,
        knowledge: Callable[[], KnowledgeService] | None,
    ) -> None:
        """``knowledge``: the knowledge service, opened on first use; None: not on this server."""
        self._bot = bot
        self._capture = capture
        self._speech = speech
        self._knowledge = knowledge
        self._beside = Beside()

    async def close(self) -> None:
        await self._beside.close()

    async def run(self, command: Command, message: Message) -> None:
        assert message.from_user is not None
        code = message.from_user.language_code
        if command.name == "voice":
            await self._voice(message, command.argument.lower(), code)
            return
        if not command.argument:
            await message.reply_text(replies.text(f"{command.name}_usage", code))
            return
        if command.name == "find":
            self._beside.start(self._find(message, command.argument, code))
        else:
            user_id = message.from_user.id
            self.answer_later(message.chat.id, message.message_id, user_id, command.argument, code)

    def answer_later(
        self,
        chat_id: int,
        message_id: int,
        user_id: int,
        question: str,
        code: str | None,
        *,
        spoken_question: bool = False,
    ) -> None:
        """Answer beside the polling. ``spoken_question``: it came as a voice message, so the reply
        repeats what was heard ("" when nothing was)."""
        self._beside.start(self._answer(chat_id, message_id, user_id, question, code, spoken_question))

    async def _voice(self, message: Message, argument: str, code: str | None) -> None:
        assert message.from_user is not None
        user_id = message.from_user.id
        if argument not in SWITCHES:
            on = await asyncio.to_thread(self._capture.voice_replies, user_id)
            await message.reply_text(replies.text("voice_usage", code, state="on" if on else "off"))
            return
        await asyncio.to_thread(self._capture.set_voice_replies, user_id, SWITCHES[argument])
        await message.reply_text(replies.text("voice_on" if SWITCHES[argument] else "voice_off", code))

    async def _find(self, message: Message, query: str, code: str | None) -> None:
        reply = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        try:
            found = await self._typing_while(message.chat.id, self._search, query)
            for piece in replies.split_message(found_text(found, query, code, FIND_LIMIT)):
                await self._bot.send_message(message.chat.id, piece, reply_parameters=reply)
        except Exception as err:
            await self._failed(message.chat.id, reply, err, code, "find_failed")

    async def _answer(
        self, chat_id: int, message_id: int, user_id: int, question: str, code: str | None, heard: bool
    ) -> None:
        reply = ReplyParameters(message_id, allow_sending_without_reply=True)
        try:
            if not question.strip():
                await self._bot.send_message(
                    chat_id, replies.text("ask_not_heard", code), reply_parameters=reply
                )
                return
            answer = await self._typing_while(chat_id, self._ask, question)
            text = answer_text(answer, code, question if heard else None)
            for piece in replies.split_message(text):
                await self._bot.send_message(chat_id, piece, reply_parameters=reply)
            words = spoken(answer.text)
            wants_voice: bool = await asyncio.to_thread(self._capture.voice_replies, user_id)
            if words and wants_voice:
                with contextlib.suppress(TelegramError):
                    await self._bot.send_chat_action(chat_id, ChatAction.RECORD_VOICE)
                voice = await asyncio.to_thread(voice_message, self._speech, words)
                await self._bot.send_voice(chat_id, voice, reply_parameters=reply)
        except Exception as err:
            await self._failed(chat_id, reply, err, code, "ask_failed")

    async def _failed(
        self, chat_id: int, reply: ReplyParameters, err: Exception, code: str | None, failed: str
    ) -> None:
        """Tell the chat what went wrong: a task's failure is seen by nobody else."""
        if isinstance(err, TelegramError):
            log.warning("telegram: could not send an answer: %s", err)
            return
        if isinstance(err, KnowledgeError) and err.code == "llm_not_configured":
            text = replies.text("no_llm", code)
        elif isinstance(err, _UnavailableError):
            text = replies.text("knowledge_unavailable", code)
        elif isinstance(err, HomevoiceError):
            log.warning("telegram: %s (%s)", failed.replace("_", " "), err.code)
            text = replies.text(failed, code, reason=err.message)
        else:
            log.error("telegram: %s", failed.replace("_", " "), exc_info=err)
            text = replies.text("ask_error", code)
        with contextlib.suppress(TelegramError):
            await self._bot.send_message(chat_id, text, reply_parameters=reply)

    async def _typing_while(self, chat_id: int, work: Callable[[str], T], text: str) -> T:
        typing = asyncio.create_task(keep_typing(self._bot, chat_id))
        try:
            return await asyncio.to_thread(work, text)
        finally:
            typing.cancel()

    def _service(self) -> KnowledgeService:
        if self._knowledge is None:
            raise _UnavailableError("no knowledge service")
        return self._knowledge()

    def _ask(self, question: str) -> Answer:
        return self._service().ask(question)

    def _search(self, query: str) -> list[Passage]:
        # Several passages of one note collapse into one entry: ask for more than are shown.
        return self._service().search(query, limit=FIND_LIMIT * 2)


class _UnavailableError(Exception):
    pass
