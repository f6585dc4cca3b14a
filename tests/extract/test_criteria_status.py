"""The derived criteria_status rows and the status_conflict check, golden cases as data."""
from __future__ import annotations

import json

import pytest

from extract.criteria_status import check_status_conflict, extract_criteria_status
from tests.extract.helpers import context_of, load_cases


@pytest.mark.parametrize("case", load_cases("criteria_status"))
def test_criteria_status_case(case):
    ctx = context_of(case["text"])
    rows = extract_criteria_status(ctx)
    got = [[r.criterion_no, r.status, r.basis] for r in rows]
    assert got == case["expect"]
    if "period" in case:
        assert {r.period for r in rows} == {case["period"]}
    for r in rows:
        spans = json.loads(r.evidence)
        assert spans and all(0 <= s < e <= len(ctx.text) for s, e in spans)
    conflicts = check_status_conflict(ctx, {"criteria_status": rows})
    assert len(conflicts) == sum(r.status == "unknown" for r in rows)
    for f in conflicts:
        assert f.check == "status_conflict" and len(f.evidence) >= 2


def test_inferred_rows_rest_on_the_count_and_the_stated_shortfalls():
    text = "Năm 2023 xã đạt 17/19 tiêu chí; 2 tiêu chí chưa đạt là tiêu chí số 15 về Y tế và tiêu chí số 17 về Môi trường."
    ctx = context_of(text)
    inferred = [r for r in extract_criteria_status(ctx) if r.basis == "inferred"]
    quotes = {ctx.text[s:e] for s, e in json.loads(inferred[0].evidence)}
    assert any("17/19" in q for q in quotes)
    assert any("15" in q for q in quotes) and any("17" in q and "/" not in q for q in quotes)
