"""The batch: find the files, run each document on an engine, assemble the tables, swap them in.

A run writes into a fresh folder beside the output and swaps it in at the
end, so a run stopped at any moment leaves the previous output whole. Each
document's rows land in a shard as soon as it is done (see corpus.manifest);
the tables are assembled from the shards a few thousand rows at a time, so
memory does not grow with the number of documents. A rerun reuses the shards
of unchanged files (same bytes, same pipeline), also those of a run that was
stopped before it finished.
"""
from __future__ import annotations

import fcntl
import importlib
import json
import logging
import os
import shutil
import stat
import sys
import tempfile
import time
import traceback
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

import pyarrow.parquet as pq

from corpus.audit_across import AcrossAudit
from corpus.manifest import (
    MANIFEST_FILE, Entry, ShardStore, assembly_key, cache_dir, content_hash, display_path, pipeline_key, read_manifest,
    shard_name, write_manifest, write_shard,
)
from corpus.duplicates import DuplicateIndex, identity_of
from corpus.process import SKETCH_KEY, DocResult, localized
from corpus.schema import TABLE_NAMES, arrow_schema
from corpus.tables import (
    OUTPUT_MARKER, OWNER_FILE, Tables, arrow_table, check_output_folder, finish_folder, new_output_folder, preload_writers,
    read_tables, recover_interrupted_swap, swap_into_place, with_place,
)
from corpus.workers import Outcome, Task, failure_row
from normalize.pipeline import process_alive
from normalize.readers import file_type_of

log = logging.getLogger("ntm")

LOG_FILE = "ntm.log"
RUN_FILE = "run.json"
PIPELINE_FILE = "pipeline"  # in cache/: the pipeline key its shards were made with
RETRY_SUFFIX = ".retry.json"  # a shard of a failure that depends on the run's limits (redone on a rerun)

from corpus.defaults import DEFAULT_MAX_DOCS_PER_WORKER, DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT_S, ENGINES  # noqa: E402,F401
# Rows buffered per table before they are written out as a Parquet row group.
_ROWS_PER_WRITE = 2_000
_PLAIN_PROGRESS_EVERY_S = 10.0
DEFAULT_LANG = "vi"  # language of the findings' messages and of report.html


def sample_corpus() -> Path:
    """The bundled sample plans (`corpus/samples`)."""
    return Path(str(resources.files("corpus").joinpath("samples")))


LINK_OUTSIDE = "link points outside the archive (use --follow-links to read it)"


@dataclass
class Inputs:
    """The files of a run, the input roots they must stay inside, and what was left out."""

    files: list[Path]
    roots: list[str]  # the given paths, resolved
    skipped_output: int = 0  # files inside ntm output folders, never read as input


def is_output_folder(folder: Path) -> bool:
    """A folder ntm wrote: it holds the output marker or a run's manifest."""
    return (folder / OUTPUT_MARKER).is_file() or (cache_dir(folder) / MANIFEST_FILE).is_file()


