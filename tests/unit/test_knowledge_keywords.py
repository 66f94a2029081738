"""Search terms: Russian and English stems, ё, stopwords, numbers and codes whole."""

from __future__ import annotations

import threading

import pytest

from homevoice.knowledge.keywords import query_terms, stem, terms


@pytest.mark.parametrize(
    ("forms", "language"),
    [
        (["отпуск", "отпуска", "отпуском", "отпуску"], "ru"),
        (["страховка", "страховки", "страховку", "страховкой"], "ru"),
        (["renew", "renewing", "renewed", "renews"], "en"),
        (["garden", "gardens", "gardening"], "en"),
    ],
)
def test_word_forms_meet_at_one_stem(forms: list[str], language: str) -> None:
    assert len({stem(form) for form in forms}) == 1, language


def test_case_and_yo_are_folded() -> None:
    assert terms("Ёлка ЕЛКА ёлка") == [stem("елка")] * 3
    assert terms("Серёга") == terms("Серега")


def test_stopwords_of_both_languages_are_dropped() -> None:
    assert terms("What did I write about the boiler?") == ["write", "boiler"]
    assert terms("Что я писал про котёл?") == [stem("писал"), stem("котел")]


def test_codes_and_numbers_stay_whole_with_their_parts() -> None:
    assert terms("Error ERR-4411 on v2.3.1") == ["error", "err-4411", "err", "4411", "v2.3.1", "v2"]
    assert terms("192.168.1.20") == ["192.168.1.20", "192", "168", "20"]
    assert terms("в 2026 году") == ["2026", stem("году")]
    assert terms("AX99812") == ["ax99812"]


def test_hyphenated_words_are_stemmed_by_part() -> None:
    assert terms("темно-синий well-known") == [stem("темно"), stem("синий"), "well", stem("known")]


def test_mixed_and_other_scripts() -> None:
    assert terms("Wi-Fi пароль 東京") == ["wi", "fi", stem("пароль"), "東京"]


def test_punctuation_and_markup_are_not_terms() -> None:
    assert terms('"quoted" (paren) -- ... #tag') == ["quot", "paren", "tag"]
    assert terms("") == []


def test_query_terms_are_distinct_in_order() -> None:
    assert query_terms("boiler boilers and the boiler room") == ["boiler", "room"]


def test_stemming_is_safe_from_many_threads() -> None:
    words = [f"страховка{n}" for n in range(200)] + ["страховками", "renewals"]
    expected = [terms(word) for word in words]
    results: list[list[list[str]]] = []

    def work() -> None:
        results.append([terms(word) for word in words])

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
