"""Rows into typed tables, and tables onto disk: Parquet, CSV (UTF-8 with BOM), DuckDB.

Outputs are written into a fresh folder beside the target and swapped into
place at the end, so a run killed at any moment leaves the previous output whole.
A run's tables go from Parquet to CSV and DuckDB a batch at a time, without
pandas (which only the in-memory `Tables` of the Python API use).
"""
from __future__ import annotations

import csv
import ctypes
import datetime
import glob
import json
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
import regex

from corpus.cells import neutralize
if TYPE_CHECKING:
    import pandas as pd

from corpus.schema import DATES, ENUMS, PLACE, PRECISION_OF, RENAMED, TABLE_NAMES, arrow_schema, columns, enum_values

_DAY = regex.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = regex.compile(r"\d{4}-\d{2}")
_QUARTER = regex.compile(r"\d{4}-Q[1-4]")
_YEAR = regex.compile(r"\d{4}")

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
        if not path.exists():
            return columns(name)
        renamed = RENAMED.get(name, {})
        return [renamed.get(c, c) for c in pq.ParquetFile(path).schema_arrow.names]

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
        new_name = {old: new for old, new in RENAMED.get(name, {}).items() if old in parquet.schema_arrow.names}
        old_name = {new: old for old, new in new_name.items()}
        if wanted is not None:
            present = set(parquet.schema_arrow.names)
            wanted = [old_name.get(c, c) for c in wanted if old_name.get(c, c) in present]
        for batch in parquet.iter_batches(batch_size=self._batch_rows, columns=wanted):
            rows = batch.to_pylist()
            if new_name:
                rows = [{new_name.get(k, k): v for k, v in r.items()} for r in rows]
            yield rows

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


def precision_of(iso) -> str | None:
    """day, month, quarter or year of an ISO date as the contract writes it (`2024-07-30`, `2024-07`, `2024-Q3`, `2024`)."""
    if not isinstance(iso, str):
        return None
    if _DAY.fullmatch(iso):
        return "day"
    if _MONTH.fullmatch(iso):
        return "month"
    if _QUARTER.fullmatch(iso):
        return "quarter"
    if _YEAR.fullmatch(iso):
        return "year"
    return None


def date_of(iso, precision: str | None = None) -> datetime.date | None:
    """The date of an ISO string whose precision is a day; None otherwise (or for a date that does not exist)."""
    if precision not in (None, "day") or precision_of(iso) != "day":
        return None
    try:
        return datetime.date.fromisoformat(iso)
    except ValueError:
        return None


def spans_of(evidence) -> list[list[int]] | None:
    """Evidence as a list of [char_start, char_end] pairs, from the list or from its JSON text."""
    if evidence is None:
        return None
    if isinstance(evidence, str):
        try:
            evidence = json.loads(evidence)
        except ValueError:
            return None
    try:
        return [[int(a), int(b)] for a, b in evidence]
    except (TypeError, ValueError):
        return None


def _derived(name: str):
    """(column, function of the row) for the columns a table derives from its own row."""
    out = [(date, (lambda r, s=source, p=prec: date_of(r.get(s), r.get(p) if p else None)))
           for date, source, prec in DATES.get(name, [])]
    out += [(column, (lambda r, s=source: precision_of(r.get(s)))) for (t, column), source in PRECISION_OF.items()
            if t == name]
    return out


def arrow_table(name: str, rows: Iterable[dict]) -> pa.Table:
    """Rows (dicts, missing keys as null) as a table of the contract's schema, its derived columns filled."""
    rows = rows if isinstance(rows, list) else list(rows)
    schema = arrow_schema(name)
    derived = dict(_derived(name))
    arrays = []
    for column, kind in zip(schema.names, schema.types):  # a column at a time: a quarter less time than row by row
        if column in derived:
            values = [derived[column](r) for r in rows]
        elif pa.types.is_list(kind):
            values = [spans_of(r.get(column)) for r in rows]
        else:
            values = [r.get(column) for r in rows]
        arrays.append(_enum_array(name, column, values) if (name, column) in ENUMS else pa.array(values, type=kind))
    return pa.Table.from_arrays(arrays, schema=schema)


