"""The batch over bad and untrusted input: one row per file, nothing lost, nothing stops the run."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

import corpus
from corpus.batch import discover, run_batch, RunOptions
from corpus.cli import app
from corpus.schema import TABLE_NAMES
from tests.fixtures import build

SAMPLE = build.SAMPLES / "001_3d9196984cd8069e.txt"
ONE_LINE_BYTES = 6 * 1024 * 1024


def _cyclic_page_tree_pdf(path: Path) -> Path:
    """A PDF whose page tree lists itself among its kids."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
        b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 3 0 R] /Count 2 >>",
    ]
    data = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(data))
    return path


# File name → the status it must get and a fragment of its message (None: any non-ok status with a message).
BAD_FILES = {
    "empty.txt": ("empty", "file is empty"),
    "zero.pdf": ("empty", "file is empty"),
    "truncated.pdf": ("error", "PDF is damaged"),
    "noise.pdf": ("error", "not a PDF: unknown content"),
    "notes.pdf": ("error", "not a PDF: the file starts with text"),
    "locked.pdf": ("error", "PDF is encrypted: a password is needed"),
    "noise.txt": ("error", "not valid UTF-8"),
    "broken.docx": ("error", "DOCX is damaged"),
    "archive.docx": ("error", "not a DOCX"),
    "bomb.docx": ("error", "DOCX refused"),
    "cyclic.pdf": (None, None),
    "data.xyz": ("error", "unsupported file type .xyz"),
}
ONE_LINE = "one_line.txt"
GOOD = "plan.txt"


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory) -> Path:
    problem = build.typesetting_problem()
    if problem:
        pytest.skip(problem)
    font = build.find_vietnamese_font()
    work = tmp_path_factory.mktemp("bad")
    folder = work / "in"
    folder.mkdir()
    pdf = build.typeset_pdf(work / "source.pdf", build.sample_paragraphs(limit=30), font).path
    docx = build.docx_with_table(work / "source.docx", build.sample_paragraphs(limit=10))
    build.empty_file(folder / "empty.txt")
    build.empty_file(folder / "zero.pdf")
    build.truncated_copy(pdf, folder / "truncated.pdf")
    build.random_bytes(folder / "noise.pdf")
    build.text_named(folder / "notes.pdf")
    build.encrypted_pdf(folder / "locked.pdf", font)
    build.random_bytes(folder / "noise.txt", seed=11)
    build.truncated_copy(docx, folder / "broken.docx")
    build.zip_not_docx(folder / "archive.docx")
    build.zip_bomb_docx(folder / "bomb.docx")
    _cyclic_page_tree_pdf(folder / "cyclic.pdf")
    (folder / "data.xyz").write_bytes(b"a file of an unknown kind\n")
    line = "Xã đạt 15/19 tiêu chí nông thôn mới năm 2024, thu nhập bình quân 52 triệu đồng. "
    (folder / ONE_LINE).write_bytes((line * (ONE_LINE_BYTES // len(line.encode()) + 1)).encode()[:ONE_LINE_BYTES])
    shutil.copy(SAMPLE, folder / GOOD)
    return folder


@pytest.fixture(scope="module")
def bad_run(bad_folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("bad-out") / "out"
    result = CliRunner().invoke(app, ["run", str(bad_folder), "--out", str(out), "--workers", "2", "--timeout", "3"])
    return result, out


def test_a_folder_of_bad_files_runs_to_the_end(bad_run):
    result, out = bad_run
    assert result.exit_code == 0, result.output
    assert (out / "documents.parquet").is_file()


def test_every_bad_file_has_its_row_and_message(bad_run, bad_folder):
    _, out = bad_run
    docs = corpus.read(out)["documents"].set_index("path")
    assert len(docs) == len(list(bad_folder.iterdir()))
    for name, (status, fragment) in BAD_FILES.items():
        row = docs.loc[str(bad_folder / name)]
        assert row["status"] != "ok", name
        assert isinstance(row["error"], str) and row["error"], name
        assert "\n" not in row["error"] and "Traceback" not in row["error"], name
        if status is not None:
            assert row["status"] == status, (name, row["error"])
            assert fragment in row["error"], (name, row["error"])


def test_a_six_megabyte_line_ends_as_a_row(bad_run, bad_folder):
    _, out = bad_run
    row = corpus.read(out)["documents"].set_index("path").loc[str(bad_folder / ONE_LINE)]
    if row["status"] != "ok":  # too slow for the 3 s limit: a row that says so, not a hang
        assert row["error"] == "timed out after 3 s"


def test_the_good_plan_among_bad_files_has_the_rows_it_has_alone(bad_run, bad_folder, tmp_path):
    _, out = bad_run
    together = corpus.read(out)
    alone = corpus.run([bad_folder / GOOD], out=tmp_path / "alone", workers=1)
    doc_id = alone["documents"]["doc_id"].iloc[0]
    assert alone["documents"]["status"].iloc[0] == "ok"
    for name in TABLE_NAMES:
        mine = together[name][together[name]["doc_id"] == doc_id].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone[name].reset_index(drop=True), obj=name)


def test_tracebacks_go_to_the_log_not_the_tables(bad_run):
    _, out = bad_run
    docs = corpus.read(out)["documents"]
    assert not docs["error"].dropna().str.contains("Traceback").any()
    assert (out / "ntm.log").is_file()


def _frames(out: Path) -> dict[str, pd.DataFrame]:
    tables = corpus.read(out)
    return {name: tables[name] for name in TABLE_NAMES}


def test_two_runs_give_identical_tables_whatever_the_workers(tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(build.SAMPLES, folder)
    shutil.copy(SAMPLE, folder / "copy of a plan.txt")  # the same content twice: two rows, one doc_id
    first = run_batch([folder], tmp_path / "a", RunOptions(workers=1, progress="none"))
    run_batch([folder], tmp_path / "b", RunOptions(workers=2, progress="none", max_docs_per_worker=1))
    assert first.by_status == {"ok": 6}
    a, b = _frames(tmp_path / "a"), _frames(tmp_path / "b")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)
    assert list(a["documents"]["path"]) == sorted(a["documents"]["path"])
    assert a["documents"]["doc_id"].nunique() == 5


def test_untrusted_file_names(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    names = ["kế hoạch xã.txt", 'say "hi" it\'s.txt', "line\nbreak.txt", "$(touch pwned).txt", "-rf.txt"]
    for index, name in enumerate(names):
        (folder / name).write_text(f"Kế hoạch số {index}\nXã đạt 15/19 tiêu chí.\n", encoding="utf-8")
    undecodable = os.fsencode(folder) + b"/ten\xff\xfe.txt"
    with open(undecodable, "wb") as handle:
        handle.write("Kế hoạch xây dựng nông thôn mới.\n".encode())
    out = tmp_path / "out"
    before = set(tmp_path.iterdir())
    report = run_batch([folder], out, RunOptions(workers=2, progress="none"))
    assert report.n_documents == len(names) + 1
    docs = corpus.read(out)["documents"]
    assert set(docs["status"]) == {"ok"}
    assert {str(folder / n) for n in names} <= set(docs["path"])
    assert any(p.endswith("ten\\xff\\xfe.txt") for p in docs["path"])
    assert not (Path.cwd() / "pwned").exists() and not (folder / "pwned").exists()
    assert set(tmp_path.iterdir()) == before | {out}, "nothing but the output folder is left beside it"


def test_symlink_loops_and_special_files(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE, folder / "sub" / "plan.txt")
    os.symlink(folder, folder / "sub" / "loop")
    os.symlink(folder / "missing.txt", folder / "dangling.txt")
    os.mkfifo(folder / "pipe.txt")
    files = discover([folder])
    assert sorted(p.name for p in files) == ["dangling.txt", "pipe.txt", "plan.txt"]
    run_batch([folder], tmp_path / "out", RunOptions(workers=1, progress="none", timeout_s=30))
    docs = corpus.read(tmp_path / "out")["documents"].set_index("path")
    assert docs.loc[str(folder / "sub" / "plan.txt"), "status"] == "ok"
    assert docs.loc[str(folder / "pipe.txt"), "error"] == "not a regular file (a folder, pipe or device)"
    assert docs.loc[str(folder / "dangling.txt"), "error"].startswith("cannot read the file")


def test_python_api_without_an_output_folder_leaves_nothing_behind(tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    tables = corpus.run([SAMPLE], workers=1)
    assert list(tables["documents"]["status"]) == ["ok"]
    assert list(tmp_path.iterdir()) == []
