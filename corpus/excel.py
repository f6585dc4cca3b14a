"""`ntm.xlsx`: every table as a sheet an analyst can filter at once, in the run's language.

Sheet names, column headers and enum values are shown as words of the
report's language (`report_labels.json`); the Parquet/CSV/DuckDB tables keep
the contract's codes. Every sheet of facts carries the commune, district,
province and plan year of its document beside `doc_id` (joined from
`documents` when the table lacks them). A sheet in wide form answers "which
criteria has each commune met, and as of when": one row per commune, criteria
set and period, one coloured column per criterion, from `criteria_status`,
each document counted once (a duplicate's rows are left out).

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
from collections import defaultdict
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import regex

from corpus.cells import neutralize
from corpus.schema import ENUMS, TABLE_NAMES

if TYPE_CHECKING:
    from corpus.tables import TableRows, Tables

XLSX_FILE = "ntm.xlsx"
MAX_ROWS = 1_048_575  # Excel's sheet limit, less the header
MAX_CELL_CHARS = 32_767  # Excel's cell limit
MIN_WIDTH, MAX_WIDTH = 6, 60
WIDTH_SAMPLE_ROWS = 2000  # rows the column widths are measured on
_ILLEGAL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # characters an .xlsx cell cannot hold
_SHEET_UNSAFE = regex.compile(r"[\[\]:*?/\\]")  # characters a sheet name cannot hold
MONEY_COLUMNS = {"amount_vnd"}
HEADER_FILL = "#DDE7F0"
PLACE_COLUMNS = ("commune", "district", "province", "plan_year")  # shown beside doc_id on every sheet of facts
WIDE_SHEET = "criteria_wide"  # the key of the wide criteria sheet's name among the labels' tables
STATUS_FILL = {"met": "#C8E6C9", "unmet": "#FFCDD2", "target": "#BBDEFB", "unknown": "#E0E0E0"}
STATUS_INK = {"met": "#1B5E20", "unmet": "#B71C1C", "target": "#0D47A1", "unknown": "#424242"}
_EXTRA_ENUMS = {("documents", "file_type"), ("findings", "check"), ("findings", "check_name"), ("findings", "severity")}


def _value(v):
    if v is None or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, (list, tuple, dict)):  # a list column (evidence) as the JSON an analyst can read
        v = json.dumps(v, ensure_ascii=False, default=str)
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


def sheet_title(name: str, lang: str = "vi") -> str:
    """The sheet name of table `name` (or of the wide criteria sheet) in `lang`, as Excel allows it."""
    from corpus.report import labels

    return _SHEET_UNSAFE.sub("-", labels(lang)["tables"].get(name, name))[:31]


def column_title(table: str, column: str, lang: str = "vi") -> str:
    """The header of `column` of `table` in `lang`."""
    from corpus.report import field_label, labels

    return field_label(labels(lang), table, column)


def sheet_columns(src: TableRows, name: str) -> tuple[list[str], list[str]]:
    """The columns of a table's sheet (the place of the document beside doc_id) and those joined from documents."""
    cols = src.columns(name)
    if name == "documents" or "doc_id" not in cols:
        return cols, []
    joined = [c for c in PLACE_COLUMNS if c not in cols]
    rest = [c for c in cols if c not in PLACE_COLUMNS]  # a table that carries the place shows it beside doc_id too
    at = rest.index("doc_id") + 1
    return rest[:at] + list(PLACE_COLUMNS) + rest[at:], joined


def _converters(cols: list[str], enum_cols: set, lab: dict, lang: str) -> list:
    """Per column, what turns a stored value into the one shown (None: shown as stored)."""
    from corpus.report import repairs_text

    words = lab["enum"]

    def word(v):
        return words.get(v, v) if isinstance(v, str) else v

    def repairs(v):
        return repairs_text(v, lab, lang) if v is not None else None

    return [word if c in enum_cols else repairs if c == "repairs" else None for c in cols]


