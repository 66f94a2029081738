"""Bot commands: /start, /help, /lang, /say."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from telegram import Bot, Message, ReplyParameters
from telegram.constants import ChatAction
from telegram.error import TelegramError

from homevoice.adapters.telegram import replies
from homevoice.adapters.telegram.beside import Beside
from homevoice.adapters.telegram.messages import Command
from homevoice.audio.encode import AudioFormat
from homevoice.commands.service import CommandService
from homevoice.errors import HomevoiceError
from homevoice.services.capture import CaptureService
from homevoice.services.speech import SpeechRequest, SpeechService

log = logging.getLogger(__name__)

LANGUAGES = {"ru": "ru", "en": "en", "auto": None}


class Commands:
    def __init__(
        self, bot: Bot, capture: CaptureService, speech: SpeechService, commands: CommandService | None
    ) -> None:
        self._bot = bot
        self._capture = capture
        self._speech = speech
        self._commands = commands
        self._beside = Beside()

    async def close(self) -> None:
        await self._beside.close()

    async def run(self, command: Command, message: Message) -> None:
        assert message.from_user is not None
        code = message.from_user.language_code
        user_id = message.from_user.id
        if command.name == "start":
            await message.reply_text(replies.text("start", code, user_id=user_id))
        elif command.name == "help":
            await message.reply_text(replies.text("help", code))
        elif command.name == "lang":
            await self._lang(message, command.argument.lower(), code)
        elif command.name == "say":
            if not command.argument:
                await message.reply_text(replies.text("say_usage", code))
                return
            # Speaking takes seconds: do it beside the polling, so captures keep arriving.
            self._beside.start(self._say(message, command.argument, code))
        elif command.name == "do":  # with an argument, it is a capture (see Handlers)
            await message.reply_text(replies.text("do_usage", code))
        else:
            await message.reply_text(replies.text("unknown_command", code))

    async def carry_out(
        self, chat_id: int, message_id: int, text: str, language: str | None, code: str | None
    ) -> None:
        """Run a command (from /do or a voice message with the wake phrase); answer in text and voice."""
        reply = ReplyParameters(message_id, allow_sending_without_reply=True)
        if self._commands is None:
            await self._bot.send_message(chat_id, replies.text("no_commands", code), reply_parameters=reply)
            return
        service = self._commands
        try:
            key = f"{chat_id}:{message_id}"  # carried out again after a crash: no second reminder
            result = await asyncio.to_thread(
                service.run, text, language, chat_id=chat_id, source="telegram", key=key
            )
            answer = result.action.reply
            if not answer:
                return
            await self._bot.send_message(chat_id, answer[:4096], reply_parameters=reply)
            voice = await asyncio.to_thread(service.speak, answer, result.language)
            await self._bot.send_voice(chat_id, voice, reply_parameters=reply)
        except HomevoiceError as err:
            with contextlib.suppress(TelegramError):
                await self._bot.send_message(
                    chat_id, replies.text("say_failed", code, reason=err.message), reply_parameters=reply
                )
        except TelegramError as err:
            log.warning("telegram: could not answer a command: %s", err)

    async def _lang(self, message: Message, argument: str, code: str | None) -> None:
        assert message.from_user is not None
        if argument not in LANGUAGES:
            await message.reply_text(replies.text("lang_usage", code))
            return
        await asyncio.to_thread(self._capture.set_language, message.from_user.id, LANGUAGES[argument])
        await message.reply_text(replies.text("lang_set", code, language=argument))

    async def _say(self, message: Message, text: str, code: str | None) -> None:
        reply = ReplyParameters(message.message_id, allow_sending_without_reply=True)
        try:
            with contextlib.suppress(TelegramError):
                await self._bot.send_chat_action(message.chat.id, ChatAction.RECORD_VOICE)
            voice = await asyncio.to_thread(voice_message, self._speech, text)
            await self._bot.send_voice(message.chat.id, voice, reply_parameters=reply)
        except HomevoiceError as err:
            with contextlib.suppress(TelegramError):
                await self._bot.send_message(
                    message.chat.id,
                    replies.text("say_failed", code, reason=err.message),
                    reply_parameters=reply,
                )
        except TelegramError as err:
            log.warning("telegram: could not send a voice message: %s", err)


def voice_message(speech: SpeechService, text: str) -> bytes:
    """The whole text as one Ogg/Opus file, which is what a Telegram voice message is."""
    plan = speech.plan(SpeechRequest(text=text))
    return b"".join(speech.encoded(plan, AudioFormat.OPUS, streaming=False))
