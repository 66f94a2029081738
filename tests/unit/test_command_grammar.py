"""The offline rule grammar for commands, in English and Russian, and the wake phrase."""

from __future__ import annotations

import pytest

from homevoice.commands.grammar import recognise
from homevoice.commands.intents import Action
from homevoice.services.capture import command_after_wake_phrase


@pytest.mark.parametrize(
    ("said", "action", "slots"),
    [
        ("Remind me in 10 minutes to call mum.", Action.SET_REMINDER, {"text": "call mum", "minutes": 10.0}),
        (
            "remind me to take the pizza out in five minutes",
            Action.SET_REMINDER,
            {"text": "take the pizza out", "minutes": 5.0},
        ),
        (
            "Remind me in 2 hours to water the plants",
            Action.SET_REMINDER,
            {"text": "water the plants", "minutes": 120.0},
        ),
        (
            "Напомни через 15 минут выключить плиту.",
            Action.SET_REMINDER,
            {"text": "выключить плиту", "minutes": 15.0},
        ),
        (
            "Напомни мне через два часа позвонить Ивану",
            Action.SET_REMINDER,
            {"text": "позвонить Ивану", "minutes": 120.0},
        ),
        (
            "Напомни через полчаса проверить духовку",
            Action.SET_REMINDER,
            {"text": "проверить духовку", "minutes": 30.0},
        ),
        ("Make a note: buy milk", Action.MAKE_NOTE, {"text": "buy milk"}),
        (
            "Запиши, что встреча перенесена на пятницу.",
            Action.MAKE_NOTE,
            {"text": "встреча перенесена на пятницу"},
        ),
        ("Add call Bob to today's note", Action.APPEND_TODAY, {"text": "call Bob"}),
        ("Добавь в дневник: пробежал 5 км", Action.APPEND_TODAY, {"text": "пробежал 5 км"}),
        ("Turn on the kitchen light.", Action.HOME_SERVICE, {"state": "on", "name": "kitchen light"}),
        ("Switch the kettle off", Action.HOME_SERVICE, {"state": "off", "name": "kettle"}),
        ("Выключи свет в спальне", Action.HOME_SERVICE, {"state": "off", "name": "свет в спальне"}),
        ("Find notes about Paris", Action.SEARCH_NOTES, {"query": "Paris"}),
        ("Найди заметки про отпуск", Action.SEARCH_NOTES, {"query": "отпуск"}),
        ("Read note shopping list", Action.READ_NOTE, {"title": "shopping list"}),
        ("Прочитай заметку список покупок", Action.READ_NOTE, {"title": "список покупок"}),
        ("What do my notes say about the dentist?", Action.ASK_NOTES, {"question": "the dentist"}),
        ("Вопрос: когда приём у врача?", Action.ASK_NOTES, {"question": "когда приём у врача"}),
    ],
)
def test_rules(said: str, action: Action, slots: dict[str, object]) -> None:
    intent = recognise(said)
    assert (intent.action, intent.slots) == (action, slots)


def test_anything_else_is_unknown_with_the_whole_sentence() -> None:
    intent = recognise("How cold is it outside?")
    assert intent.action is Action.UNKNOWN and intent.slots == {"text": "How cold is it outside?"}
    assert recognise("remind me to breathe").action is Action.UNKNOWN  # no time: not a reminder


def test_wake_phrases() -> None:
    phrases = ["computer", "компьютер"]
    assert command_after_wake_phrase("Computer, turn on the light.", phrases) == "turn on the light."
    assert (
        command_after_wake_phrase("Компьютер: напомни через 5 минут выйти", phrases)
        == "напомни через 5 минут выйти"
    )
    assert command_after_wake_phrase("Computers are everywhere", phrases) is None
    assert command_after_wake_phrase("Computer.", phrases) is None
    assert command_after_wake_phrase("Buy milk", phrases) is None