def _rows(src: TableRows, name: str, cols: list[str], joined: list[str], places: dict, converters: list) -> Iterator[list]:
    read = [c for c in cols if c not in joined]
    pairs = list(zip(cols, converters))
    no_place: dict = {}
    if joined and len(joined) < len(PLACE_COLUMNS):  # the table has some of them: only the others are joined
        places = {doc_id: {c: place.get(c) for c in joined} for doc_id, place in places.items()}
    for r in islice(src.rows(name, read), MAX_ROWS):
        if joined:
            r.update(places.get(r.get("doc_id")) or no_place)
        yield [_value(r.get(c) if f is None else f(r.get(c))) for c, f in pairs]


def write_xlsx(out_dir: Path, tables: Tables | TableRows | Path | str, lang: str = "vi") -> Path:
    """Write `out_dir/ntm.xlsx`: the wide criteria sheet and one sheet per table of the contract; return its path.

    `tables` is a run folder (its Parquet tables, read a batch at a time) or in-memory tables.
    """
    import xlsxwriter

    from corpus.report import _documents, _source, document_map, labels

    lab = labels(lang)  # fail early on an unknown language
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    src = _source(tables)
    docs, skip = document_map(_documents(src))
    places = {doc_id: {c: _value(d.get(c)) for c in PLACE_COLUMNS} for doc_id, d in docs.items()}
    path = out_dir / XLSX_FILE
    partial = out_dir / f".{XLSX_FILE}.tmp"
    wb = xlsxwriter.Workbook(str(partial), {
        "constant_memory": True,
        "strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False,
        "default_date_format": "yyyy-mm-dd",
    })
    try:
        header_format = wb.add_format({"bold": True, "bg_color": HEADER_FILL, "pattern": 1, "valign": "vcenter",
                                       "text_wrap": True})
        money_format = wb.add_format({"num_format": "#,##0"})
        for name in TABLE_NAMES:
            _table_sheet(wb, src, name, lang, lab, places, header_format, money_format)
            if name == "documents":
                _wide_sheet(wb, src, lang, lab, docs, skip, header_format)
        wb.close()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, path)
    return path


def _table_sheet(wb, src: TableRows, name: str, lang: str, lab: dict, places: dict, header_format,
                 money_format) -> None:
    ws = wb.add_worksheet(sheet_title(name, lang))
    cols, joined = sheet_columns(src, name)
    enum_cols = {c for t, c in set(ENUMS) | _EXTRA_ENUMS if t == name}
    headers = [column_title(name, c, lang) for c in cols]
    n_rows = min(src.count(name), MAX_ROWS)
    rows = _rows(src, name, cols, joined, places, _converters(cols, enum_cols, lab, lang))
    sample = list(islice(rows, WIDTH_SAMPLE_ROWS))
    money = {j for j, c in enumerate(cols) if c in MONEY_COLUMNS}
    for j, h in enumerate(headers):
        ws.set_column(j, j, column_width(h, (r[j] for r in sample)))
    ws.freeze_panes(1, 0)
    if cols:
        ws.autofilter(0, 0, max(0, n_rows), len(cols) - 1)
    ws.write_row(0, 0, headers, header_format)
    write_string, write_number, write = ws.write_string, ws.write_number, ws.write
    for i, r in enumerate(_chain(sample, rows), start=1):
        for j, v in enumerate(r):
            if v is None:
                continue
            if j in money and isinstance(v, (int, float)):
                write_number(i, j, v, money_format)
            elif type(v) is str:
                write_string(i, j, v)
            else:
                write(i, j, v)


_BASIS_WEIGHT = {"inferred": 0}  # any other basis (stated, table) is 1


def fold_status(held: tuple | None, new: tuple) -> tuple:
    """One commune's status of a criterion for one set and period from two documents' (status, basis).

    What a document states outranks what is inferred; an observed status
    outranks a target; met against unmet (or an unknown) is unknown.
    """
    if held is None:
        return new
    wh, wn = _BASIS_WEIGHT.get(held[1], 1), _BASIS_WEIGHT.get(new[1], 1)
    if wh != wn:
        return held if wh > wn else new
    if held[0] == new[0]:
        return held
    if "target" in (held[0], new[0]) and "unknown" not in (held[0], new[0]):
        return held if new[0] == "target" else new
    return ("unknown", held[1])


