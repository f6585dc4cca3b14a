"""`ntm run`: exit codes, messages, progress and quiet output."""
from __future__ import annotations

import shutil

from typer.testing import CliRunner

from corpus.cli import app
from tests.fixtures import build

SAMPLE = build.SAMPLES / "004_900349470cd22162.txt"


def _run(*args: str):
    return CliRunner().invoke(app, ["run", *args])


def test_a_missing_path_is_a_usage_error(tmp_path):
    result = _run(str(tmp_path / "nowhere"), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2
    assert "no such file or folder" in result.output
    assert not (tmp_path / "out").exists()


def test_an_output_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "out").write_text("mine")
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "is not a folder" in result.output


def test_a_folder_of_someone_elses_files_is_not_replaced(tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.docx").write_text("mine")
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "ntm did not write" in result.output
    assert (tmp_path / "out" / "notes.docx").read_text() == "mine"


def test_scheduler_needs_the_dask_engine(tmp_path):
    result = _run(str(SAMPLE), "--out", str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:8786")
    assert result.exit_code == 2 and "--engine dask" in result.output


def test_quiet_prints_nothing_and_plain_progress_otherwise(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / "plan.txt")
    quiet = _run(str(folder), "--out", str(tmp_path / "q"), "--quiet", "--workers", "1")
    assert quiet.exit_code == 0 and quiet.output == ""
    loud = _run(str(folder), "--out", str(tmp_path / "l"), "--workers", "1")
    assert loud.exit_code == 0
    assert "ntm: 1/1 documents" in loud.output  # a plain progress line: the output is not a terminal
    assert "1 documents (ok 1; 0 duplicates; 1 processed, 0 unchanged)" in loud.output


def test_failed_documents_still_exit_zero(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    build.random_bytes(folder / "noise.pdf")
    result = _run(str(folder), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == 0 and "error 1" in result.output
