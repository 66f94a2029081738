"""The actions a command can ask for, and how an LLM sees them (as tools)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Action(StrEnum):
    MAKE_NOTE = "make_note"
    APPEND_TODAY = "append_to_today"
    SEARCH_NOTES = "search_notes"
    ASK_NOTES = "ask_notes"
    READ_NOTE = "read_note"
    SET_REMINDER = "set_reminder"
    HOME_SERVICE = "home_service"
    HOME_CONVERSATION = "home_conversation"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Intent:
    action: Action
    slots: dict[str, Any] = field(default_factory=dict)
    source: str = "rules"
    """`rules` or `llm`: what recognised it."""


def _tool(name: Action, description: str, properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": name.value,
            "description": description,
            "parameters": {"type": "object", "properties": properties, "required": required},
        },
    }


_TEXT = {"type": "string"}

TOOLS: list[dict[str, Any]] = [
    _tool(Action.MAKE_NOTE, "Write a new note in the owner's vault.", {"text": _TEXT}, ["text"]),
    _tool(Action.APPEND_TODAY, "Add a line to today's daily note.", {"text": _TEXT}, ["text"]),
    _tool(Action.SEARCH_NOTES, "Find notes about something.", {"query": _TEXT}, ["query"]),
    _tool(Action.ASK_NOTES, "Answer a question from the owner's notes.", {"question": _TEXT}, ["question"]),
    _tool(Action.READ_NOTE, "Read a note aloud.", {"title": _TEXT}, ["title"]),
    _tool(
        Action.SET_REMINDER,
        "Remind the owner of something after a delay.",
        {"text": _TEXT, "minutes": {"type": "number", "description": "minutes from now"}},
        ["text", "minutes"],
    ),
    _tool(
        Action.HOME_SERVICE,
        "Turn a device in the house on or off.",
        {
            "name": {"type": "string", "description": "the device, as the owner said it"},
            "state": {"type": "string", "enum": ["on", "off"]},
        },
        ["name", "state"],
    ),
    _tool(
        Action.HOME_CONVERSATION,
        "Anything else about the house (temperatures, scenes, covers): passed to Home Assistant.",
        {"text": _TEXT},
        ["text"],
    ),
]
