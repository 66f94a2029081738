"""Assemble the command service from settings: which integrations exist here decides what it can do."""

from __future__ import annotations

from collections.abc import Callable

from homevoice.commands.actions import Actions
from homevoice.commands.service import CommandService, Publish
from homevoice.engines.llm.openai_chat import chat_model
from homevoice.integrations.homeassistant import HomeAssistant
from homevoice.jobs.reminder_workflow import schedule_reminder
from homevoice.services.knowledge import KnowledgeService
from homevoice.services.speech import SpeechService
from homevoice.services.transcription import TranscriptionService
from homevoice.settings import Settings


def build_commands(
    settings: Settings,
    transcription: TranscriptionService,
    speech: SpeechService,
    publish: Publish | None = None,
    knowledge: Callable[[], KnowledgeService] | None = None,
) -> CommandService:
    llm = chat_model(settings.llm)
    home = HomeAssistant(settings.homeassistant) if settings.homeassistant.url else None
    telegram_on = settings.telegram.token is not None
    actions = Actions(
        vault=settings.vault_dir,
        inbox=settings.vault.inbox,
        daily_heading=settings.vault.daily_note_heading,
        home=home,
        llm=llm,
        schedule=schedule_reminder if telegram_on else None,
        knowledge=knowledge,
    )
    # Commands from the API or Wyoming have no chat: their reminders go to the first allowed user.
    owner = settings.telegram.allowed_users[0] if settings.telegram.allowed_users else None
    return CommandService(
        transcription, speech, actions, llm, publish, owner, prefer_local=settings.commands.prefer_local
    )
