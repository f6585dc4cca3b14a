"""`ntm show`: one document's rows with their quotes, from a file run afresh or from an output folder."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from rich.console import Console
from typer.testing import CliRunner

from corpus.cli import app
from corpus.show import find_row, show_document
from corpus.tables import Tables, write_tables
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


# --- looking a document up -----------------------------------------------------------------------------------------

CASES = yaml.safe_load((Path(__file__).resolve().parents[1] / "cases" / "cli.yaml").read_text(encoding="utf-8"))
LOOKUP_DOCS = pd.DataFrame([
    {"doc_id": "aaaa111100000000", "path": "in/thach-cam/ke-hoach-2024.txt", "duplicate_of": None},
    {"doc_id": "aaaa222200000000", "path": "in/linh-thong/ke-hoach-2024.docx", "duplicate_of": None},
    {"doc_id": "bbbb000000000000", "path": "in/linh-thong/bao-cao-2023.pdf", "duplicate_of": None},
    {"doc_id": "cccc000000000000", "path": "in/thach-cam/to-trinh.txt", "duplicate_of": None},
    {"doc_id": "dddd000000000000", "path": "in/linh-thong/to-trinh.txt", "duplicate_of": None},
    {"doc_id": "eeee000000000000", "path": "in/a/ban-sao.txt", "duplicate_of": None},
    {"doc_id": "eeee000000000000", "path": "in/b/ban-sao-2.txt", "duplicate_of": "in/a/ban-sao.txt"},
])


@pytest.mark.parametrize("case", CASES["lookup"], ids=lambda c: c["id"])
def test_lookup_cases(case):
    tables = {"documents": LOOKUP_DOCS}
    if "expect" in case:
        row = find_row(tables, case["key"])
        assert row["doc_id"] == case["expect"]
        assert not row.get("duplicate_of"), "copies of one content: the first copy speaks for it"
    elif "ambiguous" in case:
        with pytest.raises(LookupError) as e:
            find_row(tables, case["key"])
        message = str(e.value)
        assert f"matches {len(case['ambiguous'])} documents" in message
        for doc_id in case["ambiguous"]:
            path = LOOKUP_DOCS.loc[LOOKUP_DOCS["doc_id"] == doc_id, "path"].iloc[0]
            assert f"  {doc_id}  {path}" in message.splitlines()
    else:
        with pytest.raises(LookupError, match="no document"):
            find_row(tables, case["key"])


def test_an_empty_key_is_refused():
    with pytest.raises(LookupError, match="give a doc_id"):
        find_row({"documents": LOOKUP_DOCS}, "")


def test_a_long_list_of_candidates_is_cut():
    docs = pd.DataFrame({"doc_id": [f"ff{i:014d}" for i in range(25)], "path": [f"p{i}.txt" for i in range(25)]})
    with pytest.raises(LookupError) as e:
        find_row({"documents": docs}, "ff")
    lines = str(e.value).splitlines()
    assert "matches 25 documents" in lines[0] and lines[-1] == "  … and 15 more" and len(lines) == 12


def test_the_path_a_run_read_is_found_relative_to_here(sample_run, sample_paths, monkeypatch):
    out, tables = sample_run
    target = sample_paths[3]
    monkeypatch.chdir(target.parent.parent)
    relative = f"{target.parent.name}/{target.name}"
    expected = tables["documents"][tables["documents"]["path"].str.endswith(target.name)]["doc_id"].iloc[0]
    console, _ = _plain()
    # `relative` is a file here, so it is read afresh: the same doc_id as in the run
    assert show_document(relative, out, console) == expected
    monkeypatch.chdir(out)
    assert show_document(relative, out, console) == expected  # not a file here: the output's path ends with it


def test_ambiguity_is_a_clear_message_on_the_command_line(synthetic_out):
    out, tables = synthetic_out
    result = CliRunner().invoke(app, ["show", "00000", "--out", str(out)])
    assert result.exit_code == 2
    assert "'00000' matches 2 documents" in result.output
    for doc in tables["documents"].itertuples():
        if doc.doc_id.startswith("00000"):
            assert f"  {doc.doc_id}  {doc.path}" in result.output.splitlines()
    assert "## criteria" not in result.output, "nothing shown for an ambiguous key"
    none = CliRunner().invoke(app, ["show", "zzzz", "--out", str(out)])
    assert none.exit_code == 2 and "no document 'zzzz'" in none.output


def test_a_file_name_prefix_is_looked_up_on_the_command_line(synthetic_out):
    out, tables = synthetic_out
    result = CliRunner().invoke(app, ["show", "0001", "--out", str(out)])  # /nowhere/0001.txt: no doc_id starts so
    assert result.exit_code == 0, result.output
    assert f"doc_id\t{tables['documents']['doc_id'].iloc[1]}" in result.output.splitlines()


# --- what is printed -----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("column", ["check_name", "check"])
def test_findings_read_check_name_or_the_older_check(synthetic_out, monkeypatch, column):
    import corpus

    out, tables = synthetic_out
    frames = {name: tables[name] for name in tables}
    findings = frames["findings"].drop(columns=[c for c in ("check", "check_name") if c in frames["findings"]])
    findings[column] = ["count_mismatch" if i % 2 == 0 else "arithmetic" for i in range(len(findings))]
    frames["findings"] = findings
    monkeypatch.setattr(corpus, "read", lambda folder: Tables(frames))
    console, buf = _plain()
    show_document("0000000000000000", out, console)
    lines = buf.getvalue().splitlines()
    assert "span\tseverity\tcheck_name\tmessage\tquote" in lines, "the header is the contract's, whatever was read"
    assert any("\tcount_mismatch\t" in line for line in lines)


def test_pages_show_as_whole_numbers_and_quotes_as_written(tmp_path):
    tables, _ = synthetic_tables(1)
    tables = Tables({name: tables[name].copy() for name in tables})
    crit = tables["criteria"]
    crit["page"] = pd.array([3.0] * len(crit), dtype="float64")
    crit.loc[0, "quote"] = "[bold]tiêu chí [/] 17[/x]"
    write_tables(tables, tmp_path / "out")
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=200, color_system=None)
    show_document("0000000000000000", tmp_path / "out", console)
    text = buf.getvalue()
    assert "[bold]tiêu chí [/] 17[/x]" in text, "a quote is text, not rich markup"
    assert "p3:" in text and "p3.0" not in text
    console, plain = _plain()
    show_document("0000000000000000", tmp_path / "out", console)
    assert "p3:" in plain.getvalue() and "p3.0" not in plain.getvalue()


@pytest.mark.parametrize("env", [{"FORCE_COLOR": "1"}, {"TTY_COMPATIBLE": "1"}], ids=lambda e: next(iter(e)))
def test_a_pipe_gets_tsv_whatever_the_colour_settings(synthetic_out, env):
    out, _ = synthetic_out
    result = CliRunner().invoke(app, ["show", "0000000000000000", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    assert "╭" not in result.output and "\x1b[" not in result.output
    assert "doc_id\t0000000000000000" in result.output.splitlines()
