"""Document metadata, golden cases as data (tests/cases/metadata.yaml)."""
from __future__ import annotations

import pytest

from tests.extract.helpers import context_of, load_cases


@pytest.mark.parametrize("case", load_cases("metadata"))
def test_metadata_case(case):
    meta = context_of(case["text"]).meta
    for field, expected in case["expect"].items():
        assert getattr(meta, field) == expected, field
