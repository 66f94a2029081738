"""What each action does. Every action returns the sentence to say back and a few facts for the JSON
answer; a missing integration is a clear ``unavailable`` answer, never a silent no-op."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from homevoice.commands.intents import Action, Intent
from homevoice.commands.notes import NoteHit, find_by_title, search
from homevoice.engines.llm.base import ChatModel
from homevoice.errors import HomevoiceError
from homevoice.integrations.homeassistant import HomeAssistant
from homevoice.knowledge.links import spoken
from homevoice.knowledge.model import KnowledgeError
from homevoice.vault.daily import append_to_daily_note
from homevoice.vault.frontmatter import render_note
from homevoice.vault.names import note_filename, title_from_text
from homevoice.vault.obsidian import VaultLayout
from homevoice.vault.writer import VaultWriter

log = logging.getLogger(__name__)

DAILY_HEADING = "Notes"
MAX_READ_CHARS = 3000

if TYPE_CHECKING:
    from homevoice.services.knowledge import KnowledgeService

Scheduler = Callable[[int, str, float, str | None], str]
"""Schedule a reminder (chat id, text, seconds, idempotency key); returns its id."""


@dataclass(frozen=True)
class ActionResult:
    action: Action
    status: str
    """`done`, `failed` (tried, and it did not work) or `unavailable` (not set up here)."""
    reply: str
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Actions:
    vault: Path
    inbox: str
    daily_heading: str | None
    home: HomeAssistant | None
    llm: ChatModel | None
    schedule: Scheduler | None
    now: Callable[[], datetime] = field(default=lambda: datetime.now().astimezone())
    knowledge: Callable[[], KnowledgeService] | None = None
    """The vault's search index and LLM answers; without it, notes are searched by their words."""

    def run(
        self,
        intent: Intent,
        transcript: str,
        language: str | None,
        chat_id: int | None,
        key: str | None = None,
    ) -> ActionResult:
        ru = language == "ru"
        try:
            return self._run(intent, transcript, language, chat_id, ru, key)
        except HomevoiceError as err:
            log.warning("command %s failed: %s", intent.action.value, err.code)
            return ActionResult(intent.action, "failed", err.message, {"error": err.code})

    def _run(
        self,
        intent: Intent,
        transcript: str,
        language: str | None,
        chat_id: int | None,
        ru: bool,
        key: str | None,
    ) -> ActionResult:
        slots = intent.slots
        match intent.action:
            case Action.MAKE_NOTE:
                path = self._make_note(str(slots["text"]))
                return ActionResult(intent.action, "done", "Записала." if ru else "Noted.", {"note": path})
            case Action.APPEND_TODAY:
                return self._append_today(str(slots["text"]), ru)
            case Action.SEARCH_NOTES:
                hits = self._find(str(slots["query"]))
                titles = [h.title for h in hits]
                if not hits:
                    return ActionResult(
                        intent.action, "done", "Ничего не нашла." if ru else "No notes found.", {"notes": []}
                    )
                head = "Нашла: " if ru else "Found: "
                return ActionResult(
                    intent.action, "done", head + "; ".join(titles) + ".", {"notes": [h.path for h in hits]}
                )
            case Action.ASK_NOTES:
                return self._ask(str(slots["question"]), ru)
            case Action.READ_NOTE:
                hit = find_by_title(self.vault, str(slots["title"]))
                if hit is None:
                    return ActionResult(
                        intent.action,
                        "failed",
                        "Не нашла такую заметку." if ru else "I could not find that note.",
                    )
                return ActionResult(
                    intent.action, "done", hit.text[:MAX_READ_CHARS] or hit.title, {"note": hit.path}
                )
            case Action.SET_REMINDER:
                return self._remind(str(slots["text"]), float(slots["minutes"]), chat_id, ru, key)
            case Action.HOME_SERVICE:
                return self._switch(str(slots["name"]), str(slots["state"]) == "on", transcript, language, ru)
            case Action.HOME_CONVERSATION | Action.UNKNOWN:
                return self._converse(intent.action, str(slots.get("text") or transcript), language, ru)
        raise AssertionError(intent.action)

    def _make_note(self, text: str) -> str:
        writer = VaultWriter(self.vault)
        created = self.now().replace(microsecond=0)
        path = writer.unique_path(self.inbox, note_filename(created, title_from_text(text), fallback="Note"))
        fields = {
            "created": created,
            "source": "command",
            "type": "text",
            "tags": ["command"],
            "status": "unprocessed",
        }
        writer.create(path, render_note(fields, text).encode())
        return path

    def _append_today(self, text: str, ru: bool) -> ActionResult:
        layout = VaultLayout.read(self.vault)
        now = self.now()
        line = f"- {now:%H:%M} {' '.join(text.split())}"
        heading = self.daily_heading or DAILY_HEADING
        path = append_to_daily_note(VaultWriter(self.vault), layout, now.date(), heading, line)
        if path is None:
            reply = "Сегодняшней заметки ещё нет." if ru else "There is no daily note for today yet."
            return ActionResult(Action.APPEND_TODAY, "failed", reply)
        return ActionResult(
            Action.APPEND_TODAY, "done", "Добавила." if ru else "Added to today's note.", {"note": path}
        )

    def _find(self, query: str, limit: int = 5) -> list[NoteHit]:
        if self.knowledge is not None:
            try:
                passages = self.knowledge().search(query, limit)
                if passages:  # else the note may be newer than the last refresh: words still find it
                    return [NoteHit(p.path, p.title, p.score, p.text) for p in passages]
            except KnowledgeError as err:  # the index is busy or broken: words still find notes
                log.warning("note search without the index: %s", err.code)
        return search(self.vault, query, limit=limit)

    def _ask(self, question: str, ru: bool) -> ActionResult:
        if self.knowledge is not None and self.llm is not None:
            try:
                answer = self.knowledge().ask(question)
            except KnowledgeError as err:
                log.warning("answer without the index: %s", err.code)
            else:
                if answer.citations:  # else the answer may be in a note newer than the last refresh
                    sources = list(dict.fromkeys(p.path for p in answer.citations))
                    return ActionResult(Action.ASK_NOTES, "done", spoken(answer.text), {"sources": sources})
        hits = self._find(question, limit=3)
        sources = [h.path for h in hits]
        if self.llm is None:
            if not hits:
                return ActionResult(
                    Action.ASK_NOTES,
                    "unavailable",
                    "Не нашла ничего об этом." if ru else "I found nothing about that.",
                )
            head = (
                "Языковая модель не настроена; об этом есть: "
                if ru
                else "No language model is set up; these notes may help: "
            )
            return ActionResult(
                Action.ASK_NOTES,
                "unavailable",
                head + "; ".join(h.title for h in hits) + ".",
                {"sources": sources},
            )
        context = "\n\n".join(f"[[{h.title}]]\n{h.text[:1500]}" for h in hits) or "(no matching notes)"
        reply = self.llm.chat(
            [
                {
                    "role": "system",
                    "content": "Answer briefly from the notes below; cite them as [[Title]]. If they do not say, say so.\n\n"
                    + context,
                },
                {"role": "user", "content": question},
            ],
            max_tokens=300,
        )
        return ActionResult(Action.ASK_NOTES, "done", (reply.content or "").strip(), {"sources": sources})

    def _remind(
        self, text: str, minutes: float, chat_id: int | None, ru: bool, key: str | None
    ) -> ActionResult:
        if self.schedule is None or chat_id is None:
            reply = (
                "Напоминания приходят в Telegram; бот не настроен."
                if ru
                else "Reminders arrive through Telegram, which is not set up."
            )
            return ActionResult(Action.SET_REMINDER, "unavailable", reply)
        reminder_id = self.schedule(chat_id, text, minutes * 60, key)
        due = self.now().timestamp() + minutes * 60
        when = datetime.fromtimestamp(due).astimezone().strftime("%H:%M")
        reply = f"Напомню в {when}." if ru else f"I'll remind you at {when}."
        return ActionResult(
            Action.SET_REMINDER, "done", reply, {"reminder": reminder_id, "due": due, "text": text}
        )

    def _switch(self, name: str, on: bool, transcript: str, language: str | None, ru: bool) -> ActionResult:
        if self.home is None:
            return _no_home(Action.HOME_SERVICE, ru)
        entity = self.home.find(name)
        if entity is None:  # Home Assistant's own agent may know the area or the alias
            return self._converse(Action.HOME_CONVERSATION, transcript, language, ru)
        self.home.switch(entity, on)
        if ru:
            reply = f"{'Включила' if on else 'Выключила'}: {entity.name}."
        else:
            reply = f"{entity.name} turned {'on' if on else 'off'}."
        return ActionResult(
            Action.HOME_SERVICE,
            "done",
            reply,
            {"entity_id": entity.entity_id, "service": "turn_on" if on else "turn_off"},
        )

    def _converse(self, action: Action, text: str, language: str | None, ru: bool) -> ActionResult:
        if self.home is None:
            reply = "Не поняла команду." if ru else "Sorry, I did not understand that."
            return ActionResult(
                action, "unavailable" if action is Action.HOME_CONVERSATION else "failed", reply
            )
        answer = self.home.converse(text, language)
        return ActionResult(Action.HOME_CONVERSATION, "done", answer, {"agent": "homeassistant"})


def _no_home(action: Action, ru: bool) -> ActionResult:
    reply = "Home Assistant не настроен." if ru else "Home Assistant is not set up here."
    return ActionResult(action, "unavailable", reply)
