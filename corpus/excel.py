"""`ntm.xlsx`: every table as a sheet an analyst can filter at once.

Headers are frozen and carry an autofilter; column widths follow the content
(capped, so a long quote does not push the rest off screen); money shows with
thousands separators. Written in openpyxl's streaming mode, so large runs stay
within memory.
"""
from __future__ import annotations

import os
from pathlib import Path

import regex
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from corpus.cells import neutralize
from corpus.schema import TABLE_NAMES
from corpus.tables import Tables

XLSX_FILE = "ntm.xlsx"
MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
MAX_CELL_CHARS = 32_767  # Excel's cell limit
MIN_WIDTH, MAX_WIDTH = 6, 60
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cell cannot hold
MONEY_COLUMNS = {"amount_vnd"}


def _value(v):
    if v is None:
        return None
    try:
        import pandas as pd

        if v is pd.NA or (isinstance(v, float) and v != v):
            return None
    except ImportError:  # pragma: no cover
        pass
    if isinstance(v, str):
        v = neutralize(_ILLEGAL.sub("", v))
        return v if len(v) <= MAX_CELL_CHARS else v[: MAX_CELL_CHARS - 1] + "…"
    if hasattr(v, "item"):  # numpy scalars
        return v.item()
    return v


def column_width(header: str, values) -> float:
    """Wide enough for the header and most values (the 95th percentile), within bounds."""
    lengths = sorted(len(str(v)) for v in values if v is not None)
    typical = lengths[int(0.95 * (len(lengths) - 1))] if lengths else 0
    return float(min(MAX_WIDTH, max(MIN_WIDTH, len(header) + 2, typical + 2)))


def write_xlsx(out_dir: Path, tables: Tables) -> Path:
    """Write `out_dir/ntm.xlsx`, one sheet per table of the contract; return its path."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    wb = Workbook(write_only=True)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="DDE7F0")
    for name in TABLE_NAMES:
        df = tables[name] if name in tables.frames else None
        ws = wb.create_sheet(title=name[:31])
        cols = list(df.columns) if df is not None else []
        rows = [] if df is None else [[_value(v) for v in row] for row in df.head(MAX_ROWS).itertuples(index=False, name=None)]
        sample = rows[:2000]
        for j, c in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(j)].width = column_width(c, (r[j - 1] for r in sample))
        ws.freeze_panes = "A2"
        if cols:
            ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(1, len(rows) + 1)}"
        header = []
        for c in cols:
            cell = WriteOnlyCell(ws, value=c)
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(vertical="center")
            header.append(cell)
        ws.append(header)
        money = {j for j, c in enumerate(cols) if c in MONEY_COLUMNS}
        for r in rows:
            if money:
                r = list(r)
                for j in money:
                    if r[j] is not None:
                        cell = WriteOnlyCell(ws, value=r[j])
                        cell.number_format = "#,##0"
                        r[j] = cell
            ws.append(r)
    path = out_dir / XLSX_FILE
    partial = out_dir / f".{XLSX_FILE}.tmp"
    wb.save(partial)
    os.replace(partial, path)
    return path
