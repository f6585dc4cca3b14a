"""The audit of one document: golden cases as data (tests/cases/audit.yaml) and the samples."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from extract.computations import find_computations
from extract.prepare import PreparedDoc, prepare
from extract.registry import checks, run_checks, run_components
from tests.conftest import SHARED
from tests.extract.helpers import context_of, load_cases

CHECKS = {c.check for c in checks()} | {"other"}
SEVERITIES: dict[str, set[str]] = {}
for _c in checks():
    SEVERITIES.setdefault(_c.check, set()).update(_c.severities)


def audit(ctx: PreparedDoc):
    return run_checks(ctx, run_components(ctx))


@pytest.mark.parametrize("case", load_cases("audit"))
def test_audit_case(case):
    findings = audit(context_of(case["text"]))
    assert Counter(f.check for f in findings) == Counter(case["expect"])


@pytest.mark.parametrize("case", [c for c in load_cases("audit") if c.values[0]["expect"]])
def test_findings_are_well_formed(case):
    ctx = context_of(case["text"])
    for f in audit(ctx):
        assert f.check in CHECKS
        assert f.severity in SEVERITIES[f.check]
        assert f.message and f.evidence
        for start, end in f.evidence:
            assert 0 <= start < end <= len(ctx.text)


def test_arithmetic_message_gives_written_and_computed_values():
    (f,) = audit(context_of("Hiện nay xã có hộ nghèo: 100 - 29 = 71/1.784 = 3,97% ."))
    assert "3,97%" in f.message and "3,98%" in f.message
    ctx = context_of("Hiện nay xã có hộ nghèo: 100 - 29 = 71/1.784 = 3,97% .")
    s, e = f.evidence[0]
    assert ctx.text[s:e] == "71/1.784 = 3,97%"


def test_chained_computation_is_read_side_by_side():
    (comp,) = find_computations("hộ nghèo: 100 - 29 = 71/1.784 = 3,97%")
    assert [len(s.terms) for s in comp.sides] == [2, 2, 1]
    assert comp.sides[2].terms[0].percent and comp.sides[2].terms[0].decimals == 2


def test_count_mismatch_message_names_both_numbers():
    (f,) = audit(context_of("Các tiêu chí chưa đạt có 03 tiêu chí bao gồm:\n1. Tiêu chí số 1: Quy hoạch;\n2. Tiêu chí số 2: Giao thông."))
    assert "3" in f.message and "2 are listed" in f.message


GOLD = sorted((SHARED / "gold" / "seeds").glob("*.json"))


@pytest.mark.skipif(not GOLD, reason="gold annotations not present")
def test_samples_give_exactly_the_gold_findings(sample_docs):
    for path in GOLD:
        gold = json.loads(path.read_text(encoding="utf-8"))
        stem = path.stem
        findings = audit(prepare(sample_docs[stem]))
        got = Counter((f.check, f.severity) for f in findings)
        want = Counter((g["check"], g["severity"]) for g in gold["findings"])
        assert got == want, stem
