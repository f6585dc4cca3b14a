"""The sample run measured by the project's scorer against the gold annotations.

Thresholds are the acceptance levels of each table; a drop below them is a
regression. Skipped where the scorer and gold are not beside the repository.
"""
from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import SHARED

SCORER = SHARED / "tools" / "score.py"
GOLD = SHARED / "gold" / "seeds"

# Minimum F1 per table on the samples.
MIN_F1 = {
    "criteria": 0.95,
    "counts": 0.95,
    "indicators": 0.95,
    "funding": 0.95,
    "deadlines": 0.95,
    "legal_refs": 0.95,
    "findings": 1.0,
}
MIN_DOC_FIELDS = 0.90


@pytest.fixture(scope="module")
def score_output(sample_run):
    if not SCORER.exists() or not GOLD.exists():
        pytest.skip("scorer or gold annotations not found beside the repository")
    out, _ = sample_run
    return score(out, GOLD)


def score(out, gold) -> str:
    """The scorer's printed output for the run folder `out` against the gold folder `gold`."""
    res = subprocess.run([sys.executable, str(SCORER), "--out", str(out), "--gold", str(gold)],
                         capture_output=True, text=True, check=True)
    return res.stdout


def _f1(output: str, table: str) -> float:
    m = re.search(rf"^{table}\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", output, re.M)
    assert m, f"no line for {table} in scorer output"
    return float(m.group(1))


@pytest.mark.parametrize("table", sorted(MIN_F1))
def test_table_f1_on_samples(score_output, table):
    assert _f1(score_output, table) >= MIN_F1[table], score_output


def test_document_fields_on_samples(score_output):
    m = re.search(r"doc_fields=([\d.]+)", score_output)
    assert m and float(m.group(1)) >= MIN_DOC_FIELDS, score_output
