"""The Dask engine: the same per-document function on a Dask distributed cluster.

Files go to the workers by path (the cluster must see the same file system
paths as this machine, e.g. a shared mount); each task returns the document's
outcome and its shard's bytes, which this process writes into the run's
output folder, so workers need no access to it. Without a scheduler address a
local cluster of worker processes is started on the loopback interface.

Limits on Dask: a worker that dies (e.g. killed by its nanny for passing
`--memory-limit`) makes Dask retry the task on another worker; a task that
has killed workers `allowed-failures` times ends as "worker died (out of
memory?)". The time limit is kept here: a document not done `timeout_s` after
it was handed out gets its "timed out" row and its future is cancelled (a
thread already running it on a worker cannot be stopped, so it finishes in the
background).

Every worker is warmed up as the local engine's are (corpus.engine_preload,
through a worker plugin, also on workers that join later), so the first
documents do not pay for imports and caches. The processes of a local
cluster are forked from the local engine's warm server (started before the
run is planned), so they start with the pipeline imported and warmed up
instead of importing it after a fresh interpreter start.

Small files travel in batches (`DEFAULT_BATCH_DOCS` files, `DEFAULT_BATCH_BYTES`
of input at most, a larger file alone): a task costs this process and the
scheduler a few milliseconds whatever its size, about as much as a short text
takes to process. Each worker has one batch queued behind the one it runs, so
it never waits for a round trip to this process between batches; the time
limit of a queued batch counts from when one before it finished. A batch that
passes the time limit, or whose worker died, is cancelled and its files are
handed out again one by one, so only the file at fault gets the error row
(a file that hangs is found after at most twice the time limit).
"""
from __future__ import annotations

import multiprocessing as mp
import os
import time
import uuid
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from corpus.manifest import write_shard
from corpus.workers import WORKER_DIED, Outcome, Task, compute, failure_outcome


def dask_problem() -> str | None:
    """Why the Dask engine cannot run here, or None."""
    try:
        import distributed  # noqa: F401, PLC0415
    except ImportError:
        return "the Dask engine needs dask[distributed]: pip install 'ntm[dask]'"
    return None


DEFAULT_BATCH_DOCS = 8
DEFAULT_BATCH_BYTES = 256_000


def _remote(tasks: list[Task], page_lang: str | None = None) -> list[tuple[Outcome, bytes]]:
    return [compute(task, page_lang=page_lang) for task in tasks]


def _input_size(task: Task) -> int:
    try:
        return os.stat(task.path).st_size
    except OSError:
        return 0  # the worker gives the file its error row


def batches(tasks: Iterable[Task], max_docs: int = DEFAULT_BATCH_DOCS, max_bytes: int = DEFAULT_BATCH_BYTES,
            size: Callable[[Task], int] = _input_size) -> Iterator[list[Task]]:
    """Consecutive tasks in batches of at most `max_docs` files and `max_bytes` of input (a larger file alone)."""
    batch: list[Task] = []
    total = 0
    for task in tasks:
        n = size(task)
        if batch and (len(batch) >= max_docs or total + n > max_bytes):
            yield batch
            batch, total = [], 0
        batch.append(task)
        total += n
    if batch:
        yield batch


def _warm_up_plugin():
    """A worker plugin that imports corpus.engine_preload (the pipeline, warmed up) on every worker."""
    from distributed.diagnostics.plugin import WorkerPlugin  # noqa: PLC0415

    class WarmUp(WorkerPlugin):
        name = "ntm-warm-up"

        def setup(self, worker) -> None:
            import corpus.engine_preload  # noqa: F401, PLC0415

    return WarmUp()


def _local_cluster(workers: int, max_memory_mb: int | None, LocalCluster):
    """A cluster of `workers` processes on the loopback interface, forked from the warm server when there is one."""
    import dask  # noqa: PLC0415

    from corpus.engine import start_workers_server, without_main_script  # noqa: PLC0415

    start_workers_server(dask=True)
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    with dask.config.set({"distributed.worker.multiprocessing-method": method}), without_main_script():
        return LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
            memory_limit=f"{max_memory_mb}MB" if max_memory_mb else "auto",
        )


