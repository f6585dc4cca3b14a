"""`ntm.xlsx`: every table as a sheet an analyst can filter at once.

Headers are frozen and carry an autofilter; column widths follow the content
(capped, so a long quote does not push the rest off screen); money shows with
thousands separators. Written with xlsxwriter in constant-memory mode from the
tables read back a batch at a time: each row goes to disk as it is written, so
the workbook of a large run costs no more memory than that of a small one.
Text is always written as text (never read as a formula or a link).
"""
from __future__ import annotations

import datetime
import json
import os
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import regex

from corpus.cells import neutralize
from corpus.schema import TABLE_NAMES

if TYPE_CHECKING:
    from corpus.tables import TableRows, Tables

XLSX_FILE = "ntm.xlsx"
MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
MAX_CELL_CHARS = 32_767  # Excel's cell limit
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE_ROWS = 2000  # rows the column widths are measured on
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cell cannot hold
MONEY_COLUMNS = {"amount_vnd"}
HEADER_FILL = "#DDE7F0"


def _value(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, str):
        if not v.isprintable():  # only then can it hold a character a cell cannot
            v = _ILLEGAL.sub("", v)
        v = neutralize(v)
        return v if len(v) <= MAX_CELL_CHARS else v[: MAX_CELL_CHARS - 1] + "…"
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    if isinstance(v, (list, tuple)):  # evidence spans: their JSON text, as in the CSV
        return json.dumps(list(v))
    if isinstance(v, datetime.date):
        return v.isoformat()
    return v


def column_width(header: str, values) -> float:
    """Wide enough for the header and most values (the 95th percentile), within bounds."""
    lengths = sorted(len(str(v)) for v in values if v is not None)
    typical = lengths[int(0.95 * (len(lengths) - 1))] if lengths else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(header) + 2, typical + 2)))


def _rows(src: TableRows, name: str, cols: list[str]) -> Iterator[list]:
    for r in islice(src.rows(name, cols), MAX_ROWS):
        yield [_value(r.get(c)) for c in cols]


def write_xlsx(out_dir: Path, tables: Tables | TableRows | Path | str) -> Path:
    """Write `out_dir/ntm.xlsx`, one sheet per table of the contract; return its path.

    `tables` is a run folder (its Parquet tables, read a batch at a time) or in-memory tables.
    """
    import xlsxwriter

    from corpus.report import _source

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src = _source(tables)
    path = out_dir / XLSX_FILE
    partial = out_dir / f".{XLSX_FILE}.tmp"
    wb = xlsxwriter.Workbook(str(partial), {
        "constant_memory": True,
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
    })
    try:
        header_format = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "valign": "vcenter"})
        money_format = wb.add_format({"num_format": "#,##0"})
        for name in TABLE_NAMES:
            ws = wb.add_worksheet(name[:31])
            cols = src.columns(name)
            n_rows = min(src.count(name), MAX_ROWS)
            rows = _rows(src, name, cols)
            sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
            money = {j for j, c in enumerate(cols) if c in MONEY_COLUMNS}
            for j, c in enumerate(cols):
                ws.set_column(j, j, column_width(c, (r[j] for r in sample)))
            ws.freeze_panes(1, 0)
            if cols:
                ws.autofilter(0, 0, max(0, n_rows), len(cols) - 1)
            ws.write_row(0, 0, cols, header_format)
            write_string, write_number, write = ws.write_string, ws.write_number, ws.write
            for i, r in enumerate(_chain(sample, rows), start=1):
                for j, v in enumerate(r):
                    if v is None:
                        continue
                    if j in money:
                        write_number(i, j, v, money_format)
                    elif type(v) is str:
                        write_string(i, j, v)
                    else:
                        write(i, j, v)
        wb.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return path


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest


class XlsxJob:
    """`write_xlsx` of a run folder in a process of its own, beside this one's other output work.

    The workbook is pure-Python work of the same size as the tables; in its own
    process it overlaps with the CSV, DuckDB and report writing instead of
    adding to them. `wait` returns None when written, else the child's traceback.
    """

    def __init__(self, folder: Path):
        from corpus.engine import _context, _without_main_script

        ctx = _context()
        self._conn, child = ctx.Pipe(duplex=False)
        self.process = ctx.Process(target=_xlsx_child, args=(str(folder), child), daemon=True,
                                   name="ntm-xlsx")
        with _without_main_script():
            self.process.start()
        child.close()

    def wait(self) -> str | None:
        try:
            problem = self._conn.recv()
        except (EOFError, OSError):
            problem = None if self.process.exitcode == 0 else "the workbook's process ended early"
        self.process.join()
        self._conn.close()
        if problem is None and self.process.exitcode != 0:
            problem = f"the workbook's process ended with exit code {self.process.exitcode}"
        return problem

    def cancel(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self._conn.close()


def _xlsx_child(folder: str, conn) -> None:
    import traceback

    try:
        write_xlsx(Path(folder), Path(folder))
        conn.send(None)
    except BaseException:  # noqa: BLE001 - reported to the parent, which logs it
        conn.send(traceback.format_exc())
    finally:
        conn.close()
