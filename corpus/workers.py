"""What runs inside a worker: one document at a time, under limits, its rows written as a shard.

Every engine hands a `Task` (a file by path, its content hash and shard name)
to `compute`, which runs `process_file` and returns a small `Outcome` (the
document's row and figures) plus the shard's bytes. The local engine's worker
processes (`serve`) write the shard themselves; a Dask worker sends the bytes
back. Rows never travel through the parent process one by one.

Given a report language, `compute` also renders the document's report page
here, where its text and rows already are, and keeps it in the shard; the
parent then only copies it into `report/`.
"""
from __future__ import annotations

import os
import resource
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from corpus.manifest import display_path, doc_id_of_hash, encode_shard, write_shard
from normalize.readers import file_type_of

if TYPE_CHECKING:
    from corpus.process import DocResult

WORKER_DIED = "worker died (out of memory?)"
READY = "ready"  # what a local worker sends once it has started, before its first task


@dataclass(slots=True)  # a run keeps one per input file
class Task:
    """One input file to process: `path` as the OS gives it, `shard` the file its rows go to."""

    index: int
    path: str
    sha256: str
    shard: str


@dataclass
class Outcome:
    """What the parent keeps of a processed document: its `documents` row and the figures of the run."""

    index: int
    shard: str
    document: dict
    n_rows: int = 0
    n_bytes: int = 0
    timings: dict[str, float] = field(default_factory=dict)
    transient: bool = False
    has_log: bool = False
    peak_rss_mb: float | None = None
    pid: int | None = None


@dataclass
class Limits:
    max_memory_mb: int | None = None


def peak_rss_mb() -> float:
    """This process's peak resident memory, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _file_size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def compute(task: Task, page_lang: str | None = None) -> tuple[Outcome, bytes]:
    """Process one file; never raises for a bad file. Returns the outcome and the shard's bytes.

    With `page_lang` the shard also holds the document's report page in that language.
    The pipeline is imported here, not with this module: the parent of a run unpickles the
    outcomes (and fails a task) through this module and never runs a document; a worker has
    imported the pipeline before its first task (corpus.engine_preload).
    """
    from corpus.process import DocResult, process_file

    try:
        result = process_file(task.path, expected_sha256=task.sha256 or None)
    except BaseException as e:  # noqa: BLE001 - nothing a document does may end the worker's loop
        if isinstance(e, (KeyboardInterrupt, SystemExit)):
            raise
        result = DocResult(
            document=failure_row(task, f"could not process the file ({type(e).__name__})"),
            log=traceback.format_exc(),
            transient=isinstance(e, MemoryError),
        )
    document = dict(result.document)
    document["path"] = display_path(task.path)
    if not document.get("doc_id") and task.sha256:
        document["doc_id"] = doc_id_of_hash(task.sha256)
    timings = dict(result.timings)
    page = None
    if page_lang and document.get("doc_id"):
        started = time.perf_counter()
        page = _page(document, result, page_lang)
        timings["page"] = time.perf_counter() - started
    started = time.perf_counter()
    data = encode_shard(document, result.rows, result.log, result.text, page=page)
    timings["write"] = time.perf_counter() - started
    outcome = Outcome(
        index=task.index,
        shard=task.shard,
        document=document,
        n_rows=sum(len(rs) for rs in result.rows.values()),
        n_bytes=result.n_bytes,
        timings=timings,
        transient=result.transient,
        has_log=bool(result.log),
        peak_rss_mb=peak_rss_mb(),
        pid=os.getpid(),
    )
    return outcome, data


def _page(document: dict, result: DocResult, lang: str) -> dict | None:
    """The document's report page; None (the parent renders it) if it cannot be rendered here."""
    try:
        from corpus.process import localized
        from corpus.report import page_entry

        rows = dict(result.rows, findings=localized(result.rows.get("findings") or [], lang))
        return page_entry(document, rows, result.text, lang)
    except Exception:  # noqa: BLE001 - the page is a view; the rows must still reach the tables
        return None


def failure_row(task: Task, message: str) -> dict:
    """The `documents` row of a file whose worker failed (died, timed out): status error and why."""
    return {
        "doc_id": doc_id_of_hash(task.sha256) if task.sha256 else None,
        "path": display_path(task.path),
        "file_type": file_type_of(Path(task.path)),
        "status": "error",
        "error": message,
        "n_pages": None,
        "n_chars": None,
        "repairs": "{}",
        "quality": None,
    }


def failure_outcome(task: Task, message: str, shard_folder: Path, log: str | None = None) -> Outcome:
    """Write the shard of a file whose worker failed and return its outcome (retried on a rerun)."""
    row = failure_row(task, message)
    write_shard(Path(shard_folder) / task.shard, encode_shard(row, {}, log))
    return Outcome(index=task.index, shard=task.shard, document=row, n_bytes=_file_size(task.path),
                   transient=True, has_log=bool(log))


def apply_limits(limits: Limits) -> None:
    """Cap this process's address space, so a runaway document fails here and not on the machine."""
    if limits.max_memory_mb:
        wanted = int(limits.max_memory_mb) * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            wanted = min(wanted, hard)
        resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crashing reader leaves no core file
    except (ValueError, OSError):  # pragma: no cover
        pass


def serve(conn, limits: Limits, shard_folder: str, function=compute) -> None:
    """A local worker's loop: receive a task, write its shard, send back the outcome; None stops it.

    `function` is `compute` unless a test hands in a stand-in (it must be importable by name).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    apply_limits(limits)
    folder = Path(shard_folder)
    try:
        conn.send(READY)  # started: the time limit of a task counts from here, not from the fork
    except (BrokenPipeError, OSError):
        return
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcome, data = function(task)
        started = time.perf_counter()
        try:
            write_shard(folder / task.shard, data)
        except MemoryError:
            outcome = failure_outcome(task, "ran out of memory: the document's rows are too large for the memory limit",
                                      folder)
        outcome.timings["write"] = outcome.timings.get("write", 0.0) + time.perf_counter() - started
        try:
            conn.send(outcome)
        except (BrokenPipeError, OSError):
            return
        finally:
            sys.stdout.flush()
