"""The local engine: worker processes on this machine, each document under a time and memory limit.

A worker handles one document at a time. The parent watches every busy
worker: a worker that takes longer than the time limit is killed, one that
dies (out of memory, a crash in a C library) is noticed by its closed pipe;
either way that document gets an error row and a fresh worker takes the next
one. Workers are also replaced after `max_docs_per_worker` documents, so a
slow leak in a library cannot grow without bound.

Workers are forked from a server that has already imported the pipeline
(multiprocessing's forkserver), so a fresh worker starts in milliseconds
without inheriting the parent's threads. The server can be started before the
run is planned (`start_workers_server`), so its warm-up overlaps with the
parent's own start; this module imports the worker side only when it runs.
"""
from __future__ import annotations

import atexit
import multiprocessing as mp
import os
import signal
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from multiprocessing.connection import wait
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from corpus.workers import Limits, Outcome, Task

# Single-threaded numeric libraries in workers: the parallelism is one document per process.
_THREAD_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_STOP_GRACE_S = 5.0
_START_WAIT_S = 60.0  # how long a new worker may take to be ready before its task's clock starts anyway


def process_context(dask: bool = False):
    """The multiprocessing context of the workers and of the processes writing the outputs: forked from
    the warm server where the platform has one."""
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    ctx = mp.get_context(method)
    if method == "forkserver":
        # Modules the server imports once for every process forked from it (a server already running keeps its own).
        ctx.set_forkserver_preload(["distributed", "corpus.engine_preload"] if dask else ["corpus.engine_preload"])
    return ctx


def start_workers_server(dask: bool = False) -> None:
    """Start the server the workers are forked from, if not running, without waiting for its warm-up.

    The server inherits this process's environment: numeric libraries are set
    to one thread first (the parallelism is one document per process). With
    `dask` it also imports Dask's worker, for the processes of a local Dask
    cluster forked from it.
    """
    for name in _THREAD_ENV:
        os.environ.setdefault(name, "1")
    ctx = process_context(dask)
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        with without_main_script():
            forkserver.ensure_running()
        global _STOP_AT_EXIT
        if not _STOP_AT_EXIT:
            atexit.register(stop_workers_server)
            _STOP_AT_EXIT = True


_STOP_AT_EXIT = False


def stop_workers_server() -> None:
    """Stop the workers' server now, even in the middle of its warm-up, and wait for it to end.

    Called when this process exits: a run that found nothing to do (or a
    command that failed early) does not leave the server warming up for
    nothing after it. A server started later is a new one.
    """
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    pid = getattr(server, "_forkserver_pid", None)
    if not pid:
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except OSError:
        pass
    stop = getattr(server, "_stop", None)  # closes its pipe, reaps it and forgets it
    if stop is not None:
        try:
            stop()
        except OSError:
            pass


def _death_message(exitcode: int | None) -> str:
    from corpus.workers import WORKER_DIED

    if exitcode is not None and exitcode < 0:
        try:
            return f"{WORKER_DIED}: it was stopped by {signal.Signals(-exitcode).name}"
        except ValueError:
            pass
    return WORKER_DIED


