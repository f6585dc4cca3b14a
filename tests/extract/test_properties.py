"""Properties that hold for any input: normalize and extract never raise, spans stay in the text.

Inputs are arbitrary Unicode and random mutations of the sample plans (lines
deleted, duplicated or swapped; digits changed; diacritics stripped).
"""
from __future__ import annotations

import random
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract.registry import extract_document
from normalize.pipeline import normalize_raw
from normalize.raw import RawDocument
from tests.conftest import SAMPLES

SAMPLE_TEXTS = [p.read_text(encoding="utf-8") for p in SAMPLES]


def _check(text: str, markup: str = "plain") -> None:
    doc = normalize_raw(RawDocument(text=text, file_type="txt", markup=markup), doc_id="p", path="p.txt")
    assert len(doc.src) == len(doc.text) + 1
    ex = extract_document(doc)
    for table, records in ex.records.items():
        for r in records:
            assert 0 <= r.start <= r.end <= len(doc.text), (table, r)
    for f in ex.findings:
        for s, e in f.evidence:
            assert 0 <= s <= e <= len(doc.text), f


def _strip_marks(s: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        c for c in unicodedata.normalize("NFD", s) if unicodedata.category(c) != "Mn"))


def _mutate(text: str, seed: int) -> str:
    rng = random.Random(seed)
    lines = text.split("\n")
    for _ in range(rng.randint(1, 8)):
        op = rng.choice(["delete", "duplicate", "swap", "digits", "marks"])
        if not lines:
            break
        i = rng.randrange(len(lines))
        if op == "delete":
            del lines[i]
        elif op == "duplicate":
            lines.insert(i, lines[i])
        elif op == "swap":
            j = rng.randrange(len(lines))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "digits":
            lines[i] = "".join(str(rng.randint(0, 9)) if c.isdigit() else c for c in lines[i])
        else:
            lines[i] = _strip_marks(lines[i])
    return "\n".join(lines)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_raises(text):
    _check(text)
    _check(text, markup="markdown")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(min_value=0, max_value=len(SAMPLE_TEXTS) - 1), st.integers(min_value=0, max_value=10**6))
def test_mutated_samples_never_raise(which, seed):
    _check(_mutate(SAMPLE_TEXTS[which], seed), markup="markdown" if which >= 2 else "plain")


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạếềểễệốồổỗộớờởỡợúùủũụứừửữự .,:;-\n0123456789/%")), max_size=300))
def test_normalizing_is_idempotent(text):
    once = normalize_raw(RawDocument(text=text, file_type="txt")).text
    assert normalize_raw(RawDocument(text=once, file_type="txt")).text == once
