"""split_sentences: where a sentence ends, and where a dot is only an abbreviation or a decimal."""

from __future__ import annotations

import pytest

from homevoice.errors import HomevoiceError
from homevoice.text import split_sentences


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        pytest.param("Привет. Как дела?", "ru", ["Привет.", "Как дела?"], id="simple"),
        pytest.param("Что?! Не может быть!", "ru", ["Что?!", "Не может быть!"], id="question-exclamation"),
        pytest.param(
            "Он сказал: «Привет!» И ушёл.", "ru", ["Он сказал: «Привет!»", "И ушёл."], id="closing-quote"
        ),
        pytest.param("«Куда?» — спросил он.", "ru", ["«Куда?» — спросил он."], id="dialogue-attribution"),
        pytest.param("— Да. — Нет.", "ru", ["— Да.", "— Нет."], id="dialogue-lines"),
        pytest.param(
            "А. С. Пушкин родился в 1799 г. в Москве.",
            "ru",
            ["А. С. Пушкин родился в 1799 г. в Москве."],
            id="initials-and-year",
        ),
        pytest.param(
            "Встреча в 2024 г. Потом отпуск.", "ru", ["Встреча в 2024 г.", "Потом отпуск."], id="year-ends"
        ),
        pytest.param(
            "Число пи равно 3,14. Это известно.",
            "ru",
            ["Число пи равно 3,14.", "Это известно."],
            id="decimal-comma",
        ),
        pytest.param("Цена 3.14 руб. за штуку.", "ru", ["Цена 3.14 руб. за штуку."], id="decimal-dot"),
        pytest.param("Ну... ладно.", "ru", ["Ну... ладно."], id="ellipsis-lowercase"),
        pytest.param("Подождите... Я иду.", "ru", ["Подождите...", "Я иду."], id="ellipsis-capital"),
        pytest.param("Хм… Ладно.", "ru", ["Хм…", "Ладно."], id="ellipsis-char"),
        pytest.param("Т.е. он прав. Да.", "ru", ["Т.е. он прав.", "Да."], id="te"),
        pytest.param("Это, т. е. пример, хорош.", "ru", ["Это, т. е. пример, хорош."], id="te-spaced"),
        pytest.param(
            "Яблоки, груши и т. д. Потом мы ушли.",
            "ru",
            ["Яблоки, груши и т. д.", "Потом мы ушли."],
            id="itd-ends",
        ),
        pytest.param(
            "Он живёт на ул. Ленина в г. Москва.",
            "ru",
            ["Он живёт на ул. Ленина в г. Москва."],
            id="street-city",
        ),
        pytest.param("Проф. Иванов пришёл.", "ru", ["Проф. Иванов пришёл."], id="professor"),
        pytest.param("См. рис. 3 ниже.", "ru", ["См. рис. 3 ниже."], id="see-figure"),
        pytest.param("Мы купили 5 кг. Потом ушли.", "ru", ["Мы купили 5 кг.", "Потом ушли."], id="unit-ends"),
        pytest.param("строка один\nстрока два", "ru", ["строка один", "строка два"], id="newline"),
        pytest.param("один\n\n\nдва\r\nтри", "ru", ["один", "два", "три"], id="blank-lines"),
        pytest.param(
            "J. R. R. Tolkien wrote books. He died in 1973.",
            "en",
            ["J. R. R. Tolkien wrote books.", "He died in 1973."],
            id="en-initials",
        ),
        pytest.param(
            "Dr. Smith arrived. Mr. Jones left.",
            "en",
            ["Dr. Smith arrived.", "Mr. Jones left."],
            id="en-titles",
        ),
        pytest.param(
            'He said "Stop." Then he left.', "en", ['He said "Stop."', "Then he left."], id="en-quote"
        ),
        pytest.param("It costs $5.50. Cheap!", "en", ["It costs $5.50.", "Cheap!"], id="en-decimal"),
        pytest.param(
            "No. 5 is here. No. It is not.",
            "en",
            ["No. 5 is here.", "No.", "It is not."],
            id="en-number-vs-no",
        ),
        pytest.param("Fruit, e.g. apples, is good.", "en", ["Fruit, e.g. apples, is good."], id="en-eg"),
        pytest.param("Wait (really?) yes.", "en", ["Wait (really?) yes."], id="en-lowercase-after"),
        pytest.param("No terminator at the end", "en", ["No terminator at the end"], id="no-terminator"),
        pytest.param("   ", "en", [], id="blank"),
    ],
)
def test_split_sentences(text: str, language: str, expected: list[str]) -> None:
    assert split_sentences(text, language) == expected


def test_an_unsupported_language_is_an_error() -> None:
    with pytest.raises(HomevoiceError) as info:
        split_sentences("Hallo.", "de")
    assert info.value.code == "unsupported_language"
