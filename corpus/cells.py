"""Text cells for spreadsheets: a cell that a spreadsheet would run as a formula is made plain text.

A cell whose text starts with `=`, `+`, `-`, `@`, a tab or a carriage return
is taken by Excel, LibreOffice and Google Sheets as the start of a formula
(CSV injection, e.g. a file named `=HYPERLINK(…).txt`). As OWASP recommends,
such a text gets a leading apostrophe in `ntm.xlsx` and in the CSV files;
Parquet and DuckDB keep the exact text.
"""
from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize(text: str) -> str:
    """`text`, with a leading apostrophe when a spreadsheet would read it as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
