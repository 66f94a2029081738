"""``/read``'s words (options, a note's title), the files it reads, and the texts the bot answers with."""

from __future__ import annotations

from datetime import UTC, datetime
from string import Formatter

import pytest
from telegram import Chat, Document, Message, User

from homevoice.adapters.telegram import replies
from homevoice.adapters.telegram.messages import command_of
from homevoice.adapters.telegram.read_options import ReadOptions, ReadOptionsError, parse_read_options
from homevoice.adapters.telegram.reading import readable_name


def test_a_bare_read_and_options_for_a_file() -> None:
    assert parse_read_options("", with_file=True) == ReadOptions()
    assert parse_read_options("1-3", with_file=True) == ReadOptions(chapters="1-3")
    assert parse_read_options("speed=1.2 2,4-6 voice=en_US-joe-medium", with_file=True) == ReadOptions(
        chapters="2,4-6", voice="en_US-joe-medium", speed=1.2
    )
    assert parse_read_options("chapters=5 SPEED=0.8", with_file=True) == ReadOptions(chapters="5", speed=0.8)


def test_the_words_after_the_options_are_a_notes_title() -> None:
    assert parse_read_options("Garden plans", with_file=False) == ReadOptions(title="Garden plans")
    assert parse_read_options("1-2 speed=1.5 Garden   plans for 2027", with_file=False) == ReadOptions(
        chapters="1-2", speed=1.5, title="Garden plans for 2027"
    )
    # Options only lead: "voice=" inside the title is part of it.
    assert parse_read_options("Notes voice=x", with_file=False).title == "Notes voice=x"


def test_a_lone_number_without_a_file_is_a_title() -> None:
    assert parse_read_options("1984", with_file=False) == ReadOptions(title="1984")
    assert parse_read_options("1984", with_file=True) == ReadOptions(chapters="1984")
    assert parse_read_options("chapters=2", with_file=False) == ReadOptions(chapters="2")


@pytest.mark.parametrize(
    ("argument", "word"),
    [
        ("my favourite book", "my"),  # a file takes no title
        ("1-3 please", "please"),
        ("speed=fast", "speed=fast"),
        ("speed=9", "speed=9"),
        ("speed=nan", "speed=nan"),
        ("voice=", "voice="),
        ("3-1", "3-1"),
        ("chapters=0", "chapters=0"),
    ],
)
def test_what_is_not_an_option_is_named_back(argument: str, word: str) -> None:
    with pytest.raises(ReadOptionsError) as caught:
        parse_read_options(argument, with_file=True)
    assert caught.value.word == word


def test_read_is_taken_from_a_files_caption_and_no_other_command_is() -> None:
    now = datetime(2026, 12, 3, tzinfo=UTC)

    def captioned(caption: str) -> Message:
        document = Document("F1", "U1", file_name="book.pdf", mime_type="application/pdf")
        return Message(
            1, now, Chat(5, "private"), from_user=User(5, "Ann", False), document=document, caption=caption
        )

    command = command_of(captioned("/read@homevoice_bot\n1-3 speed=1.2"))
    assert command is not None and (command.name, command.argument) == ("read", "1-3 speed=1.2")
    assert command_of(captioned("/say hello")) is None
    assert command_of(captioned("a book about /read")) is None


def test_readable_files_by_name_or_type() -> None:
    assert readable_name("Book.EPUB", None) == "Book.EPUB"
    assert readable_name("../../notes.md", "application/octet-stream") == "notes.md"
    assert readable_name("scan", "application/pdf") == "scan.pdf"
    assert readable_name(None, "text/plain; charset=utf-8") == "document.txt"
    assert readable_name("song.mp3", "audio/mpeg") is None
    assert readable_name("archive.zip", "application/zip") is None


def test_every_reply_has_both_languages_with_the_same_fields() -> None:
    english, russian = replies._TEXTS["en"], replies._TEXTS["ru"]
    assert english.keys() == russian.keys()
    for name in english:
        fields_en = {f for _, f, _, _ in Formatter().parse(english[name]) if f}
        fields_ru = {f for _, f, _, _ in Formatter().parse(russian[name]) if f}
        assert fields_en == fields_ru, name
