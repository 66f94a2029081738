"""Voices from Telegram: a voice message captioned ``/voice NAME`` enrols it; ``/voices`` lists them.

The enrolment runs while the update is being handled, so a server stopped midway gets the message
again from Telegram instead of losing it; it takes a few seconds.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import Bot, Message

from homevoice.adapters.telegram import replies
from homevoice.adapters.telegram.beside import keep_typing
from homevoice.adapters.telegram.downloads import FileTooBigError, download
from homevoice.adapters.telegram.messages import MediaFile
from homevoice.errors import HomevoiceError
from homevoice.services.voices import EnrolRequest, VoiceService
from homevoice.settings_capture import TelegramSettings

log = logging.getLogger(__name__)

TRANSLATED_ERRORS = frozenset(
    {
        "sample_silent",
        "sample_too_short",
        "sample_noisy",
        "sample_clipped",
        "sample_several_speakers",
        "sample_no_words",
        "invalid_voice_name",
        "voice_exists",
    }
)
"""Refusals the bot explains in the sender's language; others are passed on as the server words them."""


class Enrolling:
    def __init__(
        self, bot: Bot, settings: TelegramSettings, voices: Callable[[], VoiceService] | None
    ) -> None:
        self._bot = bot
        self._settings = settings
        self._voices = voices

    async def enrol(self, message: Message, media: MediaFile, name: str) -> None:
        assert message.from_user is not None
        user = message.from_user
        code = user.language_code
        if self._voices is None:
            await message.reply_text(replies.text("voices_unavailable", code))
            return
        if not name:
            await message.reply_text(replies.text("voice_name_missing", code))
            return
        limit = int(self._settings.max_file_mb * 1_000_000)
        try:
            data = await download(self._bot, media.file_id, media.size, limit)
        except FileTooBigError as err:
            size_mb = (err.size or 0) / 1_000_000
            await message.reply_text(
                replies.text("too_big", code, size_mb=size_mb, limit_mb=limit / 1_000_000)
            )
            return
        request = EnrolRequest(
            name=name,
            source=data,
            origin=f"Telegram {media.kind.value} from {user.full_name} (id {user.id})",
            filename=media.name or "voice message",
        )
        with_typing = asyncio.ensure_future(keep_typing(self._bot, message.chat.id))
        try:
            service = await asyncio.to_thread(self._voices)
            voice = await asyncio.to_thread(service.enrol, request)
        except HomevoiceError as err:
            key = f"voice_{err.code}" if err.code in TRANSLATED_ERRORS else None
            reason = replies.text(key, code, voice=name) if key else err.message
            await message.reply_text(replies.text("voice_not_enrolled", code, reason=reason))
            return
        finally:
            with_typing.cancel()
        await message.reply_text(
            replies.text(
                "voice_enrolled", code, voice=voice.name, seconds=voice.speech_s, heard=voice.transcript
            )
        )

    async def list(self, message: Message) -> None:
        assert message.from_user is not None
        code = message.from_user.language_code
        if self._voices is None:
            await message.reply_text(replies.text("voices_unavailable", code))
            return
        service = await asyncio.to_thread(self._voices)
        voices = await asyncio.to_thread(service.list_voices)
        if not voices:
            await message.reply_text(replies.text("voices_none", code))
            return
        lines = [
            f"• {v.name} ({v.language}, {v.speech_s:.0f} s, {v.enrolled_at[:10]}): {v.source}" for v in voices
        ]
        await message.reply_text(replies.text("voices_list", code, voices="\n".join(lines)))