def criteria_wide(src: TableRows, docs: dict, skip: frozenset) -> list[dict]:
    """Rows of the wide criteria sheet: place, set and period, the status and basis of each criterion 1..19.

    From `criteria_status` (from `criteria`, as stated, in outputs written before it existed).
    """
    from corpus.report import period_key, place_of

    table = "criteria_status" if src.count("criteria_status") else "criteria"
    wide: dict[tuple, dict] = defaultdict(lambda: {"cells": {}, "docs": []})
    for r in src.rows(table, ("doc_id", "criteria_set", "period", "criterion_no", "status", "basis")):
        no = r.get("criterion_no")
        if r.get("doc_id") in skip or no is None or not (1 <= int(no) <= 19):
            continue
        doc = docs.get(r["doc_id"], {"doc_id": r["doc_id"]})
        key = (place_of(doc), r.get("criteria_set") or doc.get("criteria_set") or "", r.get("period") or "")
        entry = wide[key]
        entry["cells"][int(no)] = fold_status(entry["cells"].get(int(no)), (r.get("status"), r.get("basis") or "stated"))
        if r["doc_id"] not in entry["docs"]:
            entry["docs"].append(r["doc_id"])
    order = sorted(wide, key=lambda k: (k[0].province, k[0].district, k[0].commune, k[1], period_key(k[2])))
    return [{"place": k[0], "criteria_set": k[1], "period": k[2], **wide[k]} for k in order]


def _wide_sheet(wb, src: TableRows, lang: str, lab: dict, docs: dict, skip: frozenset, header_format) -> None:
    from corpus.report import enum_label

    ws = wb.add_worksheet(sheet_title(WIDE_SHEET, lang))
    rows = criteria_wide(src, docs, skip)
    formats = {}
    for status, fill in STATUS_FILL.items():
        for inferred in (False, True):
            formats[(status, inferred)] = wb.add_format({"bg_color": fill, "pattern": 1, "font_color": STATUS_INK[status],
                                                         "align": "center", "italic": inferred, "bold": not inferred})
    F = lab["fields"]
    headers = [F["province"], F["district"], F["commune"], F["criteria_set"], F["period"],
               *[str(no) for no in range(1, 20)], lab["met_count"], lab["documents_col"]]
    first_no = 5
    widths = [column_width(headers[0], (r["place"].province for r in rows)),
              column_width(headers[1], (r["place"].district for r in rows)),
              column_width(headers[2], (r["place"].commune for r in rows)),
              column_width(headers[3], (enum_label(lab, r["criteria_set"]) for r in rows)),
              column_width(headers[4], (r["period"] for r in rows))]
    for j, w in enumerate(widths):
        ws.set_column(j, j, w)
    ws.set_column(first_no, first_no + 18, 11)
    ws.set_column(first_no + 19, first_no + 19, column_width(headers[-2], []))
    ws.set_column(first_no + 20, first_no + 20, 40)
    ws.freeze_panes(1, 3)
    ws.autofilter(0, 0, max(1, len(rows)), len(headers) - 1)
    ws.write_row(0, 0, headers, header_format)
    mark = lab["inferred_mark"]
    for i, r in enumerate(rows, start=1):
        place = r["place"]
        for j, v in enumerate((place.province, place.district, place.commune, enum_label(lab, r["criteria_set"]),
                               r["period"])):
            if v:
                ws.write_string(i, j, _value(v))
        for no in range(1, 20):
            cell = r["cells"].get(no)
            if cell is None:
                continue
            status, basis = cell
            inferred = basis == "inferred"
            fmt = formats.get((status, inferred)) or formats[("unknown", inferred)]
            ws.write_string(i, first_no + no - 1, enum_label(lab, status) + (mark if inferred else ""), fmt)
        ws.write_number(i, first_no + 19, sum(1 for s, _ in r["cells"].values() if s == "met"))
        ws.write_string(i, first_no + 20, ", ".join(r["docs"]))
    notes = [lab["legend_inferred"], lab["legend_blank"], lab["legend_unknown"]]
    for k, note in enumerate(notes):
        ws.write_string(len(rows) + 2 + k, 0, note)


def _chain(first: list, rest: Iterator) -> Iterator:
    yield from first
    yield from rest