class _Clocks:
    """The time limits of the documents in flight on a cluster of `threads` threads.

    Twice as many documents as threads are in flight, so each thread has the
    next one queued. Dask runs them in the order they were handed out, so the
    first `threads` of them are running: a document's clock starts when it is
    handed out to a free thread, or when a document before it finishes.
    """

    def __init__(self, threads: int):
        self.threads = threads
        self.window = 2 * threads
        self._order: list = []  # futures in the order handed out
        self._started: dict = {}  # future -> when its clock started (running ones only)

    def handed_out(self, future, now: float) -> None:
        self._order.append(future)
        self._promote(now)

    def finished(self, future, now: float) -> None:
        self._order.remove(future)
        self._started.pop(future, None)
        self._promote(now)

    def _promote(self, now: float) -> None:
        for future in self._order[: self.threads]:
            self._started.setdefault(future, now)

    def first_deadline(self, timeout_s: float) -> float:
        return min(self._started.values(), default=time.monotonic()) + timeout_s

    def overdue(self, now: float, timeout_s: float) -> list:
        return [f for f, started in self._started.items() if now - started >= timeout_s]


@dataclass
class DaskEngine:
    """Run tasks on a Dask cluster: `scheduler` (tcp://host:port), a `client`, or a local cluster."""

    scheduler: str | None = None
    workers: int = 2
    timeout_s: float = 120.0
    max_memory_mb: int | None = None
    client: object | None = None
    page_lang: str | None = None  # language of the report pages the workers render (None: no pages)
    batch_docs: int = DEFAULT_BATCH_DOCS
    batch_bytes: int = DEFAULT_BATCH_BYTES

    def run(self, tasks: Iterable[Task], shard_folder: Path, on_outcome: Callable[[Outcome], None]) -> None:
        import dask  # noqa: PLC0415
        from distributed import Client, LocalCluster, wait  # noqa: PLC0415

        client, cluster = self.client, None
        own_client = client is None
        if own_client:
            with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
                if self.scheduler:
                    client = Client(self.scheduler)
                else:
                    cluster = _local_cluster(self.workers, self.max_memory_mb, LocalCluster)
                    client = Client(cluster)
        try:
            try:
                client.register_plugin(_warm_up_plugin())
            except Exception:  # noqa: BLE001 - warming up is an optimisation only
                pass
            self._run(client, wait, tasks, Path(shard_folder), on_outcome)
        finally:
            if own_client:
                client.close()
                if cluster is not None:
                    cluster.close()

    def _run(self, client, wait, tasks, shard_folder: Path, on_outcome) -> None:
        threads = max(1, sum(client.nthreads().values()) or self.workers)
        clocks = _Clocks(threads)
        run_token = uuid.uuid4().hex[:8]  # keys unique to this run: Dask never hands back another run's result
        pending = batches(tasks, self.batch_docs, self.batch_bytes)
        again: deque[list[Task]] = deque()  # the files of a failed batch, one by one, before any new batch
        in_flight: dict = {}  # future -> its batch of tasks, in the order handed out

        def hand_out() -> None:
            while len(in_flight) < clocks.window:
                batch = again.popleft() if again else next(pending, None)
                if batch is None:
                    return
                key = f"ntm-{run_token}-{batch[0].index}-{len(batch)}"
                future = client.submit(_remote, batch, self.page_lang, pure=False, key=key)
                in_flight[future] = batch
                clocks.handed_out(future, time.monotonic())

        hand_out()
        while in_flight:
            timeout = max(0.05, clocks.first_deadline(self.timeout_s) - time.monotonic())
            try:
                done, _ = wait(list(in_flight), timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            now = time.monotonic()
            for future in done:
                batch = in_flight.pop(future)
                clocks.finished(future, now)
                outcomes = self._collect(future, batch, shard_folder)
                if outcomes is None:  # the batch failed as a whole: its files again, one by one
                    again.extend([task] for task in batch)
                for outcome in outcomes or ():
                    on_outcome(outcome)
            for future in clocks.overdue(now, self.timeout_s):
                batch = in_flight.pop(future)
                clocks.finished(future, now)
                future.cancel()
                if len(batch) > 1:
                    again.extend([task] for task in batch)
                else:
                    on_outcome(failure_outcome(batch[0], f"timed out after {self.timeout_s:g} s", shard_folder))
            hand_out()

    @staticmethod
    def _collect(future, batch: list[Task], shard_folder: Path) -> list[Outcome] | None:
        """The batch's outcomes, its shards written; None when a batch of several files failed as a whole."""
        from distributed import KilledWorker  # noqa: PLC0415

        try:
            results = future.result()
        except Exception as e:  # noqa: BLE001 - a cluster failure is this document's row, not the run's end
            if len(batch) > 1:
                return None
            message = WORKER_DIED if isinstance(e, KilledWorker) else \
                f"the cluster could not process the file ({type(e).__name__})"
            return [failure_outcome(batch[0], message, shard_folder)]
        outcomes = []
        for task, (outcome, data) in zip(batch, results):
            write_shard(shard_folder / task.shard, data)
            outcomes.append(outcome)
        return outcomes
