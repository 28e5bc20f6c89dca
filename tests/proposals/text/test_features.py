"""The terms that describe a proposal (proposals.text.features)."""

from __future__ import annotations

import math

from proposals.text import features


def test_boilerplate_and_function_characters_leave_no_terms():
    found = features.counts("关于进一步加强居家养老服务的提案", "一是加大投入；二是培养队伍。")
    assert "养老" in found and "居家养老" in found
    for gone in ("关于", "提案", "一步", "步加", "一是", "的提", "务的"):
        assert gone not in found, gone


def test_the_title_counts_three_times():
    found = features.counts("养老", "养老")
    assert found["养老"] == 1 + features.TITLE_TIMES


def test_a_vector_keeps_the_strongest_terms_at_unit_length():
    found = {"养老": 3, "护理": 1, "床位": 1}
    vector = features.vector(found, {"养老": 1, "护理": 50, "床位": 1}, 100, keep=2)
    assert set(vector) == {"养老", "床位"}  # 护理 is common in the corpus
    assert math.isclose(sum(w * w for w in vector.values()), 1.0)
    assert math.isclose(features.cosine(vector, vector), 1.0)


def test_a_term_in_most_proposals_is_left_out_once_there_are_enough_to_tell():
    found = {"养老": 1, "发展": 1}
    frequencies = {"养老": 10, "发展": 900}
    assert set(features.vector(found, frequencies, 1000, keep=10)) == {"养老"}
    assert set(features.vector(found, {"养老": 1, "发展": 90}, 100, keep=10)) == {"养老", "发展"}
