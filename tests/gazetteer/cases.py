"""Golden cases for the gazetteer tests, read from `tests/cases/gazetteer_*.yaml`.

A case with an `xfail: "reason"` key is a known failure, run as strict xfail
so that a fix is noticed.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"


def cases(file: str, section: str) -> list:
    """pytest params for one section of a case file, with ids and xfail marks."""
    with open(CASES_DIR / f"gazetteer_{file}.yaml", encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    params = []
    for i, case in enumerate(data[section]):
        marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
        label = case.get("id") or next((str(v) for v in case.values() if isinstance(v, str)), str(i))
        params.append(pytest.param(case, id=f"{i}-{label[:40]}", marks=marks))
    return params