def _inside(real: str, roots: Iterable[str]) -> bool:
    return any(real == root or real.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def _count_files(folder: Path) -> int:
    return sum(len(files) for _, _, files in os.walk(folder))


def _in_output_folder(path: Path) -> Path | None:
    """The ntm output folder that holds `path` (or is it), if any."""
    real = Path(os.path.realpath(path))
    for folder in (real, *real.parents) if real.is_dir() else real.parents:
        if is_output_folder(folder):
            return folder
    return None


def find_inputs(paths: Iterable[str | Path], follow_links: bool = False) -> Inputs:
    """Every file under the given files and folders, recursively, in a stable order.

    Hidden files are skipped; symlinked folders inside the inputs are followed
    once (a loop is not walked forever); one that points outside every given path
    is listed as a file (its run row says so) and not walked, unless
    `follow_links`. Output folders of ntm are never walked; a missing path is a
    usage error.
    """
    paths = [Path(p) for p in paths]
    for p in paths:
        if not p.exists():
            raise FileNotFoundError(f"no such file or folder: {display_path(p)}")
    roots = [os.path.realpath(p) for p in paths]
    found: list[Path] = []
    skipped = 0
    seen_dirs: set[tuple[int, int]] = set()
    for p in paths:
        output = _in_output_folder(p)
        if output is not None:
            skipped += _count_files(p) if p.is_dir() else 1
            continue
        if not p.is_dir():
            found.append(p)
            continue
        for root, dirs, files in os.walk(p, followlinks=True):
            try:
                st = os.stat(root)
            except OSError:
                dirs[:] = []
                continue
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add(key)
            walk = []
            for d in sorted(d for d in dirs if not d.startswith(".")):
                sub = Path(root) / d
                if not follow_links and sub.is_symlink() and not _inside(os.path.realpath(sub), roots):
                    found.append(sub)  # becomes an error row; never walked
                elif is_output_folder(sub):
                    skipped += _count_files(sub)
                else:
                    walk.append(d)
            dirs[:] = walk
            for f in sorted(files):
                if not f.startswith("."):
                    found.append(Path(root) / f)
    unique, seen = [], set()
    for f in found:
        k = os.path.realpath(f)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return Inputs(files=unique, roots=roots, skipped_output=skipped)


def discover(paths: Iterable[str | Path], follow_links: bool = False) -> list[Path]:
    """The files `find_inputs` finds."""
    return find_inputs(paths, follow_links).files


@dataclass
class RunOptions:
    """How a batch runs; every field has the command line's default."""

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout_s: float = DEFAULT_TIMEOUT_S
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    max_docs_per_worker: int = DEFAULT_MAX_DOCS_PER_WORKER
    force: bool = False
    engine: str | object = "local"  # "local", "dask", or an object with the engines' run(tasks, folder, on_outcome)
    scheduler: str | None = None
    progress: str = "auto"  # auto | rich | plain | none
    lang: str = "vi"  # language of report.html: vi | en
    reports: bool = True  # write report.html (and its report/ pages) beside the tables
    xlsx: bool = True  # write ntm.xlsx beside the tables
    follow_links: bool = False  # read symlinks that point outside the given paths
    dask_client: object | None = None


@dataclass
class RunReport:
    """What a run did, also written to `run.json` in the output folder."""

    n_documents: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)
    processed: int = 0
    reused: int = 0
    skipped_output: int = 0  # files of ntm output folders found among the inputs, not read
    duplicates: int = 0  # input files whose content an earlier file already has (documents.duplicate_of)
    pages: int = 0
    megabytes: float = 0.0
    elapsed_s: float = 0.0
    process_s: float = 0.0
    assemble_s: float = 0.0
    reports_s: float = 0.0  # report.html and ntm.xlsx, after the tables
    stage_s: dict[str, float] = field(default_factory=dict)
    peak_worker_rss_mb: float | None = None
    parent_peak_rss_mb: float | None = None
    # Documents per second over each tenth of the processed documents (to see a run slow down).
    docs_per_s_by_tenth: list[float] = field(default_factory=list)
    engine: str = "local"
    workers: int = 0
    pipeline: str = ""
    views: dict = field(default_factory=dict)  # report.html (its language) and ntm.xlsx written or not



# ---------------------------------------------------------------- progress


