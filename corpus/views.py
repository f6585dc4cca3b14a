"""Outputs written from a run's finished tables (ntm.xlsx, report.html, ntm.duckdb), each in a process of its own.

A view is pure-Python work that grows with the tables; in its own process it
overlaps with this process's CSV and DuckDB copies instead of adding to them,
and the memory it takes (the summary's matrix and document index grow with
the documents) is given back when it ends instead of raising the peak of the
run's process. Tables of a few documents (`INLINE_MAX_PARQUET_BYTES`) are
written here and now instead.
"""
from __future__ import annotations

import traceback
from pathlib import Path
from typing import Callable

from corpus.schema import TABLE_NAMES

# Tables up to this size (their Parquet files together) are written into their views at once, in
# this process: a view's own process would spend longer starting (forking, importing pyarrow and
# its writer, a fifth of a second) than such a view takes to write (a few hundredths).
INLINE_MAX_PARQUET_BYTES = 256_000


class ViewJob:
    """`write(*args)` for the tables in `folder`, in a process of its own (here and now for small tables).

    `write` is a module-level function (it is sent to the process by name); `name` says
    which view a problem is about. `wait` returns None when written, else the traceback
    of what failed.
    """

    def __init__(self, name: str, write: Callable, folder: Path, *args):
        self.name = name
        self.process = None
        self._problem: str | None = None
        if parquet_bytes(Path(folder)) <= INLINE_MAX_PARQUET_BYTES:
            try:
                write(*args)
            except Exception:  # noqa: BLE001 - reported by wait(), as the process's failure would be
                self._problem = traceback.format_exc()
            return
        from corpus.engine import process_context, without_main_script

        ctx = process_context()
        self._conn, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_write_view, args=(write, args, child), daemon=True, name=f"ntm-{name}")
        with without_main_script():
            self.process.start()
        child.close()

    def wait(self) -> str | None:
        if self.process is None:
            return self._problem
        try:
            problem = self._conn.recv()
        except (EOFError, OSError):
            problem = None if self.process.exitcode == 0 else f"the process writing {self.name} ended early"
        self.process.join()
        self._conn.close()
        if problem is None and self.process.exitcode != 0:
            problem = f"the process writing {self.name} ended with exit code {self.process.exitcode}"
        return problem

    def cancel(self) -> None:
        if self.process is None:  # written already
            return
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._conn.close()


def parquet_bytes(folder: Path) -> int:
    """The size of the run's Parquet tables together."""
    total = 0
    for name in TABLE_NAMES:
        try:
            total += (folder / f"{name}.parquet").stat().st_size
        except OSError:
            pass
    return total


def _write_view(write: Callable, args: tuple, conn) -> None:
    try:
        write(*args)
        conn.send(None)
    except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(traceback.format_exc())
    finally:
        conn.close()
