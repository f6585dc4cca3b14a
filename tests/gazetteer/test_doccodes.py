"""gazetteer.doccodes: document types, codes and issuers."""
from __future__ import annotations

import pytest
import regex

from gazetteer.doccodes import (
    doc_kind_of_title,
    doc_type_of_code,
    doc_type_of_word,
    doc_types,
    issuer_name,
    issuer_of_code,
    legal_ref_type,
    type_word_pattern,
)
from gazetteer.text import fold
from tests.gazetteer.cases import cases

SCHEMA_DOC_KINDS = {"ke_hoach", "bao_cao", "nghi_quyet", "to_trinh", "quyet_dinh", "other"}
SCHEMA_REF_TYPES = {"quyet_dinh", "nghi_quyet", "ke_hoach", "thong_bao", "cong_van", "chi_thi",
                    "thong_tu", "nghi_dinh", "luat", "other"}


def test_data_values_stay_within_the_schema_enums():
    for t in doc_types().values():
        assert t.doc_kind in SCHEMA_DOC_KINDS, t.id
        assert t.ref_type in SCHEMA_REF_TYPES, t.id


@pytest.mark.parametrize("case", cases("doccodes", "doc_type_of_code"))
def test_doc_type_of_code(case):
    assert doc_type_of_code(case["code"]) == case["type"]


@pytest.mark.parametrize("case", cases("doccodes", "issuer_of_code"))
def test_issuer_of_code(case):
    assert issuer_of_code(case["code"]) == case["issuer"]


@pytest.mark.parametrize("case", cases("doccodes", "issuer_name"))
def test_issuer_name(case):
    assert issuer_name(case["code"]) == case["name"]


@pytest.mark.parametrize("case", cases("doccodes", "doc_type_of_word"))
def test_doc_type_of_word(case):
    assert doc_type_of_word(case["word"]) == case["type"]


@pytest.mark.parametrize("case", cases("doccodes", "legal_ref_type"))
def test_legal_ref_type(case):
    assert legal_ref_type(case["type"]) == case["ref_type"]


@pytest.mark.parametrize("case", cases("doccodes", "doc_kind_of_title"))
def test_doc_kind_of_title(case):
    assert doc_kind_of_title(case["line"]) == case["kind"]


@pytest.mark.parametrize("case", cases("doccodes", "type_word_pattern"))
def test_type_word_pattern(case):
    bounded = rf"(?<!\p{{L}})(?:{type_word_pattern()})(?!\p{{L}})"
    assert regex.findall(bounded, case["text"]) == case["found"]
    folded = rf"(?<!\p{{L}})(?:{type_word_pattern(folded=True)})(?!\p{{L}})"
    assert regex.findall(folded, fold(case["text"])) == [fold(f) for f in case["found"]]
