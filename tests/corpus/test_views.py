"""The views of a run's tables (report.html, ntm.xlsx), written in processes of their own or here."""
from __future__ import annotations

from openpyxl import load_workbook

from tests.conftest import ROOT


def _cells(path):
    return {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in load_workbook(path)}


def test_views_written_in_their_own_processes_are_those_written_here(tmp_path, monkeypatch):
    import corpus.views
    from corpus.batch import RunOptions, run_batch

    page, cells = {}, {}
    for where, inline_max in (("here", 10**9), ("own", 0)):
        monkeypatch.setattr(corpus.views, "INLINE_MAX_PARQUET_BYTES", inline_max)
        out = tmp_path / where
        run_batch([ROOT / "corpus" / "samples"], out, RunOptions(progress="none"))
        log = (out / "ntm.log").read_text(encoding="utf-8")
        assert "== report" not in log and "== workbook" not in log
        page[where] = (out / "report.html").read_text(encoding="utf-8").replace(str(out), "OUT")  # it names its folder
        cells[where] = _cells(out / "ntm.xlsx")
    assert page["own"] == page["here"]
    assert cells["own"] == cells["here"]


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