def _enum_array(table: str, column: str, values: list) -> pa.DictionaryArray:
    """An enum column whose dictionary holds every declared value (so a categorical read from it has
    them all as categories, in every run), then any other value found."""
    declared = enum_values(table, column)
    position = {v: i for i, v in enumerate(declared)}
    extra = sorted({str(v) for v in values if v is not None and str(v) not in position})
    position.update((v, len(declared) + i) for i, v in enumerate(extra))
    indices = pa.array([None if v is None else position[str(v)] for v in values], type=pa.int32())
    return pa.DictionaryArray.from_arrays(indices, pa.array(declared + extra, type=pa.string()))


def with_place(rows: Iterable[dict], document: dict) -> list[dict]:
    """Rows with their document's place and year (the columns of `schema.PLACE`)."""
    place = {c: document.get(c) for c, _ in PLACE}
    return [{**r, **place} for r in rows]


def build_tables(rows_by_table: dict[str, list[dict]]) -> Tables:
    documents = {d.get("doc_id"): d for d in rows_by_table.get("documents", []) if not d.get("duplicate_of")}
    frames = {}
    for name in TABLE_NAMES:
        rows = rows_by_table.get(name, [])
        if name != "documents":
            rows = [r if all(c in r for c, _ in PLACE) else {**{c: documents.get(r.get("doc_id"), {}).get(c)
                                                               for c, _ in PLACE}, **r} for r in rows]
        frames[name] = arrow_table(name, rows).to_pandas(types_mapper=_pandas_type)
    return Tables(frames)


def _pandas_type(kind: pa.DataType):
    """pandas' Arrow-backed dtypes for a run's frames, a categorical (None: pandas' default) for an enum."""
    import pandas as pd

    return None if pa.types.is_dictionary(kind) else pd.ArrowDtype(kind)


def _write_folder(tables: Tables, folder: Path) -> None:
    for name in TABLE_NAMES:
        schema = arrow_schema(name)
        table = pa.Table.from_pandas(tables[name], schema=schema, preserve_index=False).cast(schema)
        pq.write_table(table, folder / f"{name}.parquet")
    finish_folder(folder)


def _csv_cell(v):
    """A value as pandas' CSV writer shows it: missing empty, True/False, floats as repr, dates in ISO,
    lists (evidence) as JSON text; text that a spreadsheet would run as a formula is neutralized."""
    if isinstance(v, str):
        return neutralize(v)
    if isinstance(v, list):
        return json.dumps(v)
    if isinstance(v, datetime.date):
        return v.isoformat()
    return "" if v is None or (isinstance(v, float) and v != v) else v


def _csv_column(kind: pa.DataType, values: list) -> list:
    """A column's values as `_csv_cell` shows them, by the column's type: one pass per column, not a
    call per cell (a tenth of a large run's tail)."""
    if pa.types.is_string(kind) or pa.types.is_dictionary(kind):
        return ["" if v is None else neutralize(v) for v in values]
    if pa.types.is_integer(kind) or pa.types.is_boolean(kind):
        return ["" if v is None else v for v in values]
    if pa.types.is_floating(kind):
        return ["" if v is None or v != v else v for v in values]
    return [_csv_cell(v) for v in values]


