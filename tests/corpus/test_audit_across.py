"""The audit across documents: golden cases as data (tests/cases/audit_across.yaml)."""
from __future__ import annotations

import json
from collections import Counter

import pandas as pd
import pytest

from corpus.audit_across import audit_across, audit_rows
from corpus.schema import CONTRACT_COLUMNS
from tests.extract.helpers import load_cases


@pytest.mark.parametrize("case", load_cases("audit_across"))
def test_audit_across_case(case):
    rows = audit_across(case["documents"], case.get("criteria", []), case.get("counts", []))
    assert Counter((r["doc_id"], r["check_name"]) for r in rows) == Counter(tuple(e) for e in case["expect"])


@pytest.mark.parametrize("case", [c for c in load_cases("audit_across") if c.values[0]["expect"]])
def test_rows_fit_the_findings_table(case):
    for r in audit_across(case["documents"], case.get("criteria", []), case.get("counts", [])):
        assert set(r) == set(CONTRACT_COLUMNS["findings"])
        assert r["severity"] == "warning"
        earlier = next(d for d in case["documents"] if d["doc_id"] != r["doc_id"])
        assert earlier["path"] in r["message"]
        assert r["evidence"] and all(len(span) == 2 for span in r["evidence"])


@pytest.mark.parametrize("case", [c for c in load_cases("audit_across") if c.values[0]["expect"]])
def test_findings_across_documents_are_rebuilt_in_either_language(case):
    from corpus.process import localized

    rows = audit_across(case["documents"], case.get("criteria", []), case.get("counts", []))
    for en, vi in zip(rows, localized(rows, "vi")):
        params = json.loads(en["params"])
        assert params["template"].startswith("across_") and params["earlier"] in vi["message"]
        assert vi["message"] != en["message"] and localized([vi], "en")[0]["message"] == en["message"]


def test_accepts_dataframes_as_the_batch_builds_them():
    (case,) = [c.values[0] for c in load_cases("audit_across") if c.id == "regression-between-two-plans"]
    frames = {k: pd.DataFrame(case.get(k, [])) for k in ("documents", "criteria", "counts")}
    rows = audit_rows(frames)
    assert [(r["doc_id"], r["check_name"]) for r in rows] == [("b", "other")]
    assert "17/19" in rows[0]["message"] and "18/19" in rows[0]["message"]


def test_samples_are_different_communes(sample_run):
    _, tables = sample_run
    assert audit_across(tables.documents, tables.criteria, tables.counts) == []


def test_streaming_collector_keeps_only_what_the_checks_read():
    from corpus.audit_across import ACROSS_COLUMNS, AcrossAudit

    (case,) = [c.values[0] for c in load_cases("audit_across") if c.id == "regression-between-two-plans"]
    across = AcrossAudit()
    for d in case["documents"]:
        across.add("documents", [dict(d, repairs="{}")])
        across.add("counts", [c for c in case["counts"] if c["doc_id"] == d["doc_id"]])
        across.add("funding", [{"doc_id": d["doc_id"], "amount_vnd": 1}])
    kept = list(across.documents())
    assert [r["doc_id"] for r in kept] == [d["doc_id"] for d in case["documents"]]
    assert all(set(r) == set(ACROSS_COLUMNS["documents"]) for r in kept)
    assert set(across._spilled) == {"criteria", "counts"}
    found = list(across.findings())
    assert [(document["doc_id"], [r["check_name"] for r in rows]) for document, rows in found] == [("b", ["other"])]
    assert all(r["doc_id"] == document["doc_id"] for document, rows in found for r in rows)
    across.close()


def test_streaming_collector_reads_back_each_documents_rows_in_the_order_added():
    from corpus.audit_across import AcrossAudit

    across = AcrossAudit()
    across.add("counts", [{"doc_id": "a", "value": 1}, {"doc_id": "b", "value": 2}])
    across.add("counts", [{"doc_id": "a", "value": 3}])
    spilled = across._spilled["counts"]
    assert [r["value"] for r in spilled["a"]] == [1, 3]
    assert [r["value"] for r in spilled["b"]] == [2]
    assert spilled["none"] == []
    assert sorted(spilled) == ["a", "b"] and len(spilled) == 2
    across.close()
