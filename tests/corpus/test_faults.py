"""Faults: a worker that hangs, crashes or eats memory costs one row; a killed run costs nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

import corpus
from corpus.batch import RunOptions, run_batch
from corpus.engine import LocalEngine
from corpus.manifest import read_manifest
from corpus.schema import TABLE_NAMES
from corpus.workers import compute
from tests.fixtures import build

ROOT = Path(__file__).resolve().parents[2]
# Long enough for the memory hog to reach its limit on a loaded machine (it zero-fills 1 GB).
HANG_TIMEOUT_S = 5.0


def misbehaving(task):
    """A worker function that fails as its file's name says, and works normally otherwise."""
    name = Path(task.path).name
    if name.startswith("hang"):
        time.sleep(3600)
    if name.startswith("crash"):
        os.kill(os.getpid(), signal.SIGKILL)
    if name.startswith("exit"):
        os._exit(3)
    if name.startswith("hog"):
        hoard = []
        while True:  # until the address-space limit stops it
            hoard.append(bytearray(64 * 1024 * 1024))
    return compute(task)


def _folder(tmp_path: Path, names: list[str]) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for index, name in enumerate(names):
        text = build.SAMPLES.joinpath("004_900349470cd22162.txt").read_text(encoding="utf-8")
        (folder / name).write_text(text + f"\nPhụ lục {index}.\n", encoding="utf-8")
    return folder


def _engine(**kwargs) -> LocalEngine:
    options = dict(workers=2, timeout_s=HANG_TIMEOUT_S, max_memory_mb=1024, max_docs_per_worker=200, function=misbehaving)
    options.update(kwargs)
    return LocalEngine(**options)


def test_hung_crashed_and_hungry_workers_cost_one_row_each(tmp_path):
    names = ["a.txt", "hang.txt", "b.txt", "crash.txt", "c.txt", "exit.txt", "hog.txt", "d.txt"]
    folder = _folder(tmp_path, names)
    report = run_batch([folder], tmp_path / "out", RunOptions(engine=_engine(), progress="none"))
    docs = corpus.read(tmp_path / "out")["documents"].set_index("path")
    error_of = {name: docs.loc[str(folder / name), "error"] for name in names}
    assert report.n_documents == len(names)
    assert {n for n in names if docs.loc[str(folder / n), "status"] == "ok"} == {"a.txt", "b.txt", "c.txt", "d.txt"}
    assert error_of["hang.txt"] == f"timed out after {HANG_TIMEOUT_S:g} s"
    assert error_of["crash.txt"] == "worker died (out of memory?): it was stopped by SIGKILL"
    assert error_of["exit.txt"] == "worker died (out of memory?)"
    assert error_of["hog.txt"].startswith("worker died (out of memory?)")  # MemoryError escaped the stand-in


def test_limit_failures_are_redone_on_the_next_run(tmp_path):
    folder = _folder(tmp_path, ["a.txt", "hang.txt"])
    out = tmp_path / "out"
    run_batch([folder], out, RunOptions(engine=_engine(timeout_s=HANG_TIMEOUT_S), progress="none"))
    _, entries = read_manifest(out)
    hung = next(e for e in entries if e.path.endswith("hang.txt"))
    assert not hung.cacheable and hung.shard.endswith(".retry.json")
    again = run_batch([folder], out, RunOptions(engine=_engine(timeout_s=HANG_TIMEOUT_S), progress="none"))
    assert (again.processed, again.reused) == (1, 1)


def test_memory_limit_is_applied_in_the_worker(tmp_path):
    folder = _folder(tmp_path, ["hog.txt", "a.txt"])
    report = run_batch([folder], tmp_path / "out", RunOptions(engine=_engine(max_memory_mb=512, workers=1), progress="none"))
    assert report.by_status == {"error": 1, "ok": 1}


def test_a_run_killed_midway_leaves_the_previous_output_whole(tmp_path):
    folder = _folder(tmp_path, [f"plan {i:02d}.txt" for i in range(40)])
    out = tmp_path / "out"
    run_batch([build.SAMPLES], out, RunOptions(workers=1, progress="none"))
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    previous = corpus.read(out)

    command = [sys.executable, "-m", "corpus.cli", "run", str(folder), "--out", str(out), "--workers", "1", "--quiet"]
    child = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        shards = []
        for _ in range(600):  # until it has written a few documents (at most a minute)
            shards = list(tmp_path.glob(".out.tmp-*/cache/shards/*.json"))
            if len(shards) >= 3 or child.poll() is not None:
                break
            time.sleep(0.1)
        assert child.poll() is None, child.stderr.read().decode()
        assert shards, "the run wrote no shard"
    finally:
        os.killpg(child.pid, signal.SIGKILL)
        child.wait()

    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before
    now = corpus.read(out)
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(now[name], previous[name], obj=name)

    # The next run picks up what the killed one had finished, and cleans up after it.
    resumed = run_batch([folder], out, RunOptions(workers=1, progress="none"))
    assert resumed.reused >= 3 and resumed.n_documents == 40
    assert not list(tmp_path.glob(".out.tmp-*"))


def test_a_cyclic_page_tree_and_a_decompression_bomb_end_as_rows(tmp_path):
    from tests.corpus.test_batch import _cyclic_page_tree_pdf

    folder = tmp_path / "in"
    folder.mkdir()
    _cyclic_page_tree_pdf(folder / "cyclic.pdf")
    build.zip_bomb_docx(folder / "bomb.docx", uncompressed_mb=256)
    report = run_batch([folder], tmp_path / "out", RunOptions(workers=2, progress="none", timeout_s=60))
    assert report.n_documents == 2 and "ok" not in report.by_status
