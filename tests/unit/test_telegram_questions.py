"""Which voice messages are questions, the /voice preference, and answers and results as chat text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from homevoice.adapters.telegram.citations import answer_text, excerpt, found_text
from homevoice.capture.note import Heard
from homevoice.capture.questions import ask_caption, question_after_ask_word
from homevoice.capture.records import CaptureKey, CaptureKind, CaptureRecord
from homevoice.capture.store import CaptureStore
from homevoice.knowledge.links import spoken
from homevoice.knowledge.model import Answer, Passage
from homevoice.services.capture import question_of


@pytest.mark.parametrize(
    ("transcript", "question"),
    [
        ("Ask, when did I plant the tomatoes?", "when did I plant the tomatoes?"),
        ("ask what is on the reading list", "what is on the reading list"),
        ("ASK: where is the bike chain?", "where is the bike chain?"),
        ("Вопрос: когда я бегу полумарафон?", "когда я бегу полумарафон?"),
        ("вопрос, что купить на дачу", "что купить на дачу"),
        ("ВОПРОС — где ключи?", "где ключи?"),
        (" ... Ask. Which herbs go by the kitchen?", "Which herbs go by the kitchen?"),
        ("«Вопрос» где зонт?", "где зонт?"),
        ("Asking for a friend: is it raining?", None),
        ("Basket of apples", None),
        ("Вопросы к врачу на четверг", None),
        ("Ask.", None),
        ("Вопрос?", None),
        ("I want to ask about the garden", None),
        ("", None),
    ],
)
def test_a_transcript_starting_with_an_ask_word_is_a_question(transcript: str, question: str | None) -> None:
    assert question_after_ask_word(transcript) == question


@pytest.mark.parametrize(
    ("caption", "rest"),
    [
        ("/ask", ""),
        ("/ASK@homevoice_test_bot", ""),
        ("/ask about the garden", "about the garden"),
        ("ask", ""),
        ("Ask!", ""),
        ("вопрос", ""),
        ("Вопрос:", ""),
        ("  вопрос про дачу", "про дачу"),
        ("/read", None),
        ("/asked", None),
        ("#garden idea", None),
        ("asked already", None),
        ("", None),
    ],
)
def test_a_caption_marks_a_voice_message_as_a_question(caption: str, rest: str | None) -> None:
    assert ask_caption(caption) == rest


def _record(kind: CaptureKind, caption: str = "") -> CaptureRecord:
    return CaptureRecord(CaptureKey(1, 2), user_id=1, kind=kind, sent_at=0.0, text=caption)


def _heard(text: str, error: str | None = None) -> Heard:
    return Heard(text, "en", "tiny.en", 3.0, error)


def test_question_of_a_capture() -> None:
    voice, audio = CaptureKind.VOICE, CaptureKind.AUDIO
    assert question_of(_record(voice), _heard("Ask: where are the keys?")) == "where are the keys?"
    assert question_of(_record(voice, "/ask"), _heard("Where are the keys?")) == "Where are the keys?"
    assert question_of(_record(voice, "вопрос про дачу"), _heard("что посадить?")) == "про дачу что посадить?"
    # Captioned as a question but not heard: still a question (the chat is told), never a note.
    assert question_of(_record(voice, "/ask"), _heard("", "the file is damaged")) == ""
    assert question_of(_record(voice, "#garden"), _heard("Where are the keys?")) is None
    assert question_of(_record(voice), _heard("Buy oat milk.")) is None
    assert question_of(_record(audio, "/ask"), _heard("Ask: where are the keys?")) is None  # a recording
    assert question_of(_record(voice, "/ask"), None) is None


def test_voice_replies_are_kept_per_person_and_added_to_an_older_database(tmp_path: Path) -> None:
    path = tmp_path / "captures.sqlite"
    old = sqlite3.connect(path)
    old.executescript("CREATE TABLE preferences (user_id INTEGER PRIMARY KEY, language TEXT);")
    old.execute("INSERT INTO preferences VALUES (7, 'ru')")
    old.commit()
    old.close()

    store = CaptureStore(path)
    assert store.language(7) == "ru" and store.voice_replies(7) is False
    store.set_voice_replies(7, True)
    store.set_voice_replies(8, True)
    store.set_voice_replies(8, False)
    store.set_language(9, "en")
    store.close()

    again = CaptureStore(path)
    assert (again.voice_replies(7), again.voice_replies(8), again.voice_replies(9)) == (True, False, False)
    assert again.language(7) == "ru" and again.language(9) == "en"
    again.close()


GARDEN = Passage(
    "Projects/Garden plans.md", "Garden plans", "Tomatoes", None, "Plant them by the fence.", 1.0
)
GARDEN_HERBS = Passage(
    "Projects/Garden plans.md", "Garden plans", "Herbs", None, "Herbs by the kitchen.", 0.9
)
MANUAL = Passage("Manuals/Bike.pdf", "Bike manual", None, 3, "Oil the chain monthly.", 0.5)


def test_an_answer_lists_each_source_once_by_title_and_link() -> None:
    answer = Answer(
        "Along the south fence [[Projects/Garden plans#Tomatoes]].", [GARDEN, GARDEN, MANUAL], "m"
    )
    assert answer_text(answer, "en") == (
        "Along the south fence [[Projects/Garden plans#Tomatoes]].\n\n"
        "Sources:\n"
        "• Garden plans › Tomatoes — [[Projects/Garden plans#Tomatoes]]\n"
        "• Bike manual, page 3 — [[Manuals/Bike.pdf#page=3]]"
    )
    spoken_question = answer_text(Answer("Вдоль забора.", [GARDEN], "m"), "ru", "где томаты?")
    assert spoken_question.startswith("❓ где томаты?\n\nВдоль забора.\n\nИсточники:\n• Garden plans")
    assert (
        answer_text(Answer("", [], "m"), "en")
        == "The model gave no answer; the sources below may still help."
    )


def test_found_notes_show_title_heading_path_and_an_excerpt_once_per_note() -> None:
    long = Passage("Inbox/Walk.md", "Walk", None, None, "word " * 80, 0.4)
    text = found_text([GARDEN, GARDEN_HERBS, MANUAL, long], "garden", "en")
    assert text.startswith("🔎 Notes for “garden”:\n\n1. Garden plans › Tomatoes\nProjects/Garden plans.md\n")
    assert "Herbs by the kitchen" not in text  # the note's best passage only
    assert "2. Bike manual, page 3\nManuals/Bike.pdf\nOil the chain monthly." in text
    assert "3. Walk\nInbox/Walk.md\nword word" in text and text.endswith("…")
    assert found_text([GARDEN, MANUAL, long], "x", "en", limit=1).count("\n\n") == 1
    assert found_text([], "кот", "ru") == "Заметок по запросу «кот» не нашлось."


def test_excerpts_and_spoken_answers() -> None:
    assert excerpt("  Short\n text. ") == "Short text."
    cut = excerpt("alpha beta gamma delta " * 20, limit=40)
    assert len(cut) <= 40 and cut.endswith("…") and not cut.endswith(" …")
    assert spoken("By the fence [[Projects/Garden plans#Tomatoes]]. Water daily ([[Care]]).") == (
        "By the fence. Water daily."
    )
    assert spoken("[[Only a link]]") == ""
