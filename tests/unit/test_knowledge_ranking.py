"""The ranking's rules, one by one, on made-up scores."""

from __future__ import annotations

import math

import numpy as np
import pytest

from homevoice.knowledge.ranking import (
    KEYWORD_GATE,
    KEYWORD_WEIGHT,
    NOTE_BONUS,
    SCRIPT_SHRINK,
    Hit,
    Ranked,
    best_per_source,
    coverage,
    fuse,
    idf,
    keyword_evidence,
    plain,
    script_offsets,
    source_ranks,
    term_weights,
)


def test_best_per_source_keeps_each_sources_best_passage_in_score_order() -> None:
    side = [Hit("a-0", "a", 0.5), Hit("b-0", "b", 0.9), Hit("a-1", "a", 0.7), Hit("c-0", "c", 0.1)]
    assert best_per_source(side) == [Hit("b-0", "b", 0.9), Hit("a-1", "a", 0.7), Hit("c-0", "c", 0.1)]
    assert best_per_source([]) == []


def test_ties_keep_the_order_they_came_in() -> None:
    side = [Hit("x-0", "x", 0.5), Hit("y-0", "y", 0.5)]
    assert [h.source for h in best_per_source(side)] == ["x", "y"]


def test_source_ranks_are_one_based_by_best_passage() -> None:
    side = [Hit("a-0", "a", 0.2), Hit("b-0", "b", 0.3), Hit("a-1", "a", 0.9)]
    assert source_ranks(side) == {"a": 1, "b": 2}


def test_plain_ranking_is_one_passage_per_source_up_to_the_limit() -> None:
    side = [Hit(f"{s}-{n}", s, 1.0 - 0.1 * n) for s in "abc" for n in range(2)]
    assert plain(side, 2, vector=True) == [Ranked("a-0", "a", 1.0, 1), Ranked("b-0", "b", 1.0, 2)]
    assert plain(side, 1, vector=False) == [Ranked("a-0", "a", 1.0, None, 1)]
    assert len(plain(side, 10, vector=True)) == 3


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float64)
    return vector / np.linalg.norm(vector)


def test_script_offsets_are_the_questions_similarity_to_each_scripts_mean() -> None:
    latin, cyrillic = _unit(1, 0, 0), _unit(0, 1, 0)
    many = 10_000  # so many passages that shrinking towards the overall mean is negligible
    sums = {"latin": (many, latin * many), "cyrillic": (many, cyrillic * many)}
    offsets = script_offsets(_unit(1, 1, 0), sums)
    assert offsets["latin"] == pytest.approx(math.sqrt(0.5), abs=1e-3)
    assert offsets["cyrillic"] == pytest.approx(math.sqrt(0.5), abs=1e-3)
    offsets = script_offsets(_unit(1, 0, 0), sums)
    assert offsets["latin"] > 0.99 and offsets["cyrillic"] < 0.01


def test_a_script_with_few_passages_is_pulled_to_the_overall_mean() -> None:
    latin, cyrillic = _unit(1, 0, 0), _unit(0, 1, 0)
    sums = {"latin": (1000, latin * 1000), "cyrillic": (1, cyrillic)}
    query = _unit(0, 1, 0)
    overall = (latin * 1000 + cyrillic) / 1001
    expected = float(query @ ((cyrillic + SCRIPT_SHRINK * overall) / (1 + SCRIPT_SHRINK)))
    assert script_offsets(query, sums)["cyrillic"] == pytest.approx(expected)
    assert script_offsets(query, sums)["cyrillic"] < 0.1  # one passage does not set its script's offset


def test_one_script_gives_one_offset_for_everything() -> None:
    sums = {"latin": (3, _unit(1, 2, 3) * 3)}
    offsets = script_offsets(_unit(3, 2, 1), sums)
    assert list(offsets) == ["latin"]
    assert script_offsets(_unit(1, 0, 0), {}) == {}


def test_idf_is_positive_and_highest_for_terms_found_nowhere() -> None:
    assert idf(0, 100) > idf(1, 100) > idf(50, 100) > idf(100, 100) > 0
    assert term_weights(["a", "b"], {"a": 10}, 100) == {"a": idf(10, 100), "b": idf(0, 100)}


def test_coverage_is_the_idf_weighted_share_of_question_terms_found() -> None:
    weights = {"boiler": 3.0, "error": 1.0}
    assert coverage(weights, {"boiler", "error", "other"}) == 1.0
    assert coverage(weights, {"boiler"}) == 0.75
    assert coverage(weights, {"error"}) == 0.25
    assert coverage(weights, set()) == 0.0
    assert coverage({}, {"boiler"}) == 0.0


def test_keyword_evidence_counts_only_above_the_gate() -> None:
    assert keyword_evidence(KEYWORD_GATE - 0.01) == 0.0
    assert keyword_evidence(KEYWORD_GATE) == pytest.approx(KEYWORD_WEIGHT * KEYWORD_GATE)
    assert keyword_evidence(1.0) == pytest.approx(KEYWORD_WEIGHT)


def test_fuse_ranks_sources_by_best_passage_plus_keyword_evidence() -> None:
    calibrated = {"a-0": ("a", 0.050), "b-0": ("b", 0.045)}
    assert [r.source for r in fuse(calibrated, {}, 5)] == ["a", "b"]
    # A full keyword match on b is worth more than the 0.005 gap; a weak one is not.
    assert [r.source for r in fuse(calibrated, {"b-0": 1.0}, 5)] == ["b", "a"]
    assert [r.source for r in fuse(calibrated, {"b-0": KEYWORD_GATE / 2}, 5)] == ["a", "b"]


def test_a_strong_keyword_match_does_not_override_a_clear_semantic_winner() -> None:
    calibrated = {"a-0": ("a", 0.09), "b-0": ("b", 0.02)}
    assert [r.source for r in fuse(calibrated, {"b-0": 1.0}, 5)] == ["a", "b"]


def test_other_matching_passages_of_a_source_add_a_bonus() -> None:
    calibrated = {
        "a-0": ("a", 0.050),
        "b-0": ("b", 0.048),
        "b-1": ("b", 0.030),
        "b-2": ("b", 0.020),
        "b-3": ("b", 0.020),  # only the next two count
        "b-4": ("b", -0.5),
    }
    ranked = fuse(calibrated, {}, 5)
    assert [r.source for r in ranked] == ["b", "a"]
    assert ranked[0].id == "b-0"
    assert ranked[0].score == pytest.approx(0.048 + NOTE_BONUS * (0.030 + 0.020))


def test_passages_below_their_scripts_average_add_nothing() -> None:
    ranked = fuse({"a-0": ("a", 0.01), "a-1": ("a", -0.02), "a-2": ("a", -0.03)}, {}, 5)
    assert ranked[0].score == pytest.approx(0.01)


def test_the_shown_passage_is_the_best_after_keywords() -> None:
    calibrated = {"a-0": ("a", 0.040), "a-1": ("a", 0.035)}
    assert fuse(calibrated, {"a-1": 1.0}, 5)[0].id == "a-1"


def test_fuse_keeps_the_limit_and_reports_each_sides_rank() -> None:
    calibrated = {f"{s}-0": (s, 0.1 - 0.01 * n) for n, s in enumerate("abcdef")}
    ranked = fuse(calibrated, {}, 3, vector_ranks={"a": 1, "b": 2}, keyword_ranks={"b": 1})
    assert [(r.source, r.vector_rank, r.keyword_rank) for r in ranked] == [
        ("a", 1, None),
        ("b", 2, 1),
        ("c", None, None),
    ]
    assert fuse({}, {}, 3) == []
