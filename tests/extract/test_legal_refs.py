"""extract.legal_refs: golden cases (tests/cases/legal_refs.yaml) and behaviour on the samples."""
from __future__ import annotations


import pytest

from extract.prepare import prepare
from extract.legal_refs import extract_legal_refs, find_document_numbers, ref_key
from tests.extract.helpers import context_for_case, context_of, load_cases



@pytest.mark.parametrize("case", load_cases("legal_refs"))
def test_golden_case(case):
    ctx = context_for_case(case)
    refs = extract_legal_refs(ctx)
    assert len(refs) == len(case["expect"]), [r.ref_id for r in refs]
    for ref, want in zip(refs, case["expect"]):
        for name, value in want.items():
            got = ctx.text[ref.start:ref.end] if name == "quote" else getattr(ref, name)
            assert got == value, f"{name}: {got!r} != {value!r}"


def test_spans_and_rules_are_consistent():
    ctx = context_of("Căn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 của Thủ tướng Chính phủ; theo 263/QĐ-TTg.")
    refs = extract_legal_refs(ctx)
    assert [r.rule for r in refs] == ["legal_refs.cited_with_type", "legal_refs.bare_code"]
    for r in refs:
        assert "".join(ctx.text[r.start:r.end].split()).find(r.ref_id) >= 0


def test_one_row_per_document_fills_fields_from_later_mentions():
    ctx = context_of("Theo Quyết định 318/QĐ-TTg.\nCăn cứ Quyết định số 318/QĐ-TTg ngày 08/3/2022 về việc ban hành Bộ tiêu chí.")
    (ref,) = extract_legal_refs(ctx)
    assert ref.start == ctx.text.index("Quyết định 318")
    assert ref.issued_date == "2022-03-08" and ref.subject == "ban hành Bộ tiêu chí"


def test_stray_spaces_do_not_split_the_number():
    (n,) = find_document_numbers("Thông tư số 40/2014/ TT - BNNPTNT ngày")
    assert n.ref_id == "40/2014/TT-BNNPTNT" and n.year == 2014


@pytest.mark.parametrize("text", [
    "số 25/2021/QH15", "số 25/ 2021 / QH15 và 3 /QĐ", "v12/ 2020/QĐ-UBND", "09 - NQ/ĐU", "M2.1-TT40/2014/TT-BNN",
    "1234567/QĐ-UBND", "ngày 12/3/2022, 5/12 xã", "x1/2020/QĐ 3/2019/NĐ-CP", "- Xã 12 - Thôn",
])
def test_numbers_are_read_where_the_full_pattern_reads_them(text, monkeypatch):
    """Trying the number pattern only where `_number_starts` says a number can begin reads what
    trying it at every offset reads."""
    import extract.legal_refs as legal_refs

    found = [(n.start, n.ref_id) for n in find_document_numbers(text)]
    monkeypatch.setattr(legal_refs, "_number_starts", lambda t: range(len(t) + 1))
    assert found == [(n.start, n.ref_id) for n in find_document_numbers(text)]


def test_ref_key_matches_the_scorer_normalization():
    assert ref_key("09-NQ/ĐU") == "09-NQ/DU"
    assert ref_key("40/2014/ TT - BNNPTNT") == "40/2014/TT-BNNPTNT"


def test_samples_cite_known_documents(sample_docs):
    """Every sample cites documents; none of their own header numbers is a reference."""
    for stem, doc in sample_docs.items():
        ctx = prepare(doc)
        refs = extract_legal_refs(ctx)
        assert refs, stem
        keys = [ref_key(r.ref_id) for r in refs]
        assert len(keys) == len(set(keys)), stem
        assert all(r.ref_type != "other" for r in refs), stem
        if ctx.meta.doc_number:
            assert ref_key(ctx.meta.doc_number) not in keys
