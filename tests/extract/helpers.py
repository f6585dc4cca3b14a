"""Build a `DocContext` from a short text, as the pipeline would from a file."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extract.context import DocContext
from normalize.pipeline import normalize_raw
from normalize.raw import RawDocument

CASES = Path(__file__).resolve().parents[1] / "cases"


def context_of(text: str, markup: str = "plain") -> DocContext:
    doc = normalize_raw(RawDocument(text=text, file_type="txt", markup=markup), doc_id="case", path="case.txt")
    return DocContext(doc)


def load_cases(name: str) -> list:
    """Cases of tests/cases/<name>.yaml as pytest params; `xfail: reason` marks a known failure (strict)."""
    data = yaml.safe_load((CASES / f"{name}.yaml").read_text(encoding="utf-8"))
    params = []
    for i, case in enumerate(data["cases"]):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
        params.append(pytest.param(case, id=case.get("id", f"{name}-{i}"), marks=marks))
    return params