@contextmanager
def without_main_script():
    """Start workers without re-running the caller's script in them.

    multiprocessing re-imports `__main__` in a new worker so that functions
    defined there can be unpickled; the workers run only corpus.workers, and
    skipping it keeps a script that calls `corpus.run` without an
    `if __name__ == "__main__":` guard from starting a run in every worker.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved_file = main.__dict__.pop("__file__", None)
    saved_spec = main.__dict__.get("__spec__")
    main.__spec__ = None
    try:
        yield
    finally:
        main.__spec__ = saved_spec
        if saved_file is not None:
            main.__file__ = saved_file


class _Worker:
    def __init__(self, ctx, limits: Limits, shard_folder: Path, function: Callable, start_timeout_s: float):
        from corpus.workers import READY, serve

        parent_end, child_end = ctx.Pipe()
        self.process = ctx.Process(target=serve, args=(child_end, limits, str(shard_folder), function), daemon=True)
        with without_main_script():
            self.process.start()
        child_end.close()
        self.conn = parent_end
        self.task: Task | None = None
        self.started = 0.0
        self.done = 0
        # A worker starts in milliseconds from the warm server; one whose function must import more
        # first (a stand-in in a test) is waited for here, so its start does not count against a document.
        self.ready = False
        try:
            if self.conn.poll(start_timeout_s):
                self.ready = self.conn.recv() == READY
        except (EOFError, OSError):
            pass  # died on the way up: the task given to it fails with the death message

    def give(self, task: Task) -> bool:
        try:
            self.conn.send(task)
        except (BrokenPipeError, OSError):
            return False
        self.task, self.started = task, time.monotonic()
        return True

    def exitcode(self) -> int | None:
        self.process.join(1.0)
        return self.process.exitcode

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(_STOP_GRACE_S)
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except (BrokenPipeError, OSError):
            pass
        self.process.join(_STOP_GRACE_S)
        self.kill()


@dataclass
class LocalEngine:
    """Run tasks on `workers` processes, each document limited to `timeout_s` and `max_memory_mb`."""

    workers: int
    timeout_s: float
    max_memory_mb: int | None
    max_docs_per_worker: int
    # What a worker runs per task (default: corpus.workers.compute); tests hand in stand-ins that hang or crash.
    function: Callable | None = None
    # Language of the report pages the workers render (None: no pages).
    page_lang: str | None = None

    def run(self, tasks: Iterable[Task], shard_folder: Path, on_outcome: Callable[[Outcome], None]) -> None:
        """Process every task exactly once: each ends as one outcome with its shard written."""
        from corpus.workers import Limits, compute

        start_workers_server()
        ctx = process_context()
        limits = Limits(max_memory_mb=self.max_memory_mb)
        function = self.function or (partial(compute, page_lang=self.page_lang) if self.page_lang else compute)
        pending: Iterator[Task] = iter(tasks)
        pool: list[_Worker] = []
        exhausted = False
        try:
            while True:
                # Hand out work: idle workers first, then new workers up to the limit.
                while not exhausted:
                    idle = next((w for w in pool if w.task is None), None)
                    if idle is None and len(pool) >= self.workers:
                        break
                    task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    if idle is None:
                        idle = _Worker(ctx, limits, shard_folder, function, max(self.timeout_s, _START_WAIT_S))
                        pool.append(idle)
                    while not idle.give(task):  # it died while idle: replace it
                        pool.remove(idle)
                        idle.kill()
                        idle = _Worker(ctx, limits, shard_folder, function, max(self.timeout_s, _START_WAIT_S))
                        pool.append(idle)
                busy = [w for w in pool if w.task is not None]
                if not busy:
                    break
                deadline = min(w.started for w in busy) + self.timeout_s
                ready = set(wait([w.conn for w in busy], timeout=max(0.0, deadline - time.monotonic())))
                for worker in busy:
                    if worker.conn in ready:
                        outcome = self._receive(worker, pool, shard_folder)
                        if outcome is None:
                            continue
                    elif time.monotonic() - worker.started >= self.timeout_s:
                        outcome = self._retire(worker, pool, shard_folder, f"timed out after {self.timeout_s:g} s")
                    else:
                        continue
                    on_outcome(outcome)
        finally:
            for worker in pool:
                if worker.task is None:
                    worker.stop()
                else:
                    worker.kill()

    def _receive(self, worker: _Worker, pool: list[_Worker], shard_folder: Path) -> Outcome | None:
        from corpus.workers import READY

        task = worker.task
        try:
            outcome = worker.conn.recv()
        except (EOFError, OSError):
            return self._retire(worker, pool, shard_folder, _death_message(worker.exitcode()))
        if isinstance(outcome, str) and outcome == READY:  # a late start: the task is under way now
            worker.ready = True
            return None
        worker.task = None
        worker.done += 1
        if worker.done >= self.max_docs_per_worker:
            pool.remove(worker)
            worker.stop()
        assert outcome.index == task.index
        return outcome

    def _retire(self, worker: _Worker, pool: list[_Worker], shard_folder: Path, message: str) -> Outcome:
        """Kill a worker whose document failed it; the document gets an error row."""
        from corpus.workers import failure_outcome

        task = worker.task
        pool.remove(worker)
        worker.kill()
        return failure_outcome(task, message, shard_folder)
