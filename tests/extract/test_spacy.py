"""The spaCy view (`ntm.nlp()`): exact offsets, token attributes, the same records as the batch run."""
from __future__ import annotations

import pytest

import ntm
from extract.registry import components, extract_document
from normalize.pipeline import normalize_raw
from normalize.raw import RawDocument
from tests.conftest import SAMPLES


@pytest.fixture(scope="module")
def nlp():
    return ntm.nlp()


def test_the_pipes_are_the_declared_components(nlp):
    assert nlp.pipe_names == ["ntm_prepare", "ntm_lexicon", "ntm_numbers",
                              *(f"ntm_{c.name}" for c in components()), "ntm_audit"]


@pytest.mark.parametrize("path", SAMPLES[:2], ids=lambda p: p.stem)
def test_doc_holds_the_normalized_text_and_the_batch_records(nlp, path):
    text = path.read_text(encoding="utf-8")
    normalized = normalize_raw(RawDocument(text=text, file_type="txt", markup="plain"))
    doc = nlp(text)
    assert doc.text == normalized.text
    assert all(doc.text[t.idx:t.idx + len(t.text)] == t.text for t in doc)
    extraction = extract_document(normalized)
    assert doc._.records == extraction.records
    assert doc._.findings == extraction.findings
    for c in components():
        spans = list(doc.spans[c.table])
        assert len(spans) == len(extraction.records[c.table])
        for span, record in zip(spans, extraction.records[c.table]):
            assert span.start_char <= record.start and record.end <= span.end_char
            if c.label:
                assert span.label_ == (str(getattr(record, c.label)) if getattr(record, c.label) else "")


def test_tokens_carry_folded_form_and_number_value(nlp):
    doc = nlp("Xã đạt 17/19 tiêu chí, tỷ lệ hộ nghèo 3,97% năm 2024.")
    by_text = {t.text: t for t in doc}
    assert by_text["đạt"]._.folded == "dat"
    assert by_text["3,97"]._.number == pytest.approx(3.97)
    assert by_text["2024"]._.number == 2024
    assert by_text["đạt"]._.number is None
    assert "17/19" in [s.text for s in doc.spans["numbers"]]


def test_lexicon_matches_ignore_marks_and_case(nlp):
    doc = nlp("TIEU CHI SO 15 VE Y TE CHUA DAT. Tiêu chí số 17 về môi trường chưa đạt.")
    cues = [s.text.lower() for s in doc.spans["status_cues"]]
    assert "chua dat" in cues and "chưa đạt" in cues
    assert any(s.text.lower() in ("y te", "y tế") for s in doc.spans["criterion_names"])


@pytest.mark.parametrize("text", ["  hai  dòng\n\nba ", "x", " ", "17/19 tiêu  chí.\n", "\tTổng: 1.784 hộ;  3,97%"])
def test_the_tokens_rebuild_the_text_exactly(text):
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

    from ntm.pipeline import words_and_spaces

    words, spaces = words_and_spaces(text)
    assert Doc(Vocab(), words=words, spaces=spaces).text == text
