"""The run's views of its tables: pages rendered by the workers, summary and workbook streamed from Parquet."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from corpus.batch import RunOptions, run_batch
from corpus.excel import column_title, sheet_title, write_xlsx
from corpus.manifest import read_manifest, shard_dir
from corpus.report import PAGES_DIR, DocumentPages, page_key, render_summary, write_report
from corpus.schema import ENUMS, TABLE_NAMES
from corpus.tables import TableRows, build_tables, read_tables, write_csv, write_tables
from tests.corpus.test_report import synthetic_tables
from tests.extract.helpers import load_cases
from tests.fixtures import build

ROOT = Path(__file__).resolve().parents[2]


def _shards(out: Path) -> dict[str, dict]:
    _, entries = read_manifest(out)
    return {e.shard: json.loads((shard_dir(out) / e.shard).read_bytes()) for e in entries}


def test_workers_render_the_pages_the_parent_would(sample_run, tmp_path):
    out, tables = sample_run
    shards = _shards(out)
    assert all(s.get("page", {}).get("key") == page_key("vi") for s in shards.values())
    texts = {s["document"]["doc_id"]: s["text"] for s in shards.values()}
    again = tmp_path / "again"
    write_report(again, tables, texts=texts)
    pages = sorted(p.name for p in (out / PAGES_DIR).iterdir())
    assert pages == sorted(p.name for p in (again / PAGES_DIR).iterdir()) and pages
    for name in pages:
        assert (out / PAGES_DIR / name).read_bytes() == (again / PAGES_DIR / name).read_bytes(), name
    summary = (again / "report.html").read_text(encoding="utf-8").replace(str(again), str(out))
    assert (out / "report.html").read_text(encoding="utf-8") == summary


def test_a_page_is_reused_only_under_its_key_and_path(tmp_path):
    doc = {"doc_id": "a" * 16, "path": "/x/a.txt", "status": "ok", "commune": "Xã Thử"}
    finding = {"doc_id": doc["doc_id"], "check_name": "arithmetic", "severity": "warning", "message": "1 + 1 ≠ 3",
               "quote": "1 + 1 = 3", "char_start": 0, "char_end": 9, "evidence": "[[0, 9]]"}
    shard = {"document": doc, "rows": {"findings": [finding]}, "text": "1 + 1 = 3.",
             "page": {"key": page_key("vi"), "path": doc["path"], "html": "<kept>"}}
    pages = DocumentPages(tmp_path, "vi", read_shard=lambda name: shard)
    pages.add("s1", doc, shard)
    pages.add("s1", doc, shard)  # the same document twice: one page
    other = dict(doc, doc_id="b" * 16)
    pages.add("s2", other, dict(shard, document=other, page=dict(shard["page"], key="older")))
    moved = dict(doc, doc_id="c" * 16, path="/y/a.txt")
    pages.add("s3", moved, dict(shard, document=moved))
    assert (pages.reused, pages.rendered) == (1, 2)
    folder = pages.finish()
    assert (folder / f"{'a' * 16}.html").read_text(encoding="utf-8") == "<kept>"
    assert "1 + 1 ≠ 3" in (folder / f"{'b' * 16}.html").read_text(encoding="utf-8")
    assert "/y/a.txt" in (folder / f"{'c' * 16}.html").read_text(encoding="utf-8")


def test_findings_across_documents_reach_the_page_of_their_document(tmp_path):
    doc = {"doc_id": "a" * 16, "path": "/x/a.txt", "status": "ok", "commune": "Xã Thử"}
    shard = {"document": doc, "rows": {}, "text": "đạt 18/19 tiêu chí.",
             "page": {"key": page_key("vi"), "path": doc["path"], "html": "<kept>"}}
    pages = DocumentPages(tmp_path, "vi", read_shard=lambda name: shard)
    pages.add("s1", doc, shard)
    across = {"doc_id": doc["doc_id"], "check_name": "status_conflict", "severity": "warning",
              "message": "18/19 here, 17/19 in an earlier plan", "quote": "đạt 18/19", "char_start": 0,
              "char_end": 9, "evidence": "[[0, 9]]"}
    pages.amend([across, dict(across, doc_id="f" * 16)])  # a document without a page is left alone
    page = (pages.finish() / f"{'a' * 16}.html").read_text(encoding="utf-8")
    assert "18/19 here, 17/19 in an earlier plan" in page
    assert not (tmp_path / PAGES_DIR / f"{'f' * 16}.html").exists()


def test_summary_from_parquet_equals_summary_from_frames(tmp_path):
    tables, _ = synthetic_tables(40)
    write_tables(tables, tmp_path / "out")
    from_disk = render_summary(tmp_path / "out", source="S")
    assert from_disk == render_summary(read_tables(tmp_path / "out"), source="S")
    assert from_disk == render_summary(tables, source="S")


def test_reading_back_in_small_batches_gives_every_row_in_order(tmp_path):
    tables, _ = synthetic_tables(7)
    write_tables(tables, tmp_path / "out")
    rows = TableRows(tmp_path / "out", batch_rows=3)
    for name in TABLE_NAMES:
        assert rows.count(name) == len(tables[name])
        got = list(rows.rows(name, ["doc_id", "quote"] if name != "documents" else ["doc_id", "path"]))
        assert [r["doc_id"] for r in got] == list(tables[name]["doc_id"])


def test_csv_is_what_pandas_writes(tmp_path):
    rows = {"documents": [
        {"doc_id": "a" * 16, "path": 'a "quoted", path\nwith a line break.txt', "status": "ok", "n_pages": 3},
        {"doc_id": "b" * 16, "path": "b.txt", "status": "error", "error": "x;y", "n_chars": 0},
    ], "indicators": [
        {"doc_id": "a" * 16, "value": 90.0, "unit": "%", "char_start": 1, "char_end": 2, "quote": "90%"},
        {"doc_id": "a" * 16, "value": 79.95, "unit": "%", "char_start": 3, "char_end": 9, "quote": "79,95%"},
        {"doc_id": "a" * 16, "value": None, "char_start": None, "char_end": None, "quote": ""},
    ]}
    tables = build_tables(rows)
    for name in ("documents", "indicators", "criteria"):
        path = tmp_path / f"{name}.parquet"
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pandas(tables[name], preserve_index=False), path)
        write_csv(path, tmp_path / f"{name}.csv", batch_rows=1)
        with open(tmp_path / f"{name}.pandas.csv", "w", encoding="utf-8-sig", newline="") as handle:
            tables[name].to_csv(handle, index=False)
        assert (tmp_path / f"{name}.csv").read_bytes() == (tmp_path / f"{name}.pandas.csv").read_bytes(), name


def test_workbook_from_a_run_folder_writes_formula_like_text_as_neutralized_text(tmp_path):
    tables = build_tables({"documents": [{"doc_id": "a" * 16, "path": "=SUM(A1:A9).txt", "status": "ok",
                                          "title": "http://example.org/plan"}]})
    write_tables(tables, tmp_path / "out")
    ws = load_workbook(write_xlsx(tmp_path / "x", tmp_path / "out"))[sheet_title("documents")]
    header = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=header.index(column_title("documents", "path")) + 1)
    assert cell.value == "'=SUM(A1:A9).txt" and cell.data_type == "s"  # the leading apostrophe of corpus.cells
    assert ws.cell(row=2, column=header.index(column_title("documents", "title")) + 1).hyperlink is None


def test_no_report_and_no_xlsx_write_only_the_tables(tmp_path):
    out = tmp_path / "out"
    run_batch([build.SAMPLES], out, RunOptions(workers=1, progress="none", reports=False, xlsx=False))
    assert not (out / "report.html").exists() and not (out / PAGES_DIR).exists() and not (out / "ntm.xlsx").exists()
    assert all((out / f"{name}.parquet").exists() for name in TABLE_NAMES)
    shards = _shards(out)
    assert shards and not any("page" in s for s in shards.values()), "no page rendered for a run without report"
    run_batch([build.SAMPLES], out, RunOptions(workers=1, progress="none", force=True, reports=False))
    assert (out / "ntm.xlsx").exists() and not (out / "report.html").exists()


def test_a_rerun_in_another_language_renders_its_pages_anew(tmp_path):
    out = tmp_path / "out"
    run_batch([build.SAMPLES], out, RunOptions(workers=1, progress="none", lang="en"))
    page = next((out / PAGES_DIR).iterdir()).read_text(encoding="utf-8")
    assert '<html lang="en">' in page
    run_batch([build.SAMPLES], out, RunOptions(workers=1, progress="none", lang="vi", force=False,
                                               max_docs_per_worker=1))
    page = next((out / PAGES_DIR).iterdir()).read_text(encoding="utf-8")
    assert '<html lang="vi">' in page


def _modules_after(code: str) -> set[str]:
    done = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                          cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


HEAVY = {"pandas", "pyarrow", "duckdb", "openpyxl", "xlsxwriter", "corpus.batch"}


def test_help_and_version_load_neither_the_pipeline_nor_the_table_libraries():
    loaded = _modules_after("import contextlib, io\nfrom corpus.cli import app\n"
                            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
                            "    app(['--version'])\n"
                            "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
                            "    app(['--help'])")
    assert not loaded & (HEAVY | {"corpus.process", "extract.registry"})


def test_the_workers_warm_up_leaves_out_the_batch_layer():
    loaded = _modules_after("import corpus.engine_preload")
    assert "extract.registry" in loaded and "corpus.report" in loaded
    assert not loaded & {"pandas", "pyarrow", "duckdb", "openpyxl", "xlsxwriter", "corpus.batch", "corpus.tables",
                         "importlib.metadata"}  # the pipeline key (its library versions) is the parent's


def test_version_option():
    from typer.testing import CliRunner

    from corpus.cli import app

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("ntm ")


@pytest.mark.parametrize("flag,missing", [("--no-report", "report.html"), ("--no-xlsx", "ntm.xlsx")])
def test_cli_leaves_out_what_it_is_told_to(tmp_path, flag, missing):
    from typer.testing import CliRunner

    from corpus.cli import app

    out = tmp_path / "out"
    sample = build.SAMPLES / "004_900349470cd22162.txt"
    result = CliRunner().invoke(app, ["run", str(sample), "--out", str(out), "-q", "-j", "1", flag])
    assert result.exit_code == 0, result.output
    assert not (out / missing).exists() and (out / "documents.parquet").exists()
    assert pd.read_parquet(out / "documents.parquet")["status"].tolist() == ["ok"]


# ---------------------------------------------------------------- types an analyst reads


@pytest.mark.parametrize("case", load_cases("output_dates"))
def test_dates_get_a_precision_and_a_real_date_only_to_the_day(case):
    from corpus.tables import date_of, precision_of

    assert precision_of(case["iso"]) == case["precision"]
    got = date_of(case["iso"], case.get("given"))
    assert (got.isoformat() if got else None) == case["date"]


def test_plain_read_parquet_gives_nullable_integers_categoricals_lists_and_dates(sample_run):
    out, _ = sample_run
    docs = pd.read_parquet(out / "documents.parquet")
    assert str(docs["plan_year"].dtype) == "Int64" and str(docs["n_pages"].dtype) == "Int64"
    assert docs["n_pages"].isna().all() and docs["plan_year"].notna().all()  # text has no pages, yet stays integer
    assert isinstance(docs["status"].dtype, pd.CategoricalDtype)
    assert set(docs["status"].cat.categories) == ENUMS[("documents", "status")]  # every declared value, not only those found
    crit = pd.read_parquet(out / "criteria.parquet")
    assert str(crit["criterion_no"].dtype) == "Int64" and str(crit["page"].dtype) == "Int64"
    assert list(crit["status"].cat.categories) == sorted(ENUMS[("criteria", "status")])
    findings = pd.read_parquet(out / "findings.parquet")
    spans = findings["evidence"].iloc[0]
    assert len(spans) >= 1 and all(len(s) == 2 and s[0] < s[1] for s in spans)
    refs = pd.read_parquet(out / "legal_refs.parquet")
    full = refs[refs["issued_precision"] == "day"]
    assert len(full) and all(d.isoformat() == iso for d, iso in zip(full["issued_on"], full["issued_date"]))
    assert refs.loc[refs["issued_precision"] != "day", "issued_on"].isna().all()


def test_duckdb_has_enums_integers_lists_and_dates(sample_run):
    import duckdb

    out, _ = sample_run
    con = duckdb.connect(str(out / "ntm.duckdb"), read_only=True)
    try:
        kinds = {(t, c): k for t in ("documents", "findings", "deadlines", "criteria_status")
                 for c, k, *_ in con.execute(f'DESCRIBE "{t}"').fetchall()}
        values = con.execute("SELECT enum_range(NULL::findings_check_name)").fetchone()[0]
        plan_year = con.execute("SELECT plan_year FROM documents LIMIT 1").fetchone()[0]
    finally:
        con.close()
    assert kinds[("documents", "plan_year")] == "BIGINT" and kinds[("deadlines", "criterion_no")] == "BIGINT"
    assert kinds[("findings", "check_name")].startswith("ENUM(") and kinds[("documents", "status")].startswith("ENUM(")
    assert set(values) == ENUMS[("findings", "check_name")]
    assert kinds[("findings", "evidence")] == "BIGINT[][]" and kinds[("criteria_status", "evidence")] == "BIGINT[][]"
    assert kinds[("deadlines", "due_date")] == "DATE" and kinds[("documents", "issued_on")] == "DATE"
    assert isinstance(plan_year, int)


def test_csv_keeps_codes_as_written_and_evidence_as_json(sample_run):
    out, tables = sample_run
    docs = pd.read_csv(out / "documents.csv", encoding="utf-8-sig", dtype=str)
    codes = [c for c in tables["documents"]["commune_code"].dropna()]
    assert any(c.startswith("0") for c in codes)
    assert sorted(docs["commune_code"].dropna()) == sorted(codes)
    findings = pd.read_csv(out / "findings.csv", encoding="utf-8-sig")
    assert all(json.loads(e) for e in findings["evidence"])
    assert set(findings["check_name"]) <= ENUMS[("findings", "check_name")]


def test_every_fact_row_carries_its_documents_place_and_year(sample_run):
    out, tables = sample_run
    docs = tables["documents"].set_index("doc_id")
    for name in TABLE_NAMES:
        if name == "documents" or not len(tables[name]):
            continue
        frame = tables[name]
        for column in ("commune", "district", "province", "plan_year"):
            expected = docs.loc[frame["doc_id"], column].astype(object).tolist()
            assert frame[column].astype(object).tolist() == expected, (name, column)


def test_findings_messages_follow_the_language_and_keep_their_values(sample_run, tmp_path):
    from extract.audit.messages import render

    out, tables = sample_run
    en = run_batch([ROOT / "corpus" / "samples"], tmp_path / "en",
                   RunOptions(workers=1, progress="none", lang="en", reports=False, xlsx=False))
    assert en.rows["findings"] == len(tables["findings"])
    english = read_tables(tmp_path / "en")["findings"]
    vi = tables["findings"]
    assert list(english["params"]) == list(vi["params"])
    for params, m_vi, m_en in zip(vi["params"], vi["message"], english["message"]):
        values = json.loads(params)
        assert m_vi == render(values["template"], values, "vi") and m_en == render(values["template"], values, "en")
        assert m_vi != m_en


def test_an_output_with_the_old_check_column_still_reads(sample_run, tmp_path):
    import pyarrow.parquet as pq

    out, tables = sample_run
    old = tmp_path / "old"
    shutil.copytree(out, old)
    table = pq.read_table(old / "findings.parquet").drop_columns(["params"])
    pq.write_table(table.rename_columns(["check" if c == "check_name" else c for c in table.column_names]),
                   old / "findings.parquet")
    again = read_tables(old)["findings"]
    assert list(again["check_name"].astype(str)) == list(tables["findings"]["check_name"].astype(str))
    rows = list(TableRows(old).rows("findings", ["check_name", "severity"]))
    assert [r["check_name"] for r in rows] == list(tables["findings"]["check_name"].astype(str))
    assert TableRows(old).columns("findings")[1] == "check_name"
