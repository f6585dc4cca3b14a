"""Criteria statements, golden cases as data (tests/cases/criteria.yaml)."""
from __future__ import annotations

import pytest

from extract.criteria import extract_criteria
from tests.extract.helpers import context_of, load_cases


@pytest.mark.parametrize("case", load_cases("criteria"))
def test_criteria_case(case):
    ctx = context_of(case["text"])
    rows = extract_criteria(ctx)
    got = [[r.criterion_no, r.status] for r in rows]
    assert got == [e[:2] for e in case["expect"]]
    for r, e in zip(rows, case["expect"]):
        if len(e) > 2:
            assert r.period == e[2], (r, e)
    if "set" in case:
        assert ctx.criteria_set == case["set"]
        assert all(r.criteria_set == case["set"] for r in rows)


def test_spans_hold_the_criterion(sample_docs):
    from extract.prepare import PreparedDoc, prepare

    for doc in sample_docs.values():
        for r in extract_criteria(prepare(doc)):
            quote = doc.text[r.start:r.end].lower()
            assert str(r.criterion_no) in quote or "mục tiêu" in quote or r.rule != "criteria.local_status"
