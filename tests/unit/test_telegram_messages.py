"""Pure parts of the Telegram adapter: splitting replies, reading commands and origins."""

from __future__ import annotations

from datetime import UTC, datetime

from telegram import Chat, Message, MessageOriginChannel, MessageOriginHiddenUser, MessageOriginUser, User

from homevoice.adapters.telegram.messages import command_of, origin_name
from homevoice.adapters.telegram.replies import split_message, text

NOW = datetime(2026, 12, 3, tzinfo=UTC)


def message(content: str) -> Message:
    return Message(1, NOW, Chat(5, "private"), from_user=User(5, "Ann", False), text=content)


def test_split_message_keeps_every_word_and_cuts_at_spaces() -> None:
    words = [f"w{i}" for i in range(3000)]
    pieces = split_message(" ".join(words), limit=100)
    assert all(len(p) <= 100 for p in pieces)
    assert " ".join(pieces).split() == words


def test_split_message_cuts_a_word_longer_than_the_limit() -> None:
    assert split_message("x" * 250, limit=100) == ["x" * 100, "x" * 100, "x" * 50]
    assert split_message("   ") == []
    assert split_message("short") == ["short"]


def test_commands_with_and_without_the_bot_name() -> None:
    say = command_of(message("/say@homevoice_bot  Hello there "))
    assert say is not None and (say.name, say.argument) == ("say", "Hello there")
    lang = command_of(message("/LANG ru"))
    assert lang is not None and (lang.name, lang.argument) == ("lang", "ru")
    assert command_of(message("not a command")) is None
    assert command_of(message("/")) is None


def test_origins_of_forwarded_messages() -> None:
    assert origin_name(MessageOriginUser(NOW, User(7, "Ada", False, last_name="Lovelace"))) == "Ada Lovelace"
    assert origin_name(MessageOriginHiddenUser(NOW, "Anonymous Owl")) == "Anonymous Owl"
    channel = MessageOriginChannel(NOW, Chat(-100, "channel", title="News"), 3)
    assert origin_name(channel) == "News"
    assert origin_name(None) is None


def test_replies_follow_the_senders_language() -> None:
    assert "id" in text("refusal", "ru", user_id=1) and "Это личный бот" in text(
        "refusal", "ru-RU", user_id=1
    )
    assert text("refusal", None, user_id=42).startswith("This is a private bot. Your Telegram user id is 42")
