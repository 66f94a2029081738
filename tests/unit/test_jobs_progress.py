"""Overall progress of a chunked job, the publishing throttle, and chunk assembly."""

from __future__ import annotations

import pytest

from homevoice.engines.base import Segment, Transcript, Word
from homevoice.jobs.assembly import merge, shift
from homevoice.jobs.progress import Throttle, overall_progress

SPANS = [(0, 300), (300, 400), (400, 1000)]


@pytest.mark.parametrize(
    ("done", "fraction", "expected"),
    [
        (0, 0.0, 0.0),
        (0, 0.5, 0.15),
        (1, 0.0, 0.3),
        (1, 1.0, 0.4),
        (2, 0.5, 0.7),
        (3, 0.0, 1.0),
        (2, 7.0, 1.0),  # an engine overshooting is clamped
        (1, -1.0, 0.3),
    ],
)
def test_progress_is_weighted_by_chunk_duration(done: int, fraction: float, expected: float) -> None:
    assert overall_progress(SPANS, done, fraction) == pytest.approx(expected)


def test_progress_of_empty_plans() -> None:
    assert overall_progress([], 0, 0.0) == 1.0
    assert overall_progress([(0, 0)], 0, 0.5) == 0.0
    assert overall_progress([(0, 0)], 1, 0.0) == 1.0


def test_throttle_lets_one_call_through_per_interval() -> None:
    now = [100.0]
    throttle = Throttle(1.0, clock=lambda: now[0])
    assert throttle.ready()
    now[0] += 0.5
    assert not throttle.ready()
    now[0] += 0.5
    assert throttle.ready()
    assert not throttle.ready()


def _part(language: str, *segments: tuple[float, float, str]) -> Transcript:
    return Transcript(
        text=" ".join(t for _, _, t in segments),
        language=language,
        duration=segments[-1][1] if segments else 0.0,
        segments=tuple(
            Segment(i, a, b, t, words=(Word(a, b, t, 0.5),)) for i, (a, b, t) in enumerate(segments)
        ),
        language_probability=0.9,
    )


def test_shift_moves_segments_and_words() -> None:
    shifted = shift(_part("en", (0.0, 1.0, "a"), (1.5, 2.0, "b")), 30.0)
    assert [(s.start, s.end) for s in shifted.segments] == [(30.0, 31.0), (31.5, 32.0)]
    assert [(w.start, w.end) for w in shifted.words] == [(30.0, 31.0), (31.5, 32.0)]


def test_merge_renumbers_and_keeps_the_first_language() -> None:
    merged = merge(
        [_part("de", (0.0, 1.0, "eins")), shift(_part("en", (0.0, 2.0, "zwei"), (2.0, 3.0, "drei")), 29.0)],
        duration=32.5,
    )
    assert [s.id for s in merged.segments] == [0, 1, 2]
    assert merged.text == "eins zwei drei"
    assert (merged.language, merged.language_probability, merged.duration) == ("de", 0.9, 32.5)
    assert merged.segments[1].start == 29.0


def test_merge_takes_the_language_of_the_first_chunk_with_speech() -> None:
    merged = merge([_part("cy"), _part("ru", (0.0, 1.0, "да"))], duration=60.0)
    assert merged.language == "ru" and merged.text == "да"


def test_merge_of_silence_is_empty() -> None:
    merged = merge([_part("en"), _part("en")], duration=60.0)
    assert merged.text == "" and merged.segments == () and merged.duration == 60.0
