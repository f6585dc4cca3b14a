"""The Dask engine gives the local engine's tables (a loopback cluster inside the test)."""
from __future__ import annotations

import shutil
import time

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


def _tasks(*names: str) -> list:
    from corpus.workers import Task

    return [Task(index=i, path=name, sha256=f"{i:064x}", shard=f"{name}.json") for i, name in enumerate(names)]


def test_small_files_travel_in_batches_and_a_large_one_alone():
    from corpus.engine_dask import batches

    sizes = {"a": 10, "b": 10, "c": 10, "big": 1_000, "d": 10}
    groups = batches(_tasks(*sizes), max_docs=2, max_bytes=100, size=lambda t: sizes[t.path])
    assert [[t.path for t in group] for group in groups] == [["a", "b"], ["c"], ["big"], ["d"]]


class _Done:
    """A Dask future already finished: its result, or the error its task raised."""

    def __init__(self, function, *args):
        self.value, self.error = None, None
        try:
            self.value = function(*args)
        except Exception as e:  # noqa: BLE001
            self.error = e

    def result(self):
        if self.error is not None:
            raise self.error
        return self.value

    def cancel(self):
        pass


class _Client:
    """Runs each submitted batch at once, in this process, and remembers what was handed out."""

    def __init__(self, hanging: set[str]):
        self.hanging, self.handed_out, self.running = hanging, [], {}

    def nthreads(self):
        return {"worker": 1}

    def submit(self, function, batch, page_lang, pure, key):
        self.handed_out.append([t.path for t in batch])
        future = _Done(function, batch, page_lang)
        self.running[future] = any(t.path in self.hanging for t in batch)
        return future

    def wait(self, futures, timeout, return_when):
        done = {f for f in futures if not self.running[f]}
        if not done:
            time.sleep(timeout)
        return done, set(futures) - done


def _run_with(monkeypatch, tmp_path, names, broken=(), hanging=(), timeout_s=30.0):
    import corpus.engine_dask as engine_dask
    from corpus.workers import Outcome

    def compute(task, page_lang=None):
        if task.path in broken:
            raise distributed.KilledWorker(task.path, None, 1)
        return Outcome(index=task.index, shard=task.shard, document={"path": task.path, "status": "ok"}), b"{}"

    monkeypatch.setattr(engine_dask, "compute", compute)
    client = _Client(set(hanging))
    engine = engine_dask.DaskEngine(client=client, timeout_s=timeout_s, batch_docs=4)
    outcomes = {}
    engine._run(client, client.wait, _tasks(*names), tmp_path,
                lambda o: outcomes.setdefault(o.document["path"], o.document.get("error") or o.document["status"]))
    return client.handed_out, outcomes


def test_a_batch_whose_worker_died_is_handed_out_again_one_file_at_a_time(monkeypatch, tmp_path):
    handed_out, outcomes = _run_with(monkeypatch, tmp_path, ["a", "b", "killer", "c"], broken={"killer"})
    assert handed_out == [["a", "b", "killer", "c"], ["a"], ["b"], ["killer"], ["c"]]
    assert outcomes == {"a": "ok", "b": "ok", "killer": "worker died (out of memory?)", "c": "ok"}


def test_a_batch_past_the_time_limit_is_split_and_only_the_hanging_file_times_out(monkeypatch, tmp_path):
    handed_out, outcomes = _run_with(monkeypatch, tmp_path, ["a", "hangs", "b"], hanging={"hangs"}, timeout_s=0.05)
    assert handed_out[0] == ["a", "hangs", "b"] and sorted(handed_out[1:]) == [["a"], ["b"], ["hangs"]]
    assert outcomes == {"a": "ok", "hangs": "timed out after 0.05 s", "b": "ok"}
