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
documents do not pay for imports and caches.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from corpus.manifest import write_shard
from corpus.workers import WORKER_DIED, Outcome, Task, compute, failure_outcome


def dask_problem() -> str | None:
    """Why the Dask engine cannot run here, or None."""
    try:
        import distributed  # noqa: F401, PLC0415
    except ImportError:
        return "the Dask engine needs dask[distributed]: pip install 'ntm[dask]'"
    return None


def _remote(task: Task, page_lang: str | None = None) -> tuple[Outcome, bytes]:
    return compute(task, page_lang=page_lang)


def _warm_up_plugin():
    """A worker plugin that imports corpus.engine_preload (the pipeline, warmed up) on every worker."""
    from distributed.diagnostics.plugin import WorkerPlugin  # noqa: PLC0415

    class WarmUp(WorkerPlugin):
        name = "ntm-warm-up"

        def setup(self, worker) -> None:
            import corpus.engine_preload  # noqa: F401, PLC0415

    return WarmUp()


@dataclass
class DaskEngine:
    """Run tasks on a Dask cluster: `scheduler` (tcp://host:port), a `client`, or a local cluster."""

    scheduler: str | None = None
    workers: int = 2
    timeout_s: float = 120.0
    max_memory_mb: int | None = None
    client: object | None = None
    page_lang: str | None = None  # language of the report pages the workers render (None: no pages)

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
                    cluster = LocalCluster(
                        n_workers=self.workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                        dashboard_address=None,
                        memory_limit=f"{self.max_memory_mb}MB" if self.max_memory_mb else "auto",
                    )
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
        # As many documents in flight as the cluster has threads, so a document starts when handed out.
        window = max(1, sum(client.nthreads().values()) or self.workers)
        run_token = uuid.uuid4().hex[:8]  # keys unique to this run: Dask never hands back another run's result
        pending = iter(tasks)
        in_flight: dict = {}  # future -> (task, handed-out time)

        def hand_out() -> None:
            while len(in_flight) < window:
                task = next(pending, None)
                if task is None:
                    return
                future = client.submit(_remote, task, self.page_lang, pure=False, key=f"ntm-{run_token}-{task.index}")
                in_flight[future] = (task, time.monotonic())

        hand_out()
        while in_flight:
            oldest = min(started for _, started in in_flight.values())
            timeout = max(0.05, oldest + self.timeout_s - time.monotonic())
            try:
                done, _ = wait(list(in_flight), timeout=timeout, return_when="FIRST_COMPLETED")
            except TimeoutError:
                done = set()
            for future in done:
                task, _ = in_flight.pop(future)
                on_outcome(self._collect(future, task, shard_folder))
            now = time.monotonic()
            for future, (task, started) in list(in_flight.items()):
                if now - started >= self.timeout_s:
                    in_flight.pop(future)
                    future.cancel()
                    on_outcome(failure_outcome(task, f"timed out after {self.timeout_s:g} s", shard_folder))
            hand_out()

    @staticmethod
    def _collect(future, task: Task, shard_folder: Path) -> Outcome:
        from distributed import KilledWorker  # noqa: PLC0415

        try:
            outcome, data = future.result()
        except KilledWorker:
            return failure_outcome(task, WORKER_DIED, shard_folder)
        except Exception as e:  # noqa: BLE001 - a cluster failure is this document's row, not the run's end
            return failure_outcome(task, f"the cluster could not process the file ({type(e).__name__})", shard_folder)
        write_shard(shard_folder / task.shard, data)
        return outcome
