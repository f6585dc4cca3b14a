"""`ntm audit`: the findings of a run, grouped by document, readable in a terminal."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from rich.console import Console

from corpus.audit_view import print_findings


def _plain_console() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=200, color_system=None, highlight=False), buf


def test_samples_print_grouped_by_document(sample_run):
    out, tables = sample_run
    console, buf = _plain_console()
    n = print_findings(out, console=console)
    text = buf.getvalue()
    assert n == len(tables.findings) > 0
    for path in tables.documents["path"]:
        if (tables.findings["doc_id"] == tables.documents.loc[tables.documents["path"] == path, "doc_id"].iloc[0]).any():
            assert str(path).rsplit("/", 1)[-1] in text
    assert "ERROR" in text and "count_mismatch" in text
    assert "“hai tiêu chí chưa đạt bao gồm: Mục 15.1”" in text
    assert text.rstrip().endswith(f"in {tables.findings['doc_id'].nunique()} of {len(tables.documents)} documents.")


def test_quotes_are_printed_as_written_not_as_markup(tmp_path):
    pd.DataFrame([{"doc_id": "d1", "path": "x/plan.txt", "commune": "Phúc Chu"}]).to_csv(tmp_path / "documents.csv", index=False)
    pd.DataFrame([{"doc_id": "d1", "check": "other", "severity": "warning", "message": "m [bold]x[/bold]",
                   "evidence": "[[0, 5]]", "quote": "[red]q", "char_start": 0, "char_end": 5}]).to_csv(
        tmp_path / "findings.csv", index=False)
    console, buf = _plain_console()
    assert print_findings(tmp_path, console=console) == 1
    text = buf.getvalue()
    assert "plan.txt  Phúc Chu" in text and "m [bold]x[/bold]" in text and "“[red]q”" in text


def test_copies_of_a_document_print_its_findings_once_under_the_first_file(tmp_path):
    pd.DataFrame([{"doc_id": "d1", "path": "a/plan.txt", "duplicate_of": None},
                  {"doc_id": "d1", "path": "b/plan copy.txt", "duplicate_of": "a/plan.txt"}]).to_parquet(
        tmp_path / "documents.parquet")
    pd.DataFrame([{"doc_id": "d1", "check_name": "arithmetic", "severity": "warning", "message": "1 + 1 ≠ 3",
                   "quote": "1 + 1 = 3", "char_start": 0, "char_end": 9}]).to_parquet(tmp_path / "findings.parquet")
    console, buf = _plain_console()
    assert print_findings(tmp_path, console=console) == 1
    text = buf.getvalue()
    assert "plan.txt" in text and "plan copy.txt" not in text and "arithmetic: 1 + 1 ≠ 3" in text
    assert "in 1 of 1 documents." in text


def test_no_findings(tmp_path):
    pd.DataFrame([{"doc_id": "d1", "path": "plan.txt"}]).to_csv(tmp_path / "documents.csv", index=False)
    pd.DataFrame(columns=["doc_id", "check", "severity", "message", "evidence", "quote"]).to_csv(
        tmp_path / "findings.csv", index=False)
    console, buf = _plain_console()
    assert print_findings(tmp_path, console=console) == 0
    assert "No findings in 1 documents." in buf.getvalue()


def test_missing_run_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        print_findings(tmp_path / "nothing")


def test_terminal_escapes_in_names_and_quotes_are_written_out(tmp_path):
    name = "x/\x1b]0;pwned\x07plan\x1b[2J\u202etxt.txt"
    pd.DataFrame([{"doc_id": "d1", "path": name, "commune": "Phúc\x1b[31mChu"}]).to_parquet(tmp_path / "documents.parquet")
    pd.DataFrame([{"doc_id": "d1", "check": "other\x1b[5m", "severity": "warning", "message": "m\rX",
                   "evidence": "[[0, 5]]", "quote": "q\x9bq\nsau", "char_start": 0, "char_end": 5}]).to_parquet(
        tmp_path / "findings.parquet")
    console, buf = _plain_console()
    print_findings(tmp_path, console=console)
    text = buf.getvalue()
    assert not [c for c in text if (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) < 0xA0 or c == "\u202e"]
    assert "\\x1b]0;pwned\\x07plan\\x1b[2J\\u202etxt.txt" in text and "m\\rX" in text and "q\\x9bq sau" in text
