"""Shared by the extract tests: golden cases from tests/cases/*.yaml, contexts from short texts."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from extract.prepare import PreparedDoc, prepare
from extract.records import DocumentMeta
from normalize.document import NormalizedDoc
from normalize.pipeline import normalize_path, normalize_raw, normalize_text
from normalize.raw import RawDocument
from tests.conftest import SAMPLES

CASES = Path(__file__).resolve().parents[1] / "cases"


def context_of(text: str, markup: str = "plain") -> PreparedDoc:
    """A context for a text, normalized as the pipeline would normalize a file."""
    doc = normalize_raw(RawDocument(text=text, file_type="txt", markup=markup), doc_id="case", path="case.txt")
    return prepare(doc)


def context_for_case(case: dict) -> PreparedDoc:
    """A context for a case's short passage; its `set` and `meta` stand in for what a whole document says."""
    text = normalize_text(case["text"])
    doc = NormalizedDoc(doc_id="t", path="t.txt", file_type="txt", text=text)
    return prepare(doc, criteria_set=case.get("set"), meta=DocumentMeta(**case["meta"]) if "meta" in case else None)


def load_cases(name: str) -> list:
    """Cases of tests/cases/<name>(.yaml) as pytest params; `xfail: reason` marks a known failure (strict)."""
    file = CASES / (name if name.endswith(".yaml") else f"{name}.yaml")
    data = yaml.safe_load(file.read_text(encoding="utf-8"))
    params = []
    for i, case in enumerate(data["cases"]):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        label = case.get("id") or "-".join(str(x) for x in (f"{i:03d}", case.get("fn"), case.get("text", "")[:40]) if x)
        params.append(pytest.param(case, id=label, marks=marks))
    return params


def as_checked(row, expected: dict) -> dict:
    """The row's fields that the expectation names, numbers rounded as the scorer does."""
    out = {}
    for key in expected:
        value = getattr(row, key)
        out[key] = round(value, 4) if isinstance(value, float) else value
    return out


@lru_cache(maxsize=None)
def sample_doc(path: Path):
    return normalize_path(path)


def rows_on_samples(extractor) -> list[tuple[PreparedDoc, list]]:
    """Each bundled sample's context and the extractor's rows on it (samples normalized once per session)."""
    out = []
    for path in SAMPLES:
        ctx = prepare(sample_doc(path))
        out.append((ctx, extractor(ctx)))
    return out
