"""The samples as PDF, DOCX and legacy-encoded text give the same tables as the plain text.

Each sample is converted under its own file stem (so the scorer pairs it with its
gold) and the scorer's per-table F1 must stay within `MAX_F1_DROP` of the
plain-text run. Every row from a PDF must carry its page.
"""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import SAMPLES, SHARED
from normalize.pipeline import normalize_path
from tests.fixtures.build import find_vietnamese_font, typeset_pdf, typesetting_problem
from tests.normalize.test_corruption import encode_tcvn3

SCORER = SHARED / "tools" / "score.py"
GOLD = SHARED / "gold" / "seeds"
MAX_F1_DROP = 0.02
TABLES = ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs", "findings")


def _score(out: Path) -> dict[str, float]:
    res = subprocess.run([sys.executable, str(SCORER), "--out", str(out), "--gold", str(GOLD)],
                         capture_output=True, text=True, check=True)
    f1 = {}
    for t in TABLES:
        m = re.search(rf"^{t}\s+\d+\s+\d+\s+\d+\s+[\d.]+\s+[\d.]+\s+([\d.]+)$", res.stdout, re.M)
        f1[t] = float(m.group(1))
    return f1


def _paragraphs(sample: Path) -> list[str]:
    """The sample's paragraphs without markup, as a word processor would hold them."""
    return normalize_path(sample).text.split("\n")


def _as_pdf(folder: Path) -> Path:
    font = find_vietnamese_font()
    for p in SAMPLES:
        typeset_pdf(folder / f"{p.stem}.pdf", _paragraphs(p), font)
    return folder


def _as_docx(folder: Path) -> Path:
    import docx

    for p in SAMPLES:
        d = docx.Document()
        for para in _paragraphs(p):
            d.add_paragraph(para)
        d.save(str(folder / f"{p.stem}.docx"))
    return folder


def _as_tcvn3(folder: Path) -> Path:
    for p in SAMPLES:
        (folder / p.name).write_bytes(encode_tcvn3(p.read_text(encoding="utf-8")))
    return folder


BUILDERS = {"pdf": _as_pdf, "docx": _as_docx, "tcvn3": _as_tcvn3}


@pytest.fixture(scope="module")
def text_f1(sample_run):
    if not SCORER.exists():
        pytest.skip("scorer not found beside the repository")
    out, _ = sample_run
    return _score(out)


@pytest.mark.parametrize("fmt", sorted(BUILDERS))
def test_format_gives_the_text_tables(fmt, text_f1, tmp_path):
    if fmt == "pdf" and typesetting_problem():
        pytest.skip(typesetting_problem())
    import corpus

    (tmp_path / "in").mkdir()
    src = BUILDERS[fmt](tmp_path / "in")
    out = tmp_path / "out"
    tables = corpus.run([src], out=out)
    docs = tables["documents"]
    assert len(docs) == len(SAMPLES) and set(docs["status"]) == {"ok"}, docs[["path", "status", "error"]]
    f1 = _score(out)
    drops = {t: round(text_f1[t] - f1[t], 3) for t in TABLES if text_f1[t] - f1[t] > MAX_F1_DROP}
    assert not drops, f"{fmt}: F1 drops {drops} (text {text_f1}, {fmt} {f1})"
    if fmt == "pdf":
        for name in TABLES:
            df = tables[name]
            if len(df) and name != "findings":
                assert not df["page"].isna().any(), f"{name} rows without a page"
