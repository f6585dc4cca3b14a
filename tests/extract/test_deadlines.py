"""extract.deadlines: golden cases (tests/cases/deadlines.yaml) and invariants on the samples."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extract.context import DocContext
from extract.deadlines import extract_deadlines
from extract.dates import parse_date_partial
from extract.records import DocumentMeta
from normalize.document import NormalizedDoc
from normalize.pipeline import normalize_path, normalize_text

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))


def load_cases(name: str) -> list:
    """One pytest.param per case; a case with `xfail` runs as a strict xfail."""
    cases = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))["cases"]
    params = []
    for i, case in enumerate(cases):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        params.append(pytest.param(case, id=f"{i:03d}-{case['text'][:40]}", marks=marks))
    return params


def context_of(case: dict) -> DocContext:
    """A context for a short passage; `set` and `meta` stand in for what a whole document says."""
    text = normalize_text(case["text"])
    ctx = DocContext(NormalizedDoc(doc_id="t", path="t.txt", file_type="txt", text=text))
    ctx.meta  # computed from the passage, then overridden below
    if "meta" in case:
        ctx.__dict__["meta"] = DocumentMeta(**case["meta"])
    if "set" in case:
        ctx.__dict__["criteria_set"] = case["set"]
    return ctx


def as_checked(row, expected: dict) -> dict:
    """The row's fields that the expectation names, numbers rounded as the scorer does."""
    out = {}
    for key in expected:
        value = getattr(row, key)
        out[key] = round(value, 4) if isinstance(value, float) else value
    return out


@pytest.mark.parametrize("case", load_cases("deadlines.yaml"))
def test_golden_case(case):
    rows = extract_deadlines(context_of(case))
    expected = case["expect"]
    got = [as_checked(r, e) for r, e in zip(rows, expected)]
    assert len(rows) == len(expected), [(r.due, r.relation, r.task) for r in rows]
    assert got == expected


@pytest.fixture(scope="module")
def sample_rows() -> list[tuple[DocContext, list]]:
    out = []
    for p in SAMPLES:
        ctx = DocContext(normalize_path(p))
        out.append((ctx, extract_deadlines(ctx)))
    return out


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
