"""Rows into typed tables, and tables onto disk: Parquet, CSV (UTF-8 with BOM), DuckDB.

Outputs are written into a fresh folder beside the target and swapped into
place at the end, so a run killed at any moment leaves the previous output whole.
A run's tables go from Parquet to CSV and DuckDB a batch at a time, without
pandas (which only the in-memory `Tables` of the Python API use).
"""
from __future__ import annotations

import csv
import ctypes
import glob
import os
import shutil
import stat
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.cells import neutralize
if TYPE_CHECKING:
    import pandas as pd

from corpus.schema import TABLE_NAMES, arrow_schema, columns

OUTPUT_MARKER = ".ntm-output"  # marks a folder as ntm's, so a rerun may replace it
OWNER_FILE = "owner.pid"  # in a folder being written: the pid of the process writing it


@dataclass
class Tables:
    """The eight tables of a run as pandas DataFrames, typed as the contract says."""

    frames: dict[str, pd.DataFrame] = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.frames[name]

    def __getattr__(self, name: str) -> pd.DataFrame:
        frames = self.__dict__.get("frames", {})
        if name in frames:
            return frames[name]
        raise AttributeError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self.frames)


class TableRows:
    """The rows of a run's tables as plain dicts (missing values as None), a batch at a time.

    Reads a run folder's Parquet files batch by batch, so what is built from
    them (the summary report, the workbook) never holds a whole table; over
    in-memory `Tables` it gives the same rows.
    """

    def __init__(self, source: "Tables | Path | str", batch_rows: int = 5_000):
        self._tables = source if isinstance(source, Tables) else None
        self._folder = None if self._tables is not None else Path(source)
        self._batch_rows = batch_rows

    def count(self, name: str) -> int:
        if self._tables is not None:
            return len(self._tables[name]) if name in self._tables.frames else 0
        path = self._folder / f"{name}.parquet"
        return pq.ParquetFile(path).metadata.num_rows if path.exists() else 0

    def columns(self, name: str) -> list[str]:
        if self._tables is not None:
            return list(self._tables[name].columns) if name in self._tables.frames else columns(name)
        path = self._folder / f"{name}.parquet"
        return list(pq.ParquetFile(path).schema_arrow.names) if path.exists() else columns(name)

    def batches(self, name: str, cols: Iterable[str] | None = None) -> Iterator[list[dict]]:
        """Lists of rows of table `name` in order, each row holding `cols` (default: every column)."""
        wanted = list(cols) if cols is not None else None
        if self._tables is not None:
            if name not in self._tables.frames:
                return
            df = self._tables[name]
            if wanted is not None:
                df = df[[c for c in wanted if c in df.columns]]
            for start in range(0, len(df), self._batch_rows):
                part = pa.Table.from_pandas(df.iloc[start:start + self._batch_rows], preserve_index=False)
                yield part.to_pylist()
            return
        path = self._folder / f"{name}.parquet"
        if not path.exists():
            return
        parquet = pq.ParquetFile(path)
        if wanted is not None:
            present = set(parquet.schema_arrow.names)
            wanted = [c for c in wanted if c in present]
        for batch in parquet.iter_batches(batch_size=self._batch_rows, columns=wanted):
            yield batch.to_pylist()

    def rows(self, name: str, cols: Iterable[str] | None = None) -> Iterator[dict]:
        for batch in self.batches(name, cols):
            yield from batch


def preload_writers() -> threading.Thread:
    """Import what writes the outputs (DuckDB, the report, the workbook) in a background thread.

    Called while the workers process the documents, when this process mostly
    waits, so the imports are done by the time the tables are assembled.
    """

    def load() -> None:
        # pandas first: pyarrow imports it on the first table it builds from Python rows.
        for module in ("pandas", "duckdb", "xlsxwriter", "corpus.report", "corpus.excel", "corpus.audit_across"):
            try:
                __import__(module)
            except Exception:  # noqa: BLE001 - a missing writer fails later, where it is used, with its message
                pass
        try:
            sys.modules["corpus.report"].preload()
        except Exception:  # noqa: BLE001 - the summary compiles its template itself when it is written
            pass

    thread = threading.Thread(target=load, name="ntm-preload-writers", daemon=True)
    thread.start()
    return thread


def arrow_table(name: str, rows: Iterable[dict]) -> pa.Table:
    schema = arrow_schema(name)
    cols = columns(name)
    data = {c: [] for c in cols}
    for r in rows:
        for c in cols:
            data[c].append(r.get(c))
    return pa.Table.from_pydict(data, schema=schema)


def build_tables(rows_by_table: dict[str, list[dict]]) -> Tables:
    import pandas as pd

    frames = {}
    for name in TABLE_NAMES:
        frames[name] = arrow_table(name, rows_by_table.get(name, [])).to_pandas(types_mapper=pd.ArrowDtype)
    return Tables(frames)