def write_csv(parquet_path: Path, csv_path: Path, batch_rows: int = 2_000) -> None:
    """A Parquet table as CSV (UTF-8 with BOM, minimal quoting, `\\n` lines), a batch at a time."""
    parquet = pq.ParquetFile(parquet_path)
    with open(csv_path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        names = parquet.schema_arrow.names
        writer.writerow(names)
        for batch in parquet.iter_batches(batch_size=batch_rows):
            writer.writerows(zip(*(_csv_column(batch.schema.field(i).type, batch.column(i).to_pylist())
                                   for i in range(batch.num_columns))))


def finish_folder(folder: Path, batch_rows: int = 2_000) -> None:
    """CSV and DuckDB copies of the Parquet tables in `folder`, read a batch at a time, and the marker.

    Each copy is made by a process of its own (`corpus.views.ViewJob`), the two side by side: what
    reading and converting the tables holds (Arrow's buffers, DuckDB's, more for larger tables) is
    then never part of this process's peak, which stays that of the assembly."""
    from corpus.views import ViewJob

    copies = [ViewJob("the CSV tables", write_csv_copies, folder, folder, batch_rows),
              ViewJob("ntm.duckdb", write_duckdb, folder, folder)]
    problems = []
    try:
        for job in copies:
            problem = job.wait()
            if problem:
                problems.append(f"{job.name} could not be written:\n{problem}")
    except BaseException:
        for job in copies:
            job.cancel()
        raise
    if problems:
        raise RuntimeError("\n".join(problems))
    (folder / OUTPUT_MARKER).write_text("ntm output folder\n", encoding="utf-8")


def write_csv_copies(folder: Path, batch_rows: int = 2_000) -> None:
    """`<table>.csv` beside each `<table>.parquet` of `folder`."""
    for name in TABLE_NAMES:
        write_csv(folder / f"{name}.parquet", folder / f"{name}.csv", batch_rows)


def write_duckdb(folder: Path) -> None:
    """`ntm.duckdb` from the Parquet tables in `folder`, within a small memory limit (a larger one on retry)."""
    import duckdb

    try:
        _write_duckdb(folder, DUCKDB_MEMORY)
    except duckdb.OutOfMemoryException:  # a table too wide for the small limit: once more with room
        _write_duckdb(folder, DUCKDB_MEMORY_RETRY)


# DuckDB's memory while it copies the tables: it spills to disk past this, so the run's memory does
# not grow with the size of the tables (measured: 256MB let it grow by 40 MB from 1,000 to 10,000
# documents, 16MB by 3 MB, at about the same speed).
DUCKDB_MEMORY = "16MB"
DUCKDB_MEMORY_RETRY = "256MB"


def _write_duckdb(folder: Path, memory: str) -> None:
    import duckdb

    path = folder / "ntm.duckdb"
    for stale in (path, path.with_name(path.name + ".wal")):
        stale.unlink(missing_ok=True)
    con = duckdb.connect(str(path), config={"memory_limit": memory, "threads": 1})
    try:
        for name in TABLE_NAMES:
            _duckdb_table(con, name, folder / f"{name}.parquet")
        for view, sql in duckdb_views().items():
            con.execute(f'CREATE VIEW "{view}" AS {sql}')
    finally:
        con.close()


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _duckdb_table(con, name: str, parquet: Path) -> None:
    """A table in DuckDB from its Parquet file, each enum column an `ENUM` of its declared values.

    A value the declaration does not know (an output of an older or newer pipeline) is added to
    the type rather than refused, so the copy never loses a row.
    """
    source = f"read_parquet({_sql_text(str(parquet))})"
    select = []
    for column in columns(name):
        if (name, column) not in ENUMS:
            select.append(f'"{column}"')
            continue
        found = [v for (v,) in con.execute(f'SELECT DISTINCT "{column}"::VARCHAR FROM {source} '
                                            f'WHERE "{column}" IS NOT NULL').fetchall()]
        values = enum_values(name, column) + sorted(set(found) - ENUMS[(name, column)])
        enum = f'"{name}_{column}"'
        con.execute(f"CREATE TYPE {enum} AS ENUM ({', '.join(_sql_text(v) for v in values)})")
        select.append(f'CAST("{column}" AS {enum}) AS "{column}"')
    con.execute(f'CREATE TABLE "{name}" AS SELECT {", ".join(select)} FROM {source}')


# Order of periods: a quarter before the end of its year ("2024-Q1" < "2024-Q4" < "2024").
_PERIOD_ORDER = ("TRY_CAST(substr(period, 1, 4) AS INTEGER) * 10 + "
                 "coalesce(TRY_CAST(regexp_extract(period, '^[0-9]{4}-Q([1-4])$', 1) AS INTEGER), 5)")
_FACT_TABLES = ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs", "criteria_status", "findings")
# The value, unit, status and criterion of a fact in the long `facts` view, per table (NULL where it has none).
_FACT_FIELDS = {
    "criteria": ("NULL", "NULL", "status", "criterion_no"),
    "counts": ("value", "unit", "status", "criterion_no"),
    "indicators": ("value", "unit", "role", "criterion_no"),
    "funding": ("amount_vnd", "'vnd'", "role", "NULL"),
    "deadlines": ("NULL", "NULL", "relation", "criterion_no"),
    "legal_refs": ("NULL", "NULL", "ref_type", "NULL"),
    "criteria_status": ("NULL", "NULL", "status", "criterion_no"),
    "findings": ("NULL", "NULL", "severity", "NULL"),
}


def duckdb_views() -> dict[str, str]:
    """The views of `ntm.duckdb`: `criteria_latest` and `facts` (see README, "Output tables")."""
    has_period = {t for t in _FACT_TABLES if "period" in columns(t)}
    has_counts = "criterion_no" in columns("counts")
    facts = []
    for t in _FACT_TABLES:
        value, unit, status, criterion = _FACT_FIELDS[t]
        if t == "counts" and not has_counts:
            criterion = "NULL"
        period = "period" if t in has_period else "NULL"
        rule = "rule" if "rule" in columns(t) else "check_name::VARCHAR"
        facts.append(
            f"SELECT '{t}' AS table_name, t.doc_id, t.commune, t.district, t.province, t.plan_year, "
            f"{period}::VARCHAR AS period, t.page, t.char_start, t.char_end, t.quote, {rule} AS rule, "
            f"CAST({value} AS DOUBLE) AS value, CAST({unit} AS VARCHAR) AS unit, CAST({status} AS VARCHAR) AS status, "
            f"CAST({criterion} AS BIGINT) AS criterion_no, to_json(t) AS fields FROM \"{t}\" AS t")
    latest = f"""
        WITH ranked AS (
            SELECT s.commune, s.district, s.province, d.commune_code, s.criteria_set, s.criterion_no, s.status,
                   s.basis, s.period, s.doc_id, d.path, s.plan_year, d.issued_date,
                   row_number() OVER (
                       PARTITION BY coalesce(d.commune_code, s.province || '/' || s.district || '/' || s.commune),
                                    s.criteria_set, s.criterion_no
                       ORDER BY {_PERIOD_ORDER.replace("period", "s.period")} DESC NULLS LAST,
                                d.issued_date DESC NULLS LAST, s.plan_year DESC NULLS LAST, d.path) AS rank
            FROM criteria_status AS s JOIN documents AS d ON d.doc_id = s.doc_id AND d.duplicate_of IS NULL
            WHERE s.status IN ('met', 'unmet') AND s.commune IS NOT NULL AND s.criteria_set IS NOT NULL
        )
        SELECT commune, district, province, commune_code, criteria_set, criterion_no, status, basis, period,
               doc_id, path, plan_year, issued_date
        FROM ranked WHERE rank = 1
        ORDER BY province, district, commune, criteria_set, criterion_no"""
    return {"criteria_latest": latest, "facts": " UNION ALL ".join(facts)}


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
    """The tables of a run folder as DataFrames; an output of an earlier contract revision reads with
    today's column names (`findings.check` as `check_name`)."""
    out = Path(out)
    frames = {}
    for name in TABLE_NAMES:
        path = out / f"{name}.parquet"
        if path.exists():
            table = pq.read_table(path)
            table = table.rename_columns([RENAMED.get(name, {}).get(c, c) for c in table.column_names])
            frames[name] = table.to_pandas(types_mapper=_pandas_type)
        else:
            frames[name] = arrow_table(name, []).to_pandas(types_mapper=_pandas_type)
    return Tables(frames)
