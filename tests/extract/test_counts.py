"""Counts, golden cases as data (tests/cases/counts.yaml)."""
from __future__ import annotations

import pytest

from extract.counts import extract_counts
from tests.extract.helpers import context_of, load_cases


@pytest.mark.parametrize("case", load_cases("counts"))
def test_counts_case(case):
    rows = extract_counts(context_of(case["text"]))
    got = [[r.kind, r.value, r.total, r.unit, r.status] for r in rows]
    assert got == [e[:5] for e in case["expect"]]
    for r, e in zip(rows, case["expect"]):
        if len(e) > 5:
            assert r.period == e[5]
