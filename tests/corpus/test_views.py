"""What is written from a run's tables (report.html, ntm.xlsx, ntm.duckdb), in processes of their own or here."""
from __future__ import annotations

from openpyxl import load_workbook

from tests.conftest import ROOT


def _duckdb_rows(path):
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        names = [r[0] for r in con.execute("SELECT table_name FROM information_schema.tables ORDER BY 1").fetchall()]
        return {name: sorted(map(repr, con.execute(f'SELECT * FROM "{name}"').fetchall())) for name in names}
    finally:
        con.close()


def _cells(path):
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in load_workbook(path)}


def test_views_written_in_their_own_processes_are_those_written_here(tmp_path, monkeypatch):
    import corpus.views
    from corpus.batch import RunOptions, run_batch

    page, cells, database = {}, {}, {}
    for where, inline_max in (("here", 10**9), ("own", 0)):
        monkeypatch.setattr(corpus.views, "INLINE_MAX_PARQUET_BYTES", inline_max)
        out = tmp_path / where
        run_batch([ROOT / "corpus" / "samples"], out, RunOptions(progress="none"))
        log = (out / "ntm.log").read_text(encoding="utf-8")
        assert "== report" not in log and "== workbook" not in log
        page[where] = (out / "report.html").read_text(encoding="utf-8").replace(str(out), "OUT")  # it names its folder
        cells[where] = _cells(out / "ntm.xlsx")
        database[where] = _duckdb_rows(out / "ntm.duckdb")
    assert page["own"] == page["here"]
    assert cells["own"] == cells["here"]
    assert database["own"] == database["here"] and database["here"]["criteria"]


def test_a_duckdb_copy_that_fails_fails_the_run_and_writes_no_output(tmp_path, monkeypatch):
    import pytest

    import corpus.tables
    from corpus.batch import RunOptions, run_batch

    def failing(folder):
        raise OSError("disk full")

    monkeypatch.setattr(corpus.tables, "write_duckdb", failing)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="ntm.duckdb could not be written"):
        run_batch([sorted((ROOT / "corpus" / "samples").glob("*.txt"))[0]], out, RunOptions(progress="none"))
    assert not out.exists()


def test_a_summary_that_fails_is_logged_and_the_tables_are_kept(tmp_path, monkeypatch):
    import corpus.report
    from corpus.batch import RunOptions, run_batch

    def failing(*args):
        raise OSError("disk full")

    monkeypatch.setattr(corpus.report, "write_summary", failing)
    out = tmp_path / "out"
    run_batch([sorted((ROOT / "corpus" / "samples").glob("*.txt"))[0]], out, RunOptions(progress="none"))
    assert "== report" in (out / "ntm.log").read_text(encoding="utf-8")
    assert not (out / "report.html").exists()
    assert (out / "criteria.parquet").is_file() and (out / "ntm.xlsx").is_file()


def test_a_view_that_cannot_start_leaves_the_other_to_be_written(tmp_path, monkeypatch):
    import corpus.views
    from corpus.batch import RunOptions, run_batch

    real = corpus.views.ViewJob

    def no_summary(name, *args):
        if name == "report.html":
            raise OSError("cannot start a process")
        return real(name, *args)

    monkeypatch.setattr(corpus.views, "ViewJob", no_summary)
    out = tmp_path / "out"
    run_batch([sorted((ROOT / "corpus" / "samples").glob("*.txt"))[0]], out, RunOptions(progress="none"))
    assert "cannot start a process" in (out / "ntm.log").read_text(encoding="utf-8")
    assert (out / "ntm.xlsx").is_file() and not (out / "report.html").exists()
