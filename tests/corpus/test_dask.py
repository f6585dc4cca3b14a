"""The Dask engine gives the local engine's tables (a loopback cluster inside the test)."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest

import corpus
from corpus.batch import RunOptions, run_batch
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