class _Progress:
    """Documents done, documents/s, pages/s and ETA: a live bar on a terminal, plain lines in a log."""

    def __init__(self, mode: str, total: int, reused: int):
        if mode == "auto":
            mode = "rich" if sys.stderr.isatty() else "plain"
        self.mode, self.total, self.done, self.pages = mode, total, 0, 0
        self.started = self.last_line = time.monotonic()
        self.bar = None
        if mode == "none" or total == 0:
            self.mode = "none"
            return
        if reused:
            self._say(f"ntm: {reused} unchanged documents reused, {total} to process")
        if mode == "rich":
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(
                TextColumn("[bold]ntm[/bold]"), BarColumn(), MofNCompleteColumn(),
                TextColumn("{task.fields[rates]}"), TextColumn("ETA"), TimeRemainingColumn(),
                transient=False,
            )
            self.bar.start()
            self.task = self.bar.add_task("run", total=total, rates="")

    @staticmethod
    def _say(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    def _rates(self) -> tuple[float, float, float]:
        elapsed = max(1e-9, time.monotonic() - self.started)
        docs_s = self.done / elapsed
        eta = (self.total - self.done) / docs_s if docs_s else float("inf")
        return docs_s, self.pages / elapsed, eta

    def advance(self, outcome: Outcome) -> None:
        self.done += 1
        self.pages += outcome.document.get("n_pages") or 0
        if self.mode == "rich":
            docs_s, pages_s, _ = self._rates()
            self.bar.update(self.task, advance=1, rates=f"{docs_s:.1f} docs/s {pages_s:.1f} pages/s")
        elif self.mode == "plain":
            now = time.monotonic()
            if now - self.last_line >= _PLAIN_PROGRESS_EVERY_S or self.done == self.total:
                self.last_line = now
                docs_s, pages_s, eta = self._rates()
                self._say(f"ntm: {self.done}/{self.total} documents, {docs_s:.1f} docs/s, "
                          f"{pages_s:.1f} pages/s, ETA {_duration(eta)}")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def _duration(seconds: float) -> str:
    if seconds == float("inf"):
        return "?"
    seconds = int(round(seconds))
    return f"{seconds // 3600}h{seconds % 3600 // 60:02d}m" if seconds >= 3600 else f"{seconds // 60}m{seconds % 60:02d}s"


# ---------------------------------------------------------------- planning


@dataclass
class _Plan:
    entries: list[Entry]
    tasks: list[Task]
    reused: int


def _stale_folders(out: Path) -> list[Path]:
    """Folders of earlier runs into `out` that were stopped before the end (their writer is gone).

    Called under the output's lock, so a folder without a live writer is no other run's work in
    progress: it is one killed before it wrote its owner, or the previous output that a run
    stopped between the swap and the removal left behind.
    """
    stale = []
    for folder in sorted(out.parent.glob(f".{_glob_escape(out.name)}.tmp-*")):
        if not folder.is_dir() or folder.is_symlink():
            continue
        try:
            pid = int((folder / OWNER_FILE).read_text().strip())
        except (OSError, ValueError):
            pid = None
        if pid is None or not process_alive(pid):
            stale.append(folder)
    return stale


LOCK_SUFFIX = ".lock"


class OutputBusy(ValueError):
    """Another run is writing to the same output folder."""


@contextmanager
def output_lock(out: Path):
    """Hold the lock of output folder `out` (a file beside it) for a run; OutputBusy when another run has it."""
    path = out.parent / f".{out.name}{LOCK_SUFFIX}"
    out.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip()
            os.close(fd)
            who = f" (process {holder})" if holder.isdigit() else ""
            raise OutputBusy(f"another ntm run{who} is writing to {display_path(out)}; "
                             "wait for it to finish or choose another --out") from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # the lock file was removed by the run that held it: lock the new one
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass
        os.close(fd)


def _glob_escape(name: str) -> str:
    import glob

    return glob.escape(name)


def _folder_key(folder: Path) -> str | None:
    try:
        return (cache_dir(folder) / PIPELINE_FILE).read_text(encoding="utf-8").strip()
    except OSError:
        return None


@dataclass(slots=True)  # a run keeps one per input file
class _Hashed:
    """An input file with its content hash, or why it is not read (`problem`)."""

    path: Path
    shown: str
    sha256: str | None = None
    problem: str | None = None

    def entry(self) -> Entry:
        if self.sha256 is None:
            return Entry(path=self.shown, sha256=None, shard=f"unreadable-{_text_hash(self.shown)}.json",
                         status="error", cacheable=False)
        return Entry(path=self.shown, sha256=self.sha256, shard=shard_name(self.sha256, file_type_of(Path(self.path))),
                     status="")


def _hash_inputs(files: list[Path], roots: list[str] | None = None) -> list[_Hashed]:
    """Hash every file; with `roots`, a file that resolves outside all of them is not read."""
    hashed = []
    for path in files:
        shown = display_path(path)
        try:
            if roots is not None and not _inside(os.path.realpath(path), roots):
                raise _Refused(LINK_OUTSIDE)
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode):
                raise _Refused("not a regular file (a folder, pipe or device)")
            hashed.append(_Hashed(path, shown, sha256=content_hash(path)))
        except (OSError, _Refused) as e:
            message = str(e) if isinstance(e, _Refused) else f"cannot read the file: {e.strerror or e}"
            hashed.append(_Hashed(path, shown, problem=message))
    return hashed


