"""extract.funding: golden cases (tests/cases/funding.yaml) and behaviour on the samples."""
from __future__ import annotations


import pytest

from extract.prepare import prepare
from extract.funding import extract_funding, funding_words
from tests.extract.helpers import context_for_case, context_of, load_cases

SOURCES = {"ngan_sach_huyen", "ngan_sach_xa", "ngan_sach_tinh", "trung_uong", "dan_gop", "long_ghep",
           "doanh_nghiep", "xa_hoi_hoa"}
ROLES = {"total", "component", "estimate", "spent"}


@pytest.mark.parametrize("case", load_cases("funding"))
def test_golden_case(case):
    ctx = context_for_case(case)
    records = extract_funding(ctx)
    assert [r.amount_vnd for r in records] == [w["amount_vnd"] for w in case["expect"]]
    for rec, want in zip(records, case["expect"]):
        for name, value in want.items():
            if name == "parent":
                continue
            assert getattr(rec, name) == value, f"{rec.amount_text}: {name} {getattr(rec, name)!r} != {value!r}"
        parent = want.get("parent")
        assert rec.parent_start == (None if parent is None else records[parent].start), rec.amount_text


def test_records_are_well_formed():
    text = "Tổng kinh phí 3 tỷ đồng, trong đó ngân sách tỉnh 2 tỷ đồng, dân góp 1 tỷ đồng. Đã chi 50 triệu đồng."
    ctx = context_of(text)
    records = extract_funding(ctx)
    assert records
    for r in records:
        assert ctx.text[r.start:r.end] == r.amount_text
        assert isinstance(r.amount_vnd, int)
        assert r.role in ROLES | {None}
        assert r.source in SOURCES | {None}
        assert r.rule.startswith("funding.")


def test_parts_sum_to_their_total_in_the_breakdown_cases():
    """Where the text's parts add up, the extractor links all of them to the total."""
    text = "Tổng vốn 1.000.000.000 đồng. Trong đó:\n+ Huyện: 400.000.000 đồng;\n+ Xã: 600.000.000 đồng."
    records = extract_funding(context_of(text))
    total = records[0]
    parts = [r for r in records if r.parent_start == total.start]
    assert total.role == "total" and sum(p.amount_vnd for p in parts) == total.amount_vnd


def test_source_vocabulary_uses_schema_values():
    assert set(funding_words()["sources"]) <= SOURCES
    assert set(funding_words()["roles"]) <= ROLES


def test_samples_amounts_are_not_incomes(sample_docs):
    """No per-person figure of the samples becomes funding; every amount is quoted as written."""
    for stem, doc in sample_docs.items():
        ctx = prepare(doc)
        for r in extract_funding(ctx):
            assert "/người" not in ctx.text[r.start:r.end + 8], stem
            assert ctx.text[r.start:r.end] == r.amount_text
