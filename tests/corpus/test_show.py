"""`ntm show`: one document's rows with their quotes, from a file run afresh or from an output folder."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from corpus.show import show_document
from corpus.tables import write_tables
from tests.corpus.test_report import synthetic_tables


@pytest.fixture(scope="module")
def synthetic_out(tmp_path_factory):
    """An output folder of synthetic tables, so the format does not hang on extraction quality."""
    tables, _ = synthetic_tables(2)
    out = tmp_path_factory.mktemp("show") / "out"
    write_tables(tables, out)
    return out, tables


def _plain() -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return Console(file=buf, width=100), buf  # a StringIO is not a terminal: plain output


def test_file_is_run_afresh(sample_paths, sample_run):
    _, tables = sample_run
    console, buf = _plain()
    doc_id = show_document(sample_paths[0], None, console)
    assert doc_id in set(tables["documents"]["doc_id"])
    lines = buf.getvalue().splitlines()
    assert f"doc_id\t{doc_id}" in lines
    for table in ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs", "findings"):
        assert any(line.startswith(f"## {table} (") for line in lines)


def test_piped_output_is_tab_separated_with_span_and_quote(synthetic_out):
    out, tables = synthetic_out
    console, buf = _plain()
    show_document("0000000000000000", out, console)
    text = buf.getvalue()
    assert "\x1b[" not in text, "no colour codes when piped"
    lines = text.splitlines()
    header = lines.index("span\tcriterion_no\tcanonical_name\tstatus\tperiod\tindicator_id\tcriteria_set\tquote")
    first = lines[header + 1].split("\t")
    crit = tables["criteria"].iloc[0]
    assert first == [f"{crit['char_start']}-{crit['char_end']}", "17", crit["canonical_name"], "met", "2023", "",
                     "ntm-2021", crit["quote"]]
    assert "3.000.000.000\ttotal" in text, "money with thousands separators"
    assert "## findings (2)" in lines


def test_doc_id_prefix_is_looked_up_in_the_output_folder(sample_run):
    out, tables = sample_run
    doc = tables["documents"].iloc[1]
    console, buf = _plain()
    assert show_document(doc["doc_id"][:8], out, console) == doc["doc_id"]
    crit = tables["criteria"]
    quotes = crit[crit["doc_id"] == doc["doc_id"]]["quote"]
    assert all(q.replace("\n", " ") in buf.getvalue() for q in quotes)


def test_file_name_is_looked_up_too(sample_run, sample_paths):
    out, tables = sample_run
    console, _ = _plain()
    name = sample_paths[2].name
    expected = tables["documents"][tables["documents"]["path"].str.endswith(name)]["doc_id"].iloc[0]
    # a bare file name that is not a file here is looked up in the output
    assert show_document(name, out, console) == expected


def test_unknown_document_is_a_lookup_error(sample_run, tmp_path):
    out, _ = sample_run
    with pytest.raises(LookupError, match="no document"):
        show_document("zzzz", out, _plain()[0])
    with pytest.raises(LookupError, match="no ntm output"):
        show_document("zzzz", tmp_path, _plain()[0])


def test_terminal_gets_rich_tables(synthetic_out):
    out, _ = synthetic_out
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=200, color_system="standard")
    show_document("0000000000000001", out, console)
    text = buf.getvalue()
    assert "╭" in text and "criteria (" in text and "tiêu chí 17 đã đạt" in text
    assert "\x1b[" in text
