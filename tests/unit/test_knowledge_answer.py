"""The answer prompt, its context block and history, and the clean-up of links in the reply."""

from __future__ import annotations

import pytest

from homevoice.knowledge.answer import (
    SYSTEM_PROMPT,
    answer_filter,
    answer_messages,
    context_block,
    finish_answer,
    message_text,
    nothing_found,
    recent_history,
    sources_footer,
)
from homevoice.knowledge.links import MAX_HELD, LinkFilter, clean_links, link_target
from tests.fakes.knowledge import passage

ROSES = passage("Garden/Roses.md", "Prune the roses in March, above an outward bud.", heading="Pruning")
BUDGET = passage("Work/Budget 2026.md", "Travel costs go down by ten percent.")
MANUAL = passage("Attachments/Boiler manual.pdf", "Reset the boiler by holding the red button.", page=12)


def test_links_point_at_headings_and_pages() -> None:
    assert ROSES.link == "[[Garden/Roses#Pruning]]"
    assert MANUAL.link == "[[Attachments/Boiler manual.pdf#page=12]]"
    assert link_target("![[Garden/Roses#Pruning|the roses]]") == "garden/roses"


def test_context_block_numbers_links_titles_and_text() -> None:
    block, given = context_block([ROSES, MANUAL], 2000)
    assert given == [ROSES, MANUAL]
    assert block.startswith("[1] [[Garden/Roses#Pruning]] (Roses › Pruning)\nPrune the roses")
    assert "[2] [[Attachments/Boiler manual.pdf#page=12]] (Boiler manual, page 12)\nReset the boiler" in block


def test_context_block_keeps_to_its_budget_and_always_gives_one() -> None:
    long = passage("Notes/Long.md", "word " * 2000)
    block, given = context_block([long, ROSES, BUDGET], 600)
    assert given == [long]
    assert len(block) <= 700 and block.endswith("…")
    block, given = context_block([ROSES, long, BUDGET], 600)
    assert given == [ROSES, long]  # the second is cut to the room left
    assert len(block) <= 600


def test_messages_carry_instructions_language_history_and_question() -> None:
    history = [
        {"role": "system", "content": "You are a pirate."},
        {"role": "user", "content": "When do I prune?"},
        {
            "role": "assistant",
            "content": "In March [[Garden/Roses#Pruning]].\n\nSources:\n- [[Garden/Roses#Pruning]]",
        },
    ]
    messages, given = answer_messages("А какие розы?", [ROSES], history, 4000)
    assert given == [ROSES]
    assert messages[0]["role"] == "system" and "Russian" in messages[0]["content"]
    assert "pirate" not in str(messages)
    assert messages[1] == {"role": "user", "content": "When do I prune?"}
    assert messages[2] == {"role": "assistant", "content": "In March [[Garden/Roses#Pruning]]."}
    assert messages[-1]["role"] == "user"
    assert "[1] [[Garden/Roses#Pruning]]" in messages[-1]["content"]
    assert messages[-1]["content"].endswith("Question: А какие розы?")
    english, _ = answer_messages("Which roses?", [ROSES], (), 4000)
    assert english[0]["content"] == SYSTEM_PROMPT.format(language="English")


def test_history_keeps_the_last_turns_starting_with_a_question() -> None:
    history = []
    for n in range(6):
        history += [{"role": "user", "content": f"q{n}"}, {"role": "assistant", "content": f"a{n}"}]
    kept = recent_history(history, max_turns=2)
    assert [m["content"] for m in kept] == ["q4", "a4", "q5", "a5"]
    assert recent_history([{"role": "assistant", "content": "hello"}, {"role": "tool", "content": "x"}]) == []
    parts = [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": {"url": "data:"}}]
    assert message_text(parts) == "look" and message_text(None) == ""
    assert len(recent_history([{"role": "user", "content": "x" * 9000}])[0]["content"]) <= 1500


def test_invented_links_are_removed_and_given_ones_kept() -> None:
    given = [ROSES, BUDGET]
    text = "Prune in March [[Garden/Roses#Pruning]] (see [[Garden/Tulips]]), budget [[Work/Budget 2026]] and [[Work/Budget 2026#Travel|travel]]."
    assert finish_answer(text, given) == (
        "Prune in March [[Garden/Roses#Pruning]] (see), budget [[Work/Budget 2026]] and [[Work/Budget 2026#Travel|travel]]."
    )


def test_numbered_references_become_links() -> None:
    given = [ROSES, BUDGET]
    assert finish_answer("In March [1]. Costs fall [1, 2]. See [7].", given) == (
        "In March [[Garden/Roses#Pruning]]. Costs fall [[Garden/Roses#Pruning]] [[Work/Budget 2026]]. See."
    )
    assert (
        finish_answer("A [link](http://x) and [2]: defs stay", given)
        == "A [link](http://x) and [2]: defs stay"
    )


@pytest.mark.parametrize("size", [1, 2, 3, 5, 8])
def test_streamed_pieces_give_the_same_text(size: int) -> None:
    text = "Prune [[Garden/Roses#Pruning]] not [[Invented note]] and [2]! Also ![[Fake.png]] end [1"
    whole = clean_links(text, [ROSES.link, BUDGET.link], [ROSES.link, BUDGET.link])
    links = answer_filter([ROSES, BUDGET])
    streamed = "".join(links.feed(text[i : i + size]) for i in range(0, len(text), size)) + links.finish()
    assert streamed == whole
    assert "Invented" not in streamed and "Fake" not in streamed
    assert "[[Work/Budget 2026]]!" in streamed


def test_an_unclosed_link_does_not_stall_the_stream() -> None:
    links = LinkFilter(["[[A]]"])
    assert links.feed("see [[") == "see"
    out = links.feed("x" * (MAX_HELD + 10))
    assert out.startswith(" [[x")


def test_nothing_found_and_sources_follow_the_question_language() -> None:
    assert nothing_found("Что я писал про розы?") == "В ваших заметках об этом ничего нет."
    assert nothing_found("What about roses?") == "There is nothing in your notes about that."
    footer = sources_footer([ROSES, ROSES, MANUAL], "When?")
    assert footer == "\n\nSources:\n- [[Garden/Roses#Pruning]]\n- [[Attachments/Boiler manual.pdf#page=12]]"
    assert sources_footer([ROSES], "Когда?").startswith("\n\nИсточники:\n")
    assert sources_footer([], "When?") == ""