def _entries(hashed: list[_Hashed]) -> list[Entry]:
    """The manifest's entries of the hashed inputs, in the tables' order."""
    return sorted((h.entry() for h in hashed), key=lambda e: e.path)


def _plan(hashed: list[_Hashed], store: ShardStore, force: bool) -> _Plan:
    """Reuse the shard of an unchanged file, make a task for the others; an unread file gets its error row."""
    rows: list[tuple[str, Entry]] = []
    tasks: list[Task] = []
    queued: set[str] = set()
    reused = 0
    for h in hashed:
        entry = h.entry()
        rows.append((h.shown, entry))
        name = entry.shard
        if h.sha256 is None:
            task = Task(index=-1, path=os.fspath(h.path), sha256="", shard=name)
            write_shard(store.path(name), {"document": failure_row(task, h.problem), "rows": {}})
            continue
        if name in queued:
            continue
        if not force and store.adopt(name):
            reused += 1
            continue
        queued.add(name)
        tasks.append(Task(index=len(tasks), path=os.fspath(h.path), sha256=h.sha256, shard=name))
    rows.sort(key=lambda r: r[0])
    return _Plan(entries=[e for _, e in rows], tasks=tasks, reused=reused)


class _Refused(Exception):
    """A path that is not read; the message says why."""


def _text_hash(text: str) -> str:
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()[:32]


# ---------------------------------------------------------------- assembling


def _assemble(store: ShardStore, entries: list[Entry], folder: Path, on_result: Callable[[DocResult], None] | None,
              pages=None, on_parquet: Callable[[], None] | None = None, lang: str = DEFAULT_LANG):
    """Write the tables from the shards, in the entries' order, a bounded number of rows at a time.

    Every input file gets its `documents` row; a duplicate (the same bytes as an earlier file, or
    the same document in another format: corpus.duplicates) says which with `duplicate_of`, and
    its facts are not written again. Every other row gets its document's place and year, and each
    finding its message in `lang`.
    `pages` (a report.DocumentPages) receives every document as it passes, for its report page;
    `on_parquet` is called once the Parquet tables are complete, before their CSV and DuckDB copies.
    Returns the rows per table and the number of duplicates.
    """
    writers = {name: pq.ParquetWriter(folder / f"{name}.parquet", arrow_schema(name)) for name in TABLE_NAMES}
    buffers: dict[str, list[dict]] = {name: [] for name in TABLE_NAMES}
    counts = {name: 0 for name in TABLE_NAMES}
    across = AcrossAudit()  # cross-document checks, over all documents of the run
    index = DuplicateIndex()

    def flush(name: str) -> None:
        if buffers[name]:
            writers[name].write_table(arrow_table(name, buffers[name]))
            counts[name] += len(buffers[name])
            buffers[name] = []

    try:
        with open(folder / LOG_FILE, "w", encoding="utf-8", errors="backslashreplace") as log_file:
            for entry in entries:
                shard = store.read(entry.shard)
                document = dict(shard["document"])
                sketch = document.pop(SKETCH_KEY, None)
                document["path"] = entry.path
                entry.status = document.get("status") or "error"
                document["duplicate_of"] = index.check(entry.sha256, entry.path, document.get("file_type"), sketch,
                                                       identity_of(document))
                shard = _localized_shard(shard, lang)
                rows = {} if document["duplicate_of"] else shard.get("rows", {})
                buffers["documents"].append(document)
                if not document["duplicate_of"]:
                    across.add("documents", [document])
                for table, table_rows in rows.items():
                    if table in buffers:  # a table outside the contract is not written
                        buffers[table].extend(with_place(table_rows, document))
                        across.add(table, table_rows)
                if shard.get("log"):
                    log_file.write(f"== {entry.path}\n{shard['log'].rstrip()}\n\n")
                if pages is not None:
                    pages.add(entry.shard, document, shard)
                if on_result is not None:
                    on_result(DocResult(document=document, rows=rows, log=shard.get("log")))
                for name in TABLE_NAMES:
                    if len(buffers[name]) >= _ROWS_PER_WRITE:
                        flush(name)
            for document, found in across.findings():  # a commune's documents at a time
                found = localized(found, lang)
                buffers["findings"].extend(with_place(found, document))
                if pages is not None:
                    pages.amend(found)
                if len(buffers["findings"]) >= _ROWS_PER_WRITE:
                    flush("findings")
            for name in TABLE_NAMES:
                flush(name)
                if counts[name] == 0:
                    writers[name].write_table(arrow_table(name, []))
    finally:
        index.close()
        across.close()
        for writer in writers.values():
            writer.close()
    if on_parquet is not None:
        on_parquet()
    finish_folder(folder)
    return counts, index.duplicates