def _write_folder(tables: Tables, folder: Path) -> None:
    for name in TABLE_NAMES:
        table = pa.Table.from_pandas(tables[name], schema=arrow_schema(name), preserve_index=False)
        pq.write_table(table, folder / f"{name}.parquet")
    finish_folder(folder)


def _csv_cell(v):
    """A value as pandas' CSV writer shows it: missing empty, True/False, floats as repr;
    text that a spreadsheet would run as a formula is neutralized."""
    if isinstance(v, str):
        return neutralize(v)
    return "" if v is None or (isinstance(v, float) and v != v) else v


def write_csv(parquet_path: Path, csv_path: Path, batch_rows: int = 10_000) -> None:
    """A Parquet table as CSV (UTF-8 with BOM, minimal quoting, `\\n` lines), a batch at a time."""
    parquet = pq.ParquetFile(parquet_path)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        names = parquet.schema_arrow.names
        writer.writerow(names)
        for batch in parquet.iter_batches(batch_size=batch_rows):
            cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            writer.writerows([_csv_cell(v) for v in row] for row in zip(*cols))


def finish_folder(folder: Path, batch_rows: int = 10_000) -> None:
    """CSV and DuckDB copies of the Parquet tables in `folder`, read a batch at a time, and the marker."""
    import duckdb

    for name in TABLE_NAMES:
        write_csv(folder / f"{name}.parquet", folder / f"{name}.csv", batch_rows)
    pa.default_memory_pool().release_unused()
    con = duckdb.connect(str(folder / "ntm.duckdb"), config={"memory_limit": "256MB", "threads": 1})
    try:
        for name in TABLE_NAMES:
            con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM read_parquet(?)', [str(folder / f"{name}.parquet")])
    finally:
        con.close()
    (folder / OUTPUT_MARKER).write_text("ntm output folder\n", encoding="utf-8")


def check_output_folder(out: Path) -> None:
    """Refuse to replace a non-empty folder that is not an ntm output (a user's files)."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"output path {out} exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not (out / OUTPUT_MARKER).exists():
        raise ValueError(f"output folder {out} holds files that ntm did not write; choose another --out")
    parent = out.resolve().parent
    if not os.access(parent if parent.exists() else parent.parent, os.W_OK):
        raise ValueError(f"cannot write to {parent}")


def new_output_folder(out: Path) -> Path:
    """A fresh hidden folder beside `out` to write a run into, swapped in by `swap_into_place`."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    os.chmod(folder, _folder_mode(out))  # mkdtemp's 0700 would become the output's mode
    (folder / OWNER_FILE).write_text(f"{os.getpid()}\n", encoding="utf-8")
    return folder


def _folder_mode(out: Path) -> int:
    """The mode of the output folder it replaces, else that of a new folder (0777 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(out).st_mode)
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o777 & ~umask


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where not supported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    done = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return done == 0


def swap_into_place(tmp: Path, out: Path) -> None:
    """Make the finished folder `tmp` the output `out`; the previous output is replaced in one step."""
    (tmp / OWNER_FILE).unlink(missing_ok=True)
    if out.exists():
        if _exchange(tmp, out):
            shutil.rmtree(tmp, ignore_errors=True)  # now holds the previous output
            return
        old = out.parent / f".{out.name}.old-{os.getpid()}"
        os.replace(out, old)
        os.replace(tmp, out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(tmp, out)


def recover_interrupted_swap(out: Path) -> None:
    """Put back a previous output that a run stopped between its two renames (where no exchange exists)."""
    out = Path(out)
    if not out.parent.is_dir():
        return
    olds = sorted(out.parent.glob(f".{glob.escape(out.name)}.old-*"))
    if olds and not out.exists():
        os.replace(olds.pop(), out)
    for old in olds:  # a run stopped after its swap, before it removed the previous output
        shutil.rmtree(old, ignore_errors=True)


def write_tables(tables: Tables, out: Path, extra: Iterable[tuple[str, bytes]] = ()) -> None:
    """Write every table into `out`, replacing a previous output only once all is written."""
    out = Path(out)
    check_output_folder(out)
    tmp = new_output_folder(out)
    try:
        _write_folder(tables, tmp)
        for name, data in extra:
            (tmp / name).write_bytes(data)
        swap_into_place(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def read_tables(out: Path) -> Tables:
    import pandas as pd

    out = Path(out)
    frames = {}
    for name in TABLE_NAMES:
        path = out / f"{name}.parquet"
        if path.exists():
            frames[name] = pq.read_table(path).to_pandas(types_mapper=pd.ArrowDtype)
        else:
            frames[name] = arrow_table(name, []).to_pandas(types_mapper=pd.ArrowDtype)
    return Tables(frames)
