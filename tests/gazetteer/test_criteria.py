"""gazetteer.criteria: the criteria catalogue and name lookups."""
from __future__ import annotations

import pytest
import regex

from gazetteer.criteria import (
    TERM_VARIANTS,
    canonical_name,
    criteria_sets,
    criterion_for_subject,
    find_criterion_names,
    indicator_count,
    number_for_name,
    sets_for_name,
    term_pattern,
)
from gazetteer.text import fold
from tests.gazetteer.cases import cases


def test_catalogue_shape():
    sets = criteria_sets()
    assert set(sets) == {"ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"}
    for cset in sets.values():
        assert sorted(cset.criteria) == list(range(1, 20)), cset.id
        assert cset.sources, cset.id
    assert {s.level for s in sets.values()} == {"basic", "advanced", "model"}
    assert sets["ntm-km-2021"].criteria == sets["ntm-nc-2021"].criteria
    assert sets["ntm-2021"].decision == "318/QĐ-TTg"
    assert len(sets["ntm-km-2021"].conditions) == 4


def test_indicator_ids_belong_to_their_criterion():
    for cset in criteria_sets().values():
        for number, criterion in cset.criteria.items():
            for ind_id in criterion.indicators:
                assert ind_id.split(".")[0] == str(number), (cset.id, ind_id)


def test_declared_indicator_counts_match_the_lists():
    for cset in criteria_sets().values():
        listed = sum(len(c.indicators) for c in cset.criteria.values())
        if cset.indicator_count is not None:
            assert listed == cset.indicator_count, cset.id


@pytest.mark.parametrize("case", cases("criteria", "sets_for_name"))
def test_sets_for_name(case):
    assert sets_for_name(case["number"], case["name"]) == set(case["sets"])


@pytest.mark.parametrize("case", cases("criteria", "number_for_name"))
def test_number_for_name(case):
    assert number_for_name(case["set"], case["name"]) == case["number"]


@pytest.mark.parametrize("case", cases("criteria", "canonical_name"))
def test_canonical_name(case):
    assert canonical_name(case["set"], case["number"]) == case["name"]


@pytest.mark.parametrize("case", cases("criteria", "indicator_count"))
def test_indicator_count(case):
    assert indicator_count(case["set"]) == case["count"]


@pytest.mark.parametrize("case", cases("criteria", "find_names"))
def test_find_criterion_names(case):
    set_id = case["set"]
    matches = find_criterion_names(case["text"], set_id)
    for m in matches:
        assert case["text"][m.start : m.end] == m.written
    got = [[m.written, m.number_by_set.get(set_id or "ntm-2021")] for m in matches]
    assert got == case["expect"]


@pytest.mark.parametrize("case", cases("criteria", "subject"))
def test_criterion_for_subject(case):
    expected = None if case["criterion"] is None else (case["criterion"], case["indicator"])
    assert criterion_for_subject(case["subject"], case["set"]) == expected


@pytest.mark.parametrize("case", cases("criteria", "term_variants"))
def test_term_pattern(case):
    text = case["text"]
    m = regex.search(term_pattern(case["term"]), fold(text))
    assert (text[m.start() : m.end()] if m else None) == case["found"]
    m = regex.search(term_pattern(case["term"], folded=False), text)
    assert (m.group() if m else None) == case["found"]


def test_term_variants_come_from_data():
    assert "tiêu trí" in TERM_VARIANTS["tiêu chí"]
