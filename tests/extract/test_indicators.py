"""extract.indicators: golden cases (tests/cases/indicators.yaml) and invariants on the samples."""
from __future__ import annotations


import pytest

from extract.prepare import PreparedDoc
from extract.indicators import extract_indicators

from tests.extract.helpers import rows_on_samples, load_cases, context_for_case as context_of, as_checked



@pytest.mark.parametrize("case", load_cases("indicators.yaml"))
def test_golden_case(case):
    rows = extract_indicators(context_of(case))
    expected = case["expect"]
    got = [as_checked(r, e) for r, e in zip(rows, expected)]
    assert len(rows) == len(expected), [(r.value, r.unit, r.subject) for r in rows]
    assert got == expected


@pytest.fixture(scope="module")
def sample_rows() -> list[tuple[PreparedDoc, list]]:
    return rows_on_samples(extract_indicators)


def test_samples_have_rates(sample_rows):
    assert sum(len(rows) for _, rows in sample_rows) > 0


def test_span_holds_the_value(sample_rows):
    for ctx, rows in sample_rows:
        for r in rows:
            quote = ctx.text[r.start:r.end]
            assert "%" in quote or "/" in quote, quote


def test_fields_are_in_the_contract(sample_rows):
    for _, rows in sample_rows:
        for r in rows:
            assert r.unit in ("%", "ratio")
            assert r.comparator in ("eq", "ge", "le", "gt", "lt")
            assert r.role in ("actual", "target", "threshold")
            assert r.criterion_no is None or 1 <= r.criterion_no <= 19
            if r.indicator_id is not None:
                assert int(r.indicator_id.split(".")[0]) == r.criterion_no
            if r.unit == "ratio":
                assert r.value == round(r.numerator / r.denominator, 4)


def test_counts_of_criteria_are_not_rates(sample_rows):
    for ctx, rows in sample_rows:
        for r in rows:
            after = ctx.text[r.end:r.end + 12].lower()
            assert not after.lstrip().startswith(("tiêu chí", "chỉ tiêu", "thôn")), after