def _localized_shard(shard: dict, lang: str) -> dict:
    """A shard whose findings have their message in `lang`."""
    rows = shard.get("rows") or {}
    if not rows.get("findings"):
        return shard
    return {**shard, "rows": {**rows, "findings": localized(rows["findings"], lang)}}


# ---------------------------------------------------------------- the run


def _engine(options: RunOptions):
    if not isinstance(options.engine, str):
        return options.engine
    if options.engine == "dask":
        from corpus.engine_dask import DaskEngine, dask_problem

        problem = dask_problem()
        if problem:
            raise ValueError(problem)
        return DaskEngine(scheduler=options.scheduler, workers=options.workers, timeout_s=options.timeout_s,
                          max_memory_mb=options.max_memory_mb, client=options.dask_client, page_lang=_page_lang(options))
    if options.engine != "local":
        raise ValueError(f"unknown engine {options.engine!r}: choose one of {', '.join(ENGINES)}")
    from corpus.engine import LocalEngine

    return LocalEngine(workers=max(1, options.workers), timeout_s=options.timeout_s,
                       max_memory_mb=options.max_memory_mb, max_docs_per_worker=max(1, options.max_docs_per_worker),
                       page_lang=_page_lang(options))


def _page_lang(options: RunOptions) -> str | None:
    """The language the workers render report pages in; None when no report is written."""
    return options.lang if options.reports else None


