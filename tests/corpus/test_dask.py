"""The Dask engine gives the local engine's tables (a loopback cluster inside the test)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import corpus
from corpus.batch import RunOptions, run_batch
from corpus.engine_dask import _Clocks
from corpus.schema import TABLE_NAMES
from tests.fixtures import build

distributed = pytest.importorskip("distributed", reason="dask[distributed] is not installed (pip install 'ntm[dask]')")


@pytest.fixture(scope="module")
def client():
    # One in-process worker thread: no network at all (Dask's inproc transport).
    cluster = distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_tables_equal_local_tables(client, tmp_path):
    folder = tmp_path / "in"
    shutil.copytree(build.SAMPLES, folder)
    build.random_bytes(folder / "noise.pdf")
    build.empty_file(folder / "empty.txt")
    local = run_batch([folder], tmp_path / "local", RunOptions(workers=2, progress="none"))
    dask = run_batch([folder], tmp_path / "dask",
                     RunOptions(engine="dask", dask_client=client, progress="none"))
    assert dask.by_status == local.by_status == {"empty": 1, "error": 1, "ok": 5}
    a, b = corpus.read(tmp_path / "local"), corpus.read(tmp_path / "dask")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


def test_dask_runs_are_incremental_too(client, tmp_path):
    out = tmp_path / "out"
    run_batch([build.SAMPLES], out, RunOptions(engine="dask", dask_client=client, progress="none"))
    again = run_batch([build.SAMPLES], out, RunOptions(engine="dask", dask_client=client, progress="none"))
    assert (again.processed, again.reused) == (0, 5)


def test_dask_workers_are_warmed_up_like_local_ones(client, tmp_path):
    run_batch([build.SAMPLES], tmp_path / "out", RunOptions(engine="dask", dask_client=client, progress="none"))
    has_plugin = client.run(lambda dask_worker: "ntm-warm-up" in dask_worker.plugins)
    assert has_plugin and all(has_plugin.values())
    assert (tmp_path / "out" / "report.html").exists() and (tmp_path / "out" / "ntm.xlsx").exists()


def test_a_local_cluster_of_processes_gives_the_same_tables(tmp_path):
    # No client given: the engine starts its own loopback cluster, its processes forked from the warm server.
    local = run_batch([build.SAMPLES], tmp_path / "local", RunOptions(workers=1, progress="none", reports=False))
    dask = run_batch([build.SAMPLES], tmp_path / "dask",
                     RunOptions(engine="dask", workers=1, progress="none", reports=False))
    assert dask.by_status == local.by_status == {"ok": 5}
    a, b = corpus.read(tmp_path / "local"), corpus.read(tmp_path / "dask")
    for name in TABLE_NAMES:
        pd.testing.assert_frame_equal(a[name], b[name], obj=name)


class _Future:  # stands for a Dask future: only its identity matters to the clocks
    pass


def test_queued_documents_start_their_clock_when_a_thread_frees():
    clocks = _Clocks(threads=2)
    a, b, c, d = (_Future() for _ in range(4))
    assert clocks.window == 4
    for f in (a, b, c, d):
        clocks.handed_out(f, 0.0)
    assert clocks.first_deadline(10.0) == 10.0
    assert set(clocks.overdue(10.0, 10.0)) == {a, b}  # the queued ones have not started
    clocks.finished(a, 5.0)  # c starts on the thread a left
    assert set(clocks.overdue(12.0, 10.0)) == {b}
    assert set(clocks.overdue(15.0, 10.0)) == {b, c}
    clocks.finished(b, 15.0)
    clocks.finished(c, 15.0)
    assert clocks.overdue(24.0, 10.0) == []
    assert clocks.overdue(25.0, 10.0) == [d]


def test_a_document_handed_out_to_a_free_thread_starts_at_once():
    clocks = _Clocks(threads=2)
    a, b = _Future(), _Future()
    clocks.handed_out(a, 0.0)
    clocks.handed_out(b, 3.0)
    assert clocks.overdue(12.9, 10.0) == [a]
    clocks.finished(a, 13.0)
    assert clocks.overdue(13.0, 10.0) == [b]
