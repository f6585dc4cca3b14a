"""extract.deadlines: golden cases (tests/cases/deadlines.yaml) and invariants on the samples."""
from __future__ import annotations


import pytest

from extract.prepare import PreparedDoc
from extract.deadlines import extract_deadlines
from extract.dates import parse_date_partial

from tests.extract.helpers import rows_on_samples, load_cases, context_for_case as context_of, as_checked



@pytest.mark.parametrize("case", load_cases("deadlines.yaml"))
def test_golden_case(case):
    rows = extract_deadlines(context_of(case))
    expected = case["expect"]
    got = [as_checked(r, e) for r, e in zip(rows, expected)]
    assert len(rows) == len(expected), [(r.due, r.relation, r.task) for r in rows]
    assert got == expected


@pytest.fixture(scope="module")
def sample_rows() -> list[tuple[PreparedDoc, list]]:
    return rows_on_samples(extract_deadlines)


def test_samples_have_deadlines(sample_rows):
    assert sum(len(rows) for _, rows in sample_rows) > 0


def test_span_holds_the_date(sample_rows):
    for ctx, rows in sample_rows:
        for r in rows:
            assert r.due[:4] in ctx.text[r.start:r.end]


def test_fields_are_in_the_contract(sample_rows):
    for _, rows in sample_rows:
        for r in rows:
            assert r.precision in ("day", "month", "quarter", "year")
            assert r.relation in ("before", "by", "during")
            assert r.criterion_no is None or 1 <= r.criterion_no <= 19
            assert r.task
            assert parse_date_partial(r.due) == (r.due, r.precision)


def test_no_deadline_in_a_citation(sample_rows):
    for ctx, rows in sample_rows:
        for r in rows:
            assert "QĐ" not in ctx.text[max(0, r.start - 30):r.start]