def run_batch(
    paths: Iterable[str | Path] | None,
    out: str | Path,
    options: RunOptions | None = None,
    on_result: Callable[[DocResult], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> RunReport:
    """Run the pipeline on files/folders and write the tables to `out`; return what the run did."""
    options = options or RunOptions()
    out = Path(out)
    if out.is_symlink():  # write where the link points; the link stays
        out = Path(os.path.realpath(out))
    with output_lock(out):
        return _run_batch(paths, out, options, on_result, on_outcome)


def _run_batch(paths, out: Path, options: RunOptions, on_result, on_outcome) -> RunReport:
    started = time.monotonic()
    inputs = find_inputs(paths or [sample_corpus()], follow_links=options.follow_links)
    recover_interrupted_swap(out)
    check_output_folder(out)
    engine = _engine(options)
    key = pipeline_key()
    hashed = _hash_inputs(inputs.files, roots=None if options.follow_links else inputs.roots)
    skipped_output = inputs.skipped_output
    del inputs  # its paths are in `hashed` now; each kept to the end would weigh on a large run
    if not options.force:
        unchanged = _unchanged_output(out, key, _entries(hashed), _views(options))
        if unchanged is not None:  # same files, same pipeline: the output already is this run's
            unchanged.elapsed_s = time.monotonic() - started
            unchanged.skipped_output = skipped_output
            return unchanged
    stale = _stale_folders(out)
    previous = [] if options.force else [f for f in [out, *stale] if _folder_key(f) == key]
    tmp = new_output_folder(out)
    try:
        store = ShardStore(tmp, sources=previous)
        (cache_dir(tmp) / PIPELINE_FILE).write_text(key + "\n", encoding="utf-8")
        plan = _plan(hashed, store, options.force)
        del hashed  # the plan holds what the run needs of each file
        report = RunReport(engine=options.engine if isinstance(options.engine, str) else type(engine).__name__,
                           workers=options.workers, pipeline=key, views=_views(options),
                           processed=len(plan.tasks), reused=plan.reused, skipped_output=skipped_output)
        progress = _Progress(options.progress, len(plan.tasks), plan.reused)
        finish_times: list[float] = []
        peak = [0.0]
        retried: dict[str, str] = {}

        def record(outcome: Outcome) -> None:
            finish_times.append(time.monotonic())
            report.pages += outcome.document.get("n_pages") or 0
            report.megabytes += outcome.n_bytes / 1e6
            for stage, seconds in outcome.timings.items():
                report.stage_s[stage] = report.stage_s.get(stage, 0.0) + seconds
            if outcome.peak_rss_mb:
                peak[0] = max(peak[0], outcome.peak_rss_mb)
            if outcome.transient:  # kept under another name, which a rerun never reuses
                retry = outcome.shard.removesuffix(".json") + RETRY_SUFFIX
                os.replace(store.path(outcome.shard), store.path(retry))
                retried[outcome.shard] = retry
            progress.advance(outcome)
            if on_outcome is not None:
                on_outcome(outcome)

        process_started = time.monotonic()
        preload_writers()  # while the workers run, this process mostly waits
        try:
            engine.run(plan.tasks, store.folder, record)
        finally:
            progress.close()
        plan.tasks.clear()  # done; the entries say what assembly needs
        report.process_s = time.monotonic() - process_started
        report.peak_worker_rss_mb = round(peak[0], 1) if peak[0] else None
        report.docs_per_s_by_tenth = _rates_by_tenth(process_started, finish_times)
        for entry in plan.entries:
            if entry.shard in retried:
                entry.shard, entry.cacheable = retried[entry.shard], False

        assemble_started = time.monotonic()
        pages = _pages(tmp, options, store)
        views: dict = {}
        try:
            counts, report.duplicates = _assemble(store, plan.entries, tmp, on_result, pages,
                                                  on_parquet=lambda: views.update(_start_views(tmp, out, options, pages)),
                                                  lang=options.lang)
        except BaseException:
            if pages is not None:
                pages.discard()
            for job in views.values():
                job.cancel()
            raise
        write_manifest(tmp, key, plan.entries)
        report.assemble_s = time.monotonic() - assemble_started
        report.n_documents = len(plan.entries)
        report.by_status = dict(sorted(_count(e.status for e in plan.entries).items()))
        report.rows = counts
        reports_started = time.monotonic()
        _write_reports(tmp, pages, views)
        report.reports_s = round(time.monotonic() - reports_started, 3)
        report.stage_s = {k: round(v, 3) for k, v in report.stage_s.items()}
        report.elapsed_s = time.monotonic() - started
        report.parent_peak_rss_mb = round(_own_peak_rss_mb(), 1)
        (tmp / RUN_FILE).write_text(json.dumps(asdict(report), indent=2) + "\n", encoding="utf-8")
        _keep_only_used_shards(store, plan.entries)
        swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    for folder in stale:  # what they had finished now lives in the output
        shutil.rmtree(folder, ignore_errors=True)
    return report


def _pages(folder: Path, options: RunOptions, store: ShardStore):
    """The report pages of the run, filled during assembly; None when no report is written or it cannot be."""
    if not options.reports:
        return None
    try:
        from corpus.report import DocumentPages

        return DocumentPages(folder, options.lang, lambda name: _localized_shard(store.read(name), options.lang))
    except Exception:  # noqa: BLE001 - the tables are the product; the report is a view of them
        _log_report_failure(folder)
        return None


def _start_views(folder: Path, out: Path, options: RunOptions, pages) -> dict:
    """report.html (when its pages are being made) and ntm.xlsx, started as soon as the Parquet tables are
    complete, each in a process of its own (corpus.views); one that cannot start is logged, the other starts."""
    views = {}

    def start(view: str, name: str, module: str, writer: str, *args) -> None:
        try:
            from corpus.views import ViewJob

            views[view] = ViewJob(name, getattr(importlib.import_module(module), writer), folder, *args)
        except Exception:  # noqa: BLE001 - the tables are the product; the report and workbook are views of them
            _log_report_failure(folder)

    if pages is not None:
        start("report", "report.html", "corpus.report", "write_summary", folder, folder, options.lang, str(out))
    if options.xlsx:
        start("workbook", "ntm.xlsx", "corpus.excel", "write_xlsx", folder, folder, options.lang)
    return views


def _write_reports(folder: Path, pages=None, views: dict | None = None) -> None:
    """Put the report's pages in place and wait for the views (`_start_views`); a failure never loses the tables."""
    if pages is not None:
        try:
            pages.finish()
        except Exception:  # noqa: BLE001 - the tables are the product; the report is a view of them
            pages.discard()
            _log_report_failure(folder)
    for view, job in (views or {}).items():
        problem = job.wait()
        if problem:
            with open(folder / LOG_FILE, "a", encoding="utf-8") as fh:
                fh.write(f"== {view}\n{problem}\n")
            log.warning("%s could not be written; see %s", job.name, LOG_FILE)


def _log_report_failure(folder: Path) -> None:
    with open(folder / LOG_FILE, "a", encoding="utf-8") as fh:
        fh.write("== report\n" + traceback.format_exc() + "\n")
    log.warning("report.html / ntm.xlsx could not be written; see %s", LOG_FILE)


def _views(options: RunOptions) -> dict:
    """Which views of the tables a run writes (in run.json: a rerun asking for others writes them)."""
    return {"report": options.reports, "xlsx": options.xlsx, "lang": options.lang if options.reports else None,
            "messages": options.lang, "assembly": assembly_key()}


def _unchanged_output(out: Path, key: str, entries: list[Entry], views: dict) -> RunReport | None:
    """The report of a run that would rewrite `out` as it is (same paths, shards, pipeline and views), else None."""
    previous_key, previous = read_manifest(out)
    if previous_key != key or [(e.path, e.shard) for e in previous] != [(e.path, e.shard) for e in entries]:
        return None
    try:
        last = json.loads((out / RUN_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not all((out / f"{name}.parquet").is_file() for name in TABLE_NAMES) or last.get("views") != views:
        return None
    return RunReport(n_documents=len(entries), by_status=last.get("by_status", {}), rows=last.get("rows", {}),
                     processed=0, reused=len(entries), engine=last.get("engine", ""), pipeline=key, views=views,
                     duplicates=last.get("duplicates", 0))


def _keep_only_used_shards(store: ShardStore, entries: list[Entry]) -> None:
    used = {e.shard for e in entries}
    for f in store.folder.iterdir():
        if f.name not in used:
            f.unlink()


def _count(values: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for v in values:
        counts[v] = counts.get(v, 0) + 1
    return counts


def _rates_by_tenth(started: float, finish_times: list[float]) -> list[float]:
    n = len(finish_times)
    if n < 10:
        return []
    rates, previous = [], started
    for i in range(1, 11):
        end = finish_times[i * n // 10 - 1]
        count = i * n // 10 - (i - 1) * n // 10
        rates.append(round(count / max(1e-9, end - previous), 2))
        previous = end
    return rates


def _own_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(
    paths: Iterable[str | Path] | None = None,
    out: str | Path | None = None,
    on_result: Callable[[DocResult], None] | None = None,
    **options,
) -> Tables:
    """Run the pipeline on files/folders and return the tables; write them to `out` if given.

    Keyword options are those of `RunOptions` (workers, timeout_s, max_memory_mb,
    max_docs_per_worker, force, engine, scheduler, progress).

    >>> tables = run(["archive/"], out="out/")      # doctest: +SKIP
    >>> tables.criteria.groupby("status").size()    # doctest: +SKIP
    """
    options.setdefault("progress", "none")
    run_options = RunOptions(**options)
    if out is not None:
        run_batch(paths, out, run_options, on_result=on_result)
        return read_tables(Path(out))
    with tempfile.TemporaryDirectory(prefix="ntm-run-") as scratch:
        target = Path(scratch) / "out"
        run_batch(paths, target, run_options, on_result=on_result)
        return read_tables(target)

