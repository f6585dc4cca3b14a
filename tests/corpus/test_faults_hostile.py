"""Hostile archives: files that change while a run reads them, links that leave the archive, and the like."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import corpus
from corpus.batch import RunOptions, run_batch
from corpus.engine import LocalEngine
from corpus.manifest import content_hash, read_manifest, shard_name
from corpus.process import CHANGED_WHILE_READING
from corpus.workers import Task, compute
from tests.fixtures import build

PLAN = build.SAMPLES.joinpath("004_900349470cd22162.txt").read_text(encoding="utf-8")


def changing(task):
    """A worker function that changes its file just before reading it, as its name says."""
    path = Path(task.path)
    name = path.name
    if name.startswith("truncate"):
        path.write_bytes(b"")
    elif name.startswith("folder"):
        path.unlink()
        path.mkdir()
    elif name.startswith("delete"):
        path.unlink()
    elif name.startswith("edit"):
        path.write_text(PLAN + "\nMột dòng thêm.\n", encoding="utf-8")
    return compute(task)


def _plans(folder: Path, names: list[str]) -> dict[str, bytes]:
    folder.mkdir(parents=True, exist_ok=True)
    contents = {}
    for index, name in enumerate(names):
        data = (PLAN + f"\nPhụ lục {index}.\n").encode("utf-8")
        (folder / name).write_bytes(data)
        contents[name] = data
    return contents


def _restore(folder: Path, contents: dict[str, bytes]) -> None:
    for name, data in contents.items():
        path = folder / name
        if path.is_dir():
            shutil.rmtree(path)
        path.write_bytes(data)


VARIANTS = ["truncate.txt", "folder.txt", "delete.txt", "edit.txt"]


@pytest.mark.parametrize("name", VARIANTS)
def test_a_file_changed_after_planning_files_no_result_under_its_planned_hash(tmp_path, name):
    path = tmp_path / name
    path.write_text(PLAN, encoding="utf-8")
    sha = content_hash(path)
    outcome, _ = changing(Task(index=0, path=str(path), sha256=sha, shard=shard_name(sha, "txt")))
    assert outcome.transient  # kept under a retry name, never reused
    assert outcome.document["status"] == "error"
    assert outcome.document["error"].startswith(CHANGED_WHILE_READING)


def test_a_file_changed_during_a_run_is_read_afresh_once_restored(tmp_path):
    folder = tmp_path / "in"
    contents = _plans(folder, ["plain.txt", *VARIANTS])
    out = tmp_path / "out"
    engine = LocalEngine(workers=1, timeout_s=60, max_memory_mb=1024, max_docs_per_worker=200, function=changing)
    first = run_batch([folder], out, RunOptions(engine=engine, progress="none"))
    assert first.by_status == {"error": 4, "ok": 1}
    _, entries = read_manifest(out)
    assert sorted(e.path.rsplit("/", 1)[-1] for e in entries if not e.cacheable) == sorted(VARIANTS)

    _restore(folder, contents)  # byte-identical to what was planned
    again = run_batch([folder], out, RunOptions(workers=1, progress="none"))
    assert again.by_status == {"ok": 5}
    assert (again.processed, again.reused) == (4, 1)
    docs = corpus.read(out)["documents"]
    assert docs["error"].isna().all()


def test_the_worker_reads_the_file_once(tmp_path, monkeypatch):
    """The readers get the bytes that were hashed, not the file again."""
    import normalize.readers

    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    sha = content_hash(path)

    def no_second_read(p):
        raise AssertionError(f"read again: {p}")

    monkeypatch.setattr(normalize.readers, "read_path", no_second_read)
    monkeypatch.setattr(Path, "read_bytes", no_second_read)
    outcome, _ = compute(Task(index=0, path=str(path), sha256=sha, shard=shard_name(sha, "txt")))
    assert outcome.document["status"] == "ok" and outcome.n_bytes == os.path.getsize(path)


# ---------------------------------------------------------------- links and output folders


def _secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("MẬT KHẨU: hoa-sen-42\n" + PLAN, encoding="utf-8")
    return outside


def _shards_text(out: Path) -> str:
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in out.rglob("*") if p.is_file()
                   and p.suffix in {".json", ".html", ".csv", ".jsonl", ".log"})


def test_links_that_leave_the_archive_are_error_rows_and_never_read(tmp_path):
    outside = _secret(tmp_path)
    folder = tmp_path / "in"
    _plans(folder, ["plan.txt"])
    os.symlink(outside / "secret.txt", folder / "p.txt")
    os.symlink(outside, folder / "sub")
    os.symlink(folder / "plan.txt", folder / "same.txt")  # stays in the archive: read (as the same file)
    out = tmp_path / "out"
    report = run_batch([folder], out, RunOptions(workers=1, progress="none"))
    docs = corpus.read(out)["documents"].set_index("path")
    assert docs.loc[str(folder / "p.txt"), "error"].startswith("link points outside the archive")
    assert docs.loc[str(folder / "sub"), "error"].startswith("link points outside the archive")
    assert str(folder / "sub" / "secret.txt") not in docs.index
    assert docs.loc[str(folder / "plan.txt"), "status"] == "ok"
    assert report.n_documents == 3
    assert "hoa-sen-42" not in _shards_text(out)


def test_follow_links_reads_links_that_leave_the_archive(tmp_path):
    outside = _secret(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(outside / "secret.txt", folder / "p.txt")
    os.symlink(outside, folder / "sub")
    run_batch([folder], tmp_path / "out", RunOptions(workers=1, progress="none", follow_links=True))
    docs = corpus.read(tmp_path / "out")["documents"]
    assert list(docs["status"]) == ["ok"]  # one file, reached two ways, read once


def test_a_path_given_on_the_command_line_may_itself_be_a_link(tmp_path):
    outside = _secret(tmp_path)
    link = tmp_path / "given.txt"
    os.symlink(outside / "secret.txt", link)
    run_batch([link], tmp_path / "out", RunOptions(workers=1, progress="none"))
    assert list(corpus.read(tmp_path / "out")["documents"]["status"]) == ["ok"]


def test_an_output_folder_inside_the_input_is_never_read(tmp_path):
    folder = tmp_path / "in"
    _plans(folder, ["a.txt", "b.txt"])
    out = folder / "out"
    reports = [run_batch([folder], out, RunOptions(workers=1, progress="none")) for _ in range(3)]
    assert [r.n_documents for r in reports] == [2, 2, 2]
    assert reports[0].skipped_output == 0
    assert reports[1].skipped_output == reports[2].skipped_output == sum(1 for p in out.rglob("*") if p.is_file())
    # An output folder given directly, or a file in it, is skipped as well.
    elsewhere = run_batch([out, out / "documents.csv", folder / "a.txt"], tmp_path / "out2",
                          RunOptions(workers=1, progress="none"))
    assert elsewhere.n_documents == 1 and elsewhere.skipped_output > 1


def test_the_command_line_reports_skipped_output_files(tmp_path):
    from typer.testing import CliRunner

    from corpus.cli import app

    folder = tmp_path / "in"
    _plans(folder, ["a.txt"])
    args = ["run", str(folder), "--out", str(folder / "out"), "--workers", "1"]
    CliRunner().invoke(app, args)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "1 documents" in result.output and "skipped" in result.output and "ntm output" in result.output


# ---------------------------------------------------------------- formula injection


FORMULA_NAME = '=HYPERLINK("http:\\\\x.example","y").txt'


@pytest.mark.parametrize("text,expected", [
    ("=1+1", "'=1+1"), ("+84 912", "'+84 912"), ("- Tiêu chí 1", "'- Tiêu chí 1"), ("@SUM(A1)", "'@SUM(A1)"),
    ("\tx", "'\tx"), ("\rx", "'\rx"),
    ("Tiêu chí 1", "Tiêu chí 1"), ("", ""), ("1=1", "1=1"), ("'=x", "'=x"), (" =x", " =x"),
])
def test_neutralize(text, expected):
    from corpus.cells import neutralize

    assert neutralize(text) == expected


def test_no_cell_of_the_workbook_or_the_csv_is_a_formula(tmp_path, monkeypatch):
    import csv

    from openpyxl import load_workbook

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / FORMULA_NAME).write_text("- Tiêu chí 1: đạt\n+ Tiêu chí 2\n@ thôn 3\n" + PLAN, encoding="utf-8")
    out = tmp_path / "out"
    monkeypatch.chdir(folder)  # the file given by its bare name: its path cell starts with "="
    run_batch([Path(FORMULA_NAME)], out, RunOptions(workers=1, progress="none"))
    assert corpus.read(out)["documents"]["path"].iloc[0] == FORMULA_NAME  # Parquet keeps the exact text

    workbook = load_workbook(out / "ntm.xlsx")
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    assert "'" + FORMULA_NAME in texts
    for path in out.glob("*.csv"):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle):
                texts.extend(row)
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@", "\t", "\r"))]


# ---------------------------------------------------------------- the output folder


def test_a_second_run_on_the_same_output_exits_with_a_clear_message(tmp_path):
    from typer.testing import CliRunner

    from corpus.batch import OutputBusy, output_lock
    from corpus.cli import app

    folder = tmp_path / "in"
    _plans(folder, ["a.txt"])
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(OutputBusy, match=f"another ntm run \\(process {os.getpid()}\\) is writing to"):
            run_batch([folder], out, RunOptions(workers=1, progress="none"))
        result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--workers", "1"])
        assert result.exit_code == 2 and "another ntm run" in result.output
        assert not out.exists()
    report = run_batch([folder], out, RunOptions(workers=1, progress="none"))  # free again
    assert report.n_documents == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]  # the lock file is gone


def test_the_previous_output_left_by_a_run_stopped_after_its_swap_is_removed(tmp_path):
    folder = tmp_path / "in"
    _plans(folder, ["a.txt", "b.txt"])
    out = tmp_path / "out"
    run_batch([folder], out, RunOptions(workers=1, progress="none"))
    # What a run killed between the swap and the removal leaves: the previous output, no owner.
    shutil.copytree(out, tmp_path / ".out.tmp-k1ll3d")
    shutil.copytree(out, tmp_path / ".out.old-4242")
    (tmp_path / ".out.tmp-empty").mkdir()  # killed before it wrote its owner
    (folder / "c.txt").write_text(PLAN + "\nPhụ lục mới.\n", encoding="utf-8")
    report = run_batch([folder], out, RunOptions(workers=1, progress="none"))
    assert (report.n_documents, report.processed) == (3, 1)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out"]


def test_an_output_that_is_a_symlink_stays_a_symlink(tmp_path):
    folder = tmp_path / "in"
    _plans(folder, ["a.txt"])
    target = tmp_path / "disk" / "ntm-out"
    target.parent.mkdir()
    link = tmp_path / "out"
    os.symlink(target, link)
    for _ in range(2):
        run_batch([folder], link, RunOptions(workers=1, progress="none"))
        assert link.is_symlink() and os.readlink(link) == str(target)
        assert (target / "documents.parquet").is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == ["ntm-out"]


def test_the_output_folder_has_the_usual_mode(tmp_path):
    folder = tmp_path / "in"
    _plans(folder, ["a.txt"])
    out = tmp_path / "out"
    old = os.umask(0o022)
    try:
        run_batch([folder], out, RunOptions(workers=1, progress="none"))
        assert out.stat().st_mode & 0o777 == 0o755
        out.chmod(0o750)  # a mode the user chose is kept by the next run
        (folder / "b.txt").write_text(PLAN + "\nPhụ lục mới.\n", encoding="utf-8")
        run_batch([folder], out, RunOptions(workers=1, progress="none"))
        assert out.stat().st_mode & 0o777 == 0o750
    finally:
        os.umask(old)


def test_a_file_replaced_by_a_pipe_does_not_hang_the_worker(tmp_path):
    path = tmp_path / "plan.txt"
    path.write_text(PLAN, encoding="utf-8")
    sha = content_hash(path)
    path.unlink()
    os.mkfifo(path)
    outcome, _ = compute(Task(index=0, path=str(path), sha256=sha, shard=shard_name(sha, "txt")))
    assert outcome.transient and outcome.document["error"].startswith(CHANGED_WHILE_READING)


def test_copies_left_by_a_killed_reader_are_removed(tmp_path, monkeypatch):
    import subprocess
    import sys

    from normalize import pipeline
    from normalize.raw import ReadError

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    monkeypatch.setattr(pipeline, "_swept", set())
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"ntm-read-{gone.stdout.strip()}-x1"
    stale.mkdir()
    (stale / "document.pdf").write_bytes(b"%PDF-1.4")
    mine = tmp_path / f"ntm-read-{os.getpid()}-x2"
    mine.mkdir()
    with pytest.raises(ReadError):
        pipeline.read_data(b"not a pdf", Path("plan.pdf"))
    assert not stale.exists() and mine.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [mine.name]  # its own copy is gone too


def test_follow_links_on_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from corpus.cli import app

    outside = _secret(tmp_path)
    folder = tmp_path / "in"
    folder.mkdir()
    os.symlink(outside / "secret.txt", folder / "p.txt")
    for flag, status in [([], "error"), (["--follow-links"], "ok")]:
        out = tmp_path / f"out{len(flag)}"
        result = CliRunner().invoke(app, ["run", str(folder), "--out", str(out), "--workers", "1", *flag])
        assert result.exit_code == 0, result.output
        assert list(corpus.read(out)["documents"]["status"]) == [status]
