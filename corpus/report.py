"""`report.html`: the analyst's view of a run, built from the output tables.

One summary page (overview, criteria matrix, rate/funding/deadline charts as
inline SVG, findings with their quotes, a searchable document list) plus a
`report/` folder holding one page per document, where every extracted figure
links to its span in the document's normalized text.

Why a page per document rather than one file: a browser opening a file from
disk may not `fetch()` its neighbours, so lazily loaded per-document data
would have to be inlined; thousands of documents would then make a file of
hundreds of megabytes. Separate pages keep `report.html` to the summary, open
from disk with no network, and load one document's text only when it is opened.
Every page is self-contained (inline CSS/JS, no external resource).
"""
from __future__ import annotations

import hashlib
import heapq
import html
import itertools
import json
import math
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Mapping

import regex
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

if TYPE_CHECKING:
    import pandas as pd

    from corpus.tables import TableRows, Tables

TEMPLATES = Path(__file__).with_name("templates")
REPORT_FILE = "report.html"
PAGES_DIR = "report"

# Bounds that keep the summary page modest on large runs; the tables hold everything.
MAX_FINDINGS_PER_SEVERITY = 200
MAX_DEADLINE_ROWS = 200
MAX_FUNDING_TOTAL_ROWS = 100
MAX_RATE_CHARTS = 8
MAX_BARS = 30
MAX_DISTRICT_BARS = 20

SEVERITIES = ("error", "warning", "info")
STATUS_CLASS = {"met": "m", "unmet": "u", "target": "t", "unknown": "k", "conflict": "cf"}
# Chart lettering: labels are laid out for this size (CSS gives it) and never scaled down.
FONT_PX = 13
CHAR_PX = 7.6  # a generous average advance of a FONT_PX sans-serif letter, Vietnamese marks included
LONG_CELL_CHARS = 120  # a table cell longer than this is collapsed to its beginning
LONG_LIST = 25  # a list of more rows than this starts collapsed
COMPARATOR_SIGN = {"eq": "=", "ge": "≥", "le": "≤", "gt": ">", "lt": "<"}
_PERIOD = regex.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{1,2}))?")
_ASTRAL = regex.compile(r"[\U00010000-\U0010FFFF]")  # characters JavaScript counts as two


# ---------------------------------------------------------------- labels and formatting


@lru_cache(maxsize=1)
def _all_labels() -> dict:
    return json.loads((TEMPLATES / "report_labels.json").read_text(encoding="utf-8"))


def languages() -> list[str]:
    """The languages the report can be written in (`--lang`)."""
    return sorted(k for k in _all_labels() if not k.startswith("_"))


def labels(lang: str = "vi") -> dict:
    """The interface wording for `lang` (`vi` or `en`)."""
    data = _all_labels()
    if lang not in languages():
        raise ValueError(f"unknown report language {lang!r}; choose one of {', '.join(languages())}")
    return data[lang]


def enum_label(lab: dict, value) -> str:
    if value is None:
        return ""
    return lab["enum"].get(str(value), str(value))


def field_label(lab: dict, table: str, column: str) -> str:
    """A column shown as words: `table.column` when that table names it its own way, else `column`."""
    fields = lab["fields"]
    return fields.get(f"{table}.{column}") or fields.get(column) or column


def plain(v):
    """A value as an analyst writes it: a whole float (a year or a page read back as float) without `.0`."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def display_number(number) -> str:
    """The document number alone (`125/KH-UBND`): the header cells read after it (joined by `|`) are left out."""
    if number is None:
        return ""
    return str(number).split("|", 1)[0].strip()


def repairs_text(repairs, lab: dict, lang: str) -> str:
    """`{"line_join": 12, "blank_line": 6}` as words with counts, the most frequent first."""
    try:
        counts = json.loads(repairs) if isinstance(repairs, str) else dict(repairs or {})
    except (ValueError, TypeError):
        return str(repairs)
    if not isinstance(counts, dict):
        return str(repairs)
    names = lab["repairs"]
    items = sorted(((names.get(k) or f"{lab['repair_other']} ({k})", int(n)) for k, n in counts.items() if n),
                   key=lambda kv: (-kv[1], kv[0]))
    return " · ".join(f"{name}: {format_number(n, lang)}" for name, n in items)


def page_label(lab: dict, page) -> str:
    """`trang 3` / `page 3`; empty when the source has no pages."""
    return lab["page_n"].format(n=plain(page)) if page not in (None, "") else ""


def finding_check(r: Mapping) -> str | None:
    """The check of a finding row: `check_name` in the contract, `check` in older outputs."""
    return r.get("check_name") or r.get("check")


def finding_message(r: Mapping, lang: str) -> str:
    """A finding's message in `lang`, rebuilt from its template and values when the row keeps them."""
    from extract.audit.messages import row_message

    return row_message(r, lang)


def format_number(x: float | int | None, lang: str, decimals: int = 0) -> str:
    """1234567.8 → `1.234.567,8` in Vietnamese, `1,234,567.8` in English."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return ""
    s = f"{x:,.{decimals}f}"
    if decimals:
        s = s.rstrip("0").rstrip(".")
    if lang == "vi":
        s = s.translate(str.maketrans({",": ".", ".": ","}))
    return s


def period_key(period: str | None) -> tuple[int, int]:
    """Order periods in time: `2023` (its end) < `2024-Q1` < `2024-05` < `2024` (end of 2024)."""
    if not period:
        return (0, 0)
    m = _PERIOD.match(str(period))
    if not m:
        return (0, 0)
    year = int(m.group(1))
    if m.group(2):
        return (year, int(m.group(2)) * 3)
    if m.group(3):
        return (year, int(m.group(3)))
    return (year, 13)


def short_period(period: str | None) -> str:
    if not period:
        return "·"
    m = _PERIOD.match(str(period))
    if not m:
        return str(period)[:6]
    yy = m.group(1)[2:]
    if m.group(2):
        return f"Q{m.group(2)}·{yy}"
    if m.group(3):
        return f"{int(m.group(3))}/{yy}"
    return m.group(1)


def records(df: pd.DataFrame) -> list[dict]:
    """A table's rows as plain dicts, missing values as None."""
    if df is None or len(df) == 0:
        return []
    out = []
    for row in df.to_dict("records"):
        out.append({k: (None if _missing(v) else v) for k, v in row.items()})
    return out


def _missing(v) -> bool:
    import pandas as pd

    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and math.isnan(v)


def _source(tables: Tables | TableRows | Path | str) -> TableRows:
    """Rows of the tables, read a batch at a time (from a run folder or in-memory tables)."""
    from corpus.tables import TableRows

    return tables if isinstance(tables, TableRows) else TableRows(tables)


# Columns of `documents` the summary page uses (the other columns stay on disk).
_DOC_COLUMNS = ("doc_id", "path", "status", "commune", "district", "province", "plan_year", "issued_date", "doc_kind",
                "doc_number", "criteria_set", "duplicate_of")


def _documents(src: TableRows) -> list[dict]:
    return list(src.rows("documents", _DOC_COLUMNS))


def document_map(doc_rows: Iterable[dict]) -> tuple[dict[str, dict], frozenset]:
    """doc_id → the row of its first input, and the doc_ids every row of which is a duplicate.

    Byte-identical copies share a doc_id (the first one has no `duplicate_of`);
    a document in a second format has a doc_id of its own, all of whose rows
    are duplicates: its facts are left out of every aggregate.
    """
    docs: dict[str, dict] = {}
    primary: set[str] = set()
    for d in doc_rows:
        doc_id = d["doc_id"]
        if d.get("duplicate_of"):
            docs.setdefault(doc_id, d)
        elif doc_id not in primary:
            docs[doc_id] = d
            primary.add(doc_id)
    return docs, frozenset(set(docs) - primary)


def _fact_rows(src: TableRows, name: str, cols=None, skip: frozenset = frozenset()) -> Iterable[dict]:
    """The rows of a fact table, less those of documents that are only duplicates."""
    for r in src.rows(name, cols):
        if r.get("doc_id") not in skip:
            yield r


def _fact_batches(src: TableRows, name: str, skip: frozenset = frozenset()) -> Iterable[list[dict]]:
    for batch in src.batches(name):
        yield [r for r in batch if r.get("doc_id") not in skip] if skip else batch


def _first(rows: Iterable[tuple], limit: int) -> list:
    """The `limit` smallest of (key, index, row) tuples, in order: a bounded sort of a stream."""
    return [t[-1] for t in heapq.nsmallest(limit, rows, key=lambda t: t[:-1])]


def page_href(doc_id: str, start=None, end=None) -> str:
    href = f"{PAGES_DIR}/{doc_id}.html"
    if start is not None and end is not None:
        href += f"#s-{int(start)}-{int(end)}"
    return href


# ---------------------------------------------------------------- places


@dataclass(frozen=True)
class Place:
    province: str
    district: str
    commune: str

    def label(self) -> str:
        return ", ".join(p for p in (self.commune, self.district, self.province) if p)


def place_of(doc: Mapping) -> Place:
    """Where a document is from; a document with no commune stands alone under its file name."""
    commune = doc.get("commune") or Path(str(doc.get("path") or doc.get("doc_id") or "")).name
    return Place(doc.get("province") or "", doc.get("district") or "", commune)


# ---------------------------------------------------------------- criteria matrix


@dataclass
class MatrixCell:
    status: str  # met | unmet | target | unknown | conflict
    period: str | None
    doc_id: str
    start: int | None
    end: int | None
    history: list[tuple[str | None, str]] = field(default_factory=list)  # (period, status), latest first
    basis: str | None = None  # stated | inferred | table (criteria_status), None from criteria rows


@dataclass
class MatrixRow:
    place: Place
    cells: dict[int, MatrixCell]


_STATUS_RANK = {"target": 0, "unknown": 1, "unmet": 2, "met": 3}
_CRITERIA_COLUMNS = ("doc_id", "criterion_no", "criteria_set", "status", "period", "char_start", "char_end")
_STATUS_COLUMNS = _CRITERIA_COLUMNS + ("basis",)
_BASIS_RANK = {"inferred": 0, "table": 1, "stated": 2}


class _CellState:
    """One matrix cell folded over its rows: the latest row, the statuses of the latest period, the history."""

    __slots__ = ("latest", "latest_key", "latest_statuses", "history")

    def __init__(self) -> None:
        self.latest: dict | None = None
        self.latest_key: tuple | None = None
        # The statuses written for the latest period only: those of earlier periods never decide the cell,
        # and keeping them all made the matrix of a large run grow with its documents.
        self.latest_statuses: set = set()
        self.history: dict[tuple, tuple] = {}  # (period, status) -> its sort key, first seen first

    def add(self, r: dict) -> None:
        pk = period_key(r.get("period"))
        key = (pk, _STATUS_RANK.get(r.get("status"), -1), _BASIS_RANK.get(r.get("basis"), 2))
        if self.latest_key is None or pk > self.latest_key[0]:
            self.latest_statuses = set()
        if self.latest_key is None or key > self.latest_key:  # ties: the first row written wins
            self.latest, self.latest_key = r, key
        if pk == self.latest_key[0]:
            self.latest_statuses.add(r.get("status"))
        self.history.setdefault((r.get("period"), r.get("status")), key)

    def cell(self) -> MatrixCell:
        latest = self.latest
        status = "conflict" if {"met", "unmet"} <= self.latest_statuses else latest.get("status")
        order = sorted(self.history.items(), key=lambda kv: kv[1], reverse=True)  # stable: first seen first
        return MatrixCell(status, latest.get("period"), latest["doc_id"], latest.get("char_start"),
                          latest.get("char_end"), [pair for pair, _ in order], latest.get("basis"))


def criteria_matrix(tables: Tables | TableRows, docs: Mapping[str, dict] | None = None,
                    skip: frozenset = frozenset()) -> dict[str, list[MatrixRow]]:
    """Communes × criteria per criteria set, from `criteria_status`: each cell the status of the latest period.

    Within one period an observed status (met/unmet) outranks a plan (target)
    and a stated one an inferred one; met and unmet for the same latest period
    (in two documents of one commune) is shown as a conflict. Outputs written
    before `criteria_status` existed give the matrix from `criteria`. The rows
    of `skip` (documents that are only duplicates) are left out.
    """
    src = _source(tables)
    if docs is None:
        docs, skip = document_map(_documents(src))
    table, cols = ("criteria_status", _STATUS_COLUMNS) if src.count("criteria_status") else ("criteria", _CRITERIA_COLUMNS)
    cells: dict[tuple[str, Place], dict[int, _CellState]] = defaultdict(lambda: defaultdict(_CellState))
    for r in _fact_rows(src, table, cols, skip):
        no = r.get("criterion_no")
        if no is None or not (1 <= int(no) <= 19):
            continue
        doc = docs.get(r["doc_id"], {"doc_id": r["doc_id"]})
        set_id = r.get("criteria_set") or doc.get("criteria_set") or "?"
        cells[(set_id, place_of(doc))][int(no)].add(r)
    by_set: dict[str, list[MatrixRow]] = defaultdict(list)
    for (set_id, place), per_no in cells.items():
        by_set[set_id].append(MatrixRow(place, {no: state.cell() for no, state in per_no.items()}))
    for rows in by_set.values():
        rows.sort(key=lambda r: (r.place.province, r.place.district, r.place.commune))
    return dict(sorted(by_set.items()))


def _criterion_names(set_id: str) -> dict[int, str]:
    try:
        from gazetteer.criteria import criteria_sets

        cs = criteria_sets().get(set_id)
        return {no: c.name for no, c in cs.criteria.items()} if cs else {}
    except Exception:  # the report still renders without the catalogue
        return {}


def _indicator_name(indicator_id: str) -> str | None:
    try:
        from gazetteer.criteria import criteria_sets

        for cs in criteria_sets().values():
            for c in cs.criteria.values():
                if indicator_id in c.indicators:
                    return c.indicators[indicator_id].name
    except Exception:
        return None
    return None


def _matrix_view(src: TableRows, lab: dict, docs: Mapping[str, dict], skip: frozenset) -> list[dict]:
    view = []
    inferred_word = enum_label(lab, "inferred")
    for set_id, rows in criteria_matrix(src, docs, skip).items():
        names = _criterion_names(set_id)
        out_rows = []
        for row in rows:
            cells = []
            for no in range(1, 20):
                c = row.cells.get(no)
                if c is None:
                    cells.append(None)
                    continue
                label = enum_label(lab, c.status)
                inferred = c.basis == "inferred" and c.status != "conflict"
                if inferred:
                    label += f" ({inferred_word})"
                hist = "; ".join(f"{p or '?'}: {enum_label(lab, s)}" for p, s in c.history)
                title = f"{no}. {names.get(no, '')} — {label} — {hist}"
                cells.append({"cls": STATUS_CLASS.get(c.status, "k") + (" inf" if inferred else ""),
                              "text": short_period(c.period) + (lab["inferred_mark"] if inferred else ""),
                              "title": title, "href": page_href(c.doc_id, c.start, c.end)})
            out_rows.append({"place": row.place, "cells": cells,
                             "search": row.place.label().lower()})
        set_label = enum_label(lab, set_id) if set_id != "?" else f"{lab['matrix_set']} {lab['unknown']}"
        view.append({"set_id": set_id, "set_label": set_label,
                     "columns": [(no, names.get(no, "")) for no in range(1, 20)], "rows": out_rows})
    return view


# ---------------------------------------------------------------- charts (inline SVG)


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def text_width(text: str) -> int:
    """A generous width in pixels of `text` at FONT_PX, for laying out chart labels that are never cut."""
    return math.ceil(len(str(text)) * CHAR_PX)


def svg_hbars(items: list[tuple], *, plot_width: int = 300, max_label_width: int = 320,
              max_value: float | None = None, threshold: float | None = None, threshold_label: str = "",
              title: str = "") -> Markup:
    """Horizontal bars: items are (label, value, value text, css class[, full name shown on hover]).

    The chart is drawn at its own size (never scaled down, so its letters stay
    FONT_PX): the label column is as wide as the longest label, up to
    `max_label_width`; a longer label is shortened and keeps its full name on hover.
    """
    bar_h, gap = 20, 6
    top = 26 if threshold is not None else 6
    height = top + len(items) * (bar_h + gap) + 6
    label_width = min(max_label_width, max([60] + [text_width(it[0]) + 14 for it in items]))
    max_chars = max(4, int((label_width - 14) / CHAR_PX))
    value_width = max([40] + [text_width(it[2]) + 10 for it in items])
    width = label_width + plot_width + value_width
    vmax = max([max_value or 0] + [it[1] for it in items] + [threshold or 0]) or 1
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-size="{FONT_PX}"><title>{_esc(title)}</title>']
    if threshold is not None:  # under the bars, so it never crosses a value's text
        x = label_width + plot_width * threshold / vmax
        anchor = "end" if x + text_width(threshold_label) / 2 > width else "middle"
        parts.append(f'<line class="threshold" x1="{x:.1f}" x2="{x:.1f}" y1="18" y2="{height - 2}"/>'
                     f'<text class="threshold" x="{x:.1f}" y="14" text-anchor="{anchor}">{_esc(threshold_label)}</text>')
    for i, item in enumerate(items):
        label, value, text, cls = item[:4]
        hover = item[4] if len(item) > 4 and item[4] else label
        y = top + i * (bar_h + gap)
        w = max(0.0, plot_width * value / vmax)
        short = label if len(label) <= max_chars else label[:max_chars - 1] + "…"
        parts.append(
            f'<g class="bar {cls}"><title>{_esc(hover)}: {_esc(text)}</title>'
            f'<text class="label" x="{label_width - 6}" y="{y + 15}" text-anchor="end">{_esc(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}"/>'
            f'<text class="v" x="{label_width + w + 4:.1f}" y="{y + 15}">{_esc(text)}</text></g>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_columns(buckets: list[tuple[str, int]], *, width: int = 900, height: int = 190, title: str = "") -> Markup:
    """Vertical columns over a time axis: buckets are (label, count) in order.

    Every bucket keeps its label on hover; the axis names as many as fit side by side at FONT_PX.
    """
    if not buckets:
        return Markup("")
    vmax = max(c for _, c in buckets) or 1
    left, bottom, top = max(30, text_width(vmax) + 10), 36, 12
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = plot_w / len(buckets)
    every = max(1, math.ceil((max(text_width(label) for label, _ in buckets) + 8) / step))
    parts = [f'<svg class="chart timeline" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" font-size="{FONT_PX}"><title>{_esc(title)}</title>',
             f'<line class="axis" x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}"/>',
             f'<text class="v" x="{left - 4}" y="{top + 10}" text-anchor="end">{vmax}</text>']
    for i, (label, count) in enumerate(buckets):
        x = left + i * step
        h = plot_h * count / vmax
        if count:
            parts.append(f'<g class="bar col"><title>{_esc(label)}: {count}</title>'
                         f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}"/></g>')
        if i % every == 0:
            cx = min(max(x + step / 2, left + text_width(label) / 2), width - text_width(label) / 2)
            parts.append(f'<text class="tick" x="{cx:.1f}" y="{top + plot_h + 18}" text-anchor="middle">{_esc(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _count_bars(values: Iterable, lab: dict, *, limit: int | None = None, enum: bool = False) -> Markup:
    counts = Counter(v if v not in (None, "") else None for v in values)
    ordered = counts.most_common()
    items = [((enum_label(lab, k) if enum else str(k)) if k is not None else lab["unknown"], n, str(n), "n")
             for k, n in ordered[:limit]]
    return svg_hbars(items) if items else Markup("")


# ---------------------------------------------------------------- rates


def _passes(value: float, comparator: str | None, threshold: float) -> bool:
    return {
        "ge": value >= threshold, "gt": value > threshold,
        "le": value <= threshold, "lt": value < threshold,
    }.get(comparator or "ge", value >= threshold)


_INDICATOR_COLUMNS = ("doc_id", "indicator_id", "criterion_no", "subject", "value", "unit", "comparator", "role",
                      "period")


@dataclass
class _RateGroup:
    first: dict
    actual: dict = field(default_factory=dict)  # place -> (period key, row): the latest actual value
    order: dict = field(default_factory=dict)  # place -> (earliest period key, index of its first row)
    thresholds: Counter = field(default_factory=Counter)
    targets: Counter = field(default_factory=Counter)
    subjects: Counter = field(default_factory=Counter)


def rate_groups(tables: Tables | TableRows, docs: Mapping[str, dict] | None = None,
                skip: frozenset = frozenset()) -> list[dict]:
    """Percent indicators grouped by indicator (id, else criterion and subject), with their threshold.

    Per commune the latest `actual` value is kept; the threshold is the most
    often written `threshold` (else `target`) value of the group.
    """
    src = _source(tables)
    if docs is None:
        docs, skip = document_map(_documents(src))
    groups: dict[str, _RateGroup] = {}
    for index, r in enumerate(_fact_rows(src, "indicators", _INDICATOR_COLUMNS, skip)):
        if r.get("unit") != "%" or r.get("value") is None:
            continue
        if r.get("indicator_id"):
            key = f"id:{r['indicator_id']}"
        elif r.get("subject"):
            key = f"s:{r.get('criterion_no') or ''}:{' '.join(str(r['subject']).lower().split())}"
        else:
            continue
        g = groups.get(key)
        if g is None:
            g = groups[key] = _RateGroup(first=r)
        role = r.get("role")
        if role == "actual":
            place, pk = place_of(docs.get(r["doc_id"], {"doc_id": r["doc_id"]})), period_key(r.get("period"))
            held = g.actual.get(place)
            if held is None or pk >= held[0]:  # the latest period; within one, the last row written
                g.actual[place] = (pk, r)
            if place not in g.order or pk < g.order[place][0]:
                g.order[place] = (pk, index)
        elif role == "threshold":
            g.thresholds[(r["value"], r.get("comparator"))] += 1
        elif role == "target":
            g.targets[(r["value"], r.get("comparator"))] += 1
        if r.get("subject"):
            g.subjects[r.get("subject")] += 1
    out = []
    for key, g in groups.items():
        if not g.actual:
            continue
        # Places in the order their kept row comes in a stable sort by period (as the rows were written).
        actual = {place: g.actual[place][1] for place in sorted(g.order, key=g.order.get)}
        norm = g.thresholds or g.targets
        threshold, comparator = norm.most_common(1)[0][0] if norm else (None, None)
        ind_id = g.first.get("indicator_id")
        subject = g.subjects.most_common(1)
        name = (_indicator_name(ind_id) if ind_id else None) or (subject[0][0] if subject else key)
        out.append({"key": key, "indicator_id": ind_id, "criterion_no": g.first.get("criterion_no"), "name": name,
                    "threshold": threshold, "comparator": comparator, "actual": actual})
    out.sort(key=lambda g: (-len(g["actual"]), g["key"]))
    return out


def bar_labels(places: Iterable[Place]) -> dict[Place, str]:
    """The shortest name that tells each place apart in one chart: the commune, with its district when shared."""
    places = list(places)
    communes = Counter(p.commune for p in places)
    with_district = Counter((p.commune, p.district) for p in places)
    out = {}
    for p in places:
        if communes[p.commune] == 1:
            out[p] = p.commune
        elif with_district[(p.commune, p.district)] == 1 and p.district:
            out[p] = f"{p.commune}, {p.district}"
        else:
            out[p] = p.label()
    return out


def _rate_charts(src: TableRows, lab: dict, lang: str, docs: Mapping[str, dict], skip: frozenset) -> list[dict]:
    charts = []
    for g in rate_groups(src, docs, skip)[:MAX_RATE_CHARTS]:
        items = []
        names = bar_labels(g["actual"])
        for place, r in g["actual"].items():
            ok = None if g["threshold"] is None else _passes(r["value"], g["comparator"], g["threshold"])
            cls = "n" if ok is None else ("ok" if ok else "bad")
            items.append((names[place], float(r["value"]), f"{format_number(r['value'], lang, 2)}%", cls,
                          place.label()))
        items.sort(key=lambda t: (t[3] != "bad", t[1]))
        shown = items[:MAX_BARS]
        sign = COMPARATOR_SIGN.get(g["comparator"] or "", "")
        tlabel = f"{lab['threshold']} {sign}{format_number(g['threshold'], lang, 2)}%" if g["threshold"] is not None else ""
        title = (f"{g['indicator_id']} " if g["indicator_id"] else "") + str(g["name"])
        charts.append({
            "title": title,
            "svg": svg_hbars(shown, max_value=100, threshold=g["threshold"], threshold_label=tlabel,
                             title=title),
            "n_bad": sum(1 for t in items if t[3] == "bad"), "n": len(items), "more": len(items) - len(shown),
            "threshold_label": tlabel,
        })
    return charts


# ---------------------------------------------------------------- funding and deadlines


def _funding_sums(rows: Iterable[dict]) -> Counter:
    sums: Counter = Counter()
    for r in rows:
        if r.get("role") == "total" or r.get("amount_vnd") is None:
            continue
        sums[r.get("source") or "no_source"] += int(r["amount_vnd"])
    return sums


def funding_by_source(tables: Tables | TableRows) -> list[tuple[str, int]]:
    """Sum of amounts per source over component, estimate and spent rows (totals would count twice).

    A document that is only a duplicate of another is not counted again.
    """
    src = _source(tables)
    _, skip = document_map(_documents(src))
    return _funding_sums(_fact_rows(src, "funding", ("doc_id", "role", "amount_vnd", "source"), skip)).most_common()


def _funding_view(src: TableRows, lab: dict, lang: str, docs: dict, skip: frozenset) -> dict:
    sums: Counter = Counter()
    totals: list[tuple] = []
    n_totals = 0
    for batch in _fact_batches(src, "funding", skip):
        sums.update(_funding_sums(batch))
        for r in batch:
            if r.get("role") == "total" and r.get("amount_vnd") is not None:
                totals.append((-int(r["amount_vnd"]), n_totals, r))
                n_totals += 1
        if len(totals) > 4 * MAX_FUNDING_TOTAL_ROWS:
            totals = [(-int(r["amount_vnd"]), i, r) for i, r in
                      zip(itertools.count(), _first(totals, MAX_FUNDING_TOTAL_ROWS))]
    items = [(enum_label(lab, s), v / 1e9, f"{format_number(v / 1e9, lang, 2)} {lab['billion_vnd']}", "n")
             for s, v in sums.most_common()]
    rows = [{"doc": docs.get(r["doc_id"], {}), "doc_id": r["doc_id"], "place": place_of(docs.get(r["doc_id"], r)),
             "amount": format_number(r["amount_vnd"], lang), "purpose": r.get("purpose") or "",
             "period": r.get("period") or "", "quote": r.get("quote") or "", "page": page_label(lab, r.get("page")),
             "href": page_href(r["doc_id"], r.get("char_start"), r.get("char_end"))}
            for r in _first(totals, MAX_FUNDING_TOTAL_ROWS)]
    return {"svg": svg_hbars(items, title=lab["nav_funding"]) if items else Markup(""), "totals": rows,
            "more": max(0, n_totals - MAX_FUNDING_TOTAL_ROWS)}


def due_month(due: str | None) -> tuple[int, int] | None:
    """The month a deadline falls in: a quarter at its last month, a bare year at December."""
    if not due:
        return None
    m = _PERIOD.match(str(due))
    if not m:
        return None
    year = int(m.group(1))
    if m.group(2):
        return (year, int(m.group(2)) * 3)
    if m.group(3):
        return (year, min(12, max(1, int(m.group(3)))))
    return (year, 12)


def _deadlines_view(src: TableRows, lab: dict, lang: str, docs: dict, skip: frozenset) -> dict:
    months: Counter = Counter()
    kept: list[tuple] = []
    n_rows = 0
    for batch in _fact_batches(src, "deadlines", skip):
        for r in batch:
            m = due_month(r.get("due"))
            if m:
                months[m] += 1
            kept.append((m or (9999, 99), str(r.get("due")), n_rows, r))
            n_rows += 1
        if len(kept) > 4 * MAX_DEADLINE_ROWS:
            kept = [(due_month(r.get("due")) or (9999, 99), str(r.get("due")), i, r)
                    for i, r in enumerate(_first(kept, MAX_DEADLINE_ROWS))]
    svg = Markup("")
    if months:
        (y0, m0), (y1, m1) = min(months), max(months)
        buckets, y, m = [], y0, m0
        while (y, m) <= (y1, m1) and len(buckets) < 240:
            buckets.append((f"{m:02d}/{y}", months.get((y, m), 0)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        svg = svg_columns(buckets, title=lab["nav_deadlines"])
    rows = _first(kept, MAX_DEADLINE_ROWS)
    view = [{"due": r.get("due") or "", "relation": enum_label(lab, r.get("relation")), "task": r.get("task") or "",
             "responsible": r.get("responsible") or "", "criterion_no": r.get("criterion_no") or "",
             "place": place_of(docs.get(r["doc_id"], r)), "quote": r.get("quote") or "",
             "page": page_label(lab, r.get("page")),
             "href": page_href(r["doc_id"], r.get("char_start"), r.get("char_end"))}
            for r in rows]
    return {"svg": svg, "rows": view, "more": max(0, n_rows - MAX_DEADLINE_ROWS)}


# ---------------------------------------------------------------- findings


def evidence_spans(evidence) -> list[tuple[int, int]]:
    """[[start, end], …] as JSON text (older outputs) or as a list column."""
    if evidence is None:
        return []
    try:
        spans = json.loads(evidence) if isinstance(evidence, str) else evidence
        return [(int(s), int(e)) for s, e in spans]
    except (ValueError, TypeError):
        return []


def _findings_view(src: TableRows, lab: dict, lang: str, docs: dict, skip: frozenset) -> list[dict]:
    by_sev: dict[str, list[tuple]] = defaultdict(list)
    checks_of: dict[str, Counter] = defaultdict(Counter)
    check_first: dict[str, dict] = defaultdict(dict)  # severity -> check -> the place its first row sorts at
    n_of: Counter = Counter()

    def order(r: dict, i: int) -> tuple:
        return (place_of(docs.get(r["doc_id"], r)).label(), r.get("char_start") or 0, i, r)

    for batch in _fact_batches(src, "findings", skip):
        for r in batch:
            sev = r.get("severity") or "info"
            key = order(r, n_of[sev])
            by_sev[sev].append(key)
            check = finding_check(r)
            checks_of[sev][check] += 1
            first = check_first[sev].get(check)
            if first is None or key[:-1] < first:
                check_first[sev][check] = key[:-1]
            n_of[sev] += 1
        for sev, kept in by_sev.items():
            if len(kept) > 4 * MAX_FINDINGS_PER_SEVERITY:
                by_sev[sev] = [order(r, i) for i, r in enumerate(_first(kept, MAX_FINDINGS_PER_SEVERITY))]
    view = []
    for sev in list(SEVERITIES) + sorted(set(by_sev) - set(SEVERITIES)):
        if not n_of[sev]:
            continue
        rows = _first(by_sev[sev], MAX_FINDINGS_PER_SEVERITY)
        # Most frequent first; a tie in the order the checks' first rows are listed.
        checks = sorted(checks_of[sev].items(), key=lambda kv: (-kv[1], check_first[sev][kv[0]]))
        items = []
        for r in rows:
            spans = evidence_spans(r.get("evidence"))
            if not spans and r.get("char_start") is not None:
                spans = [(r["char_start"], r["char_end"])]
            items.append({"check": enum_label(lab, finding_check(r)), "message": finding_message(r, lang),
                          "quote": r.get("quote") or "", "page": page_label(lab, r.get("page")),
                          "place": place_of(docs.get(r["doc_id"], r)),
                          "doc_id": r["doc_id"],
                          "href": page_href(r["doc_id"], *(spans[0] if spans else (None, None))),
                          "evidence": [page_href(r["doc_id"], s, e) for s, e in spans[1:]]})
        view.append({"severity": sev, "label": enum_label(lab, sev), "n": n_of[sev],
                     "checks": [(enum_label(lab, c), n) for c, n in checks],
                     "entries": items, "more": max(0, n_of[sev] - MAX_FINDINGS_PER_SEVERITY)})
    return view


# ---------------------------------------------------------------- per-document pages


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """Map Python string offsets to JavaScript's (UTF-16) ones; identical unless astral characters occur."""
    if text.isascii() or not _ASTRAL.search(text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[max(0, min(int(i), len(text)))]


def _figure(text: str, r: dict, js: Callable[[int], int], lab: dict) -> dict:
    s, e = r.get("char_start"), r.get("char_end")
    span = (js(s), js(e)) if s is not None and e is not None else None
    where = page_label(lab, r.get("page"))
    return {"text": text, "span": span, "title": (r.get("quote") or "") + (f" ({where})" if where else "")}


def _cell(text) -> dict:
    """A table cell; a long text is collapsed to its beginning (details/summary)."""
    text = "" if text is None else str(plain(text))
    if len(text) > LONG_CELL_CHARS:
        return {"text": text, "short": text[:LONG_CELL_CHARS - 40].rstrip() + "…"}
    return {"text": text}


def _quote(r: dict, lab: dict) -> dict:
    """The quote of a row, with its page (`trang 3`) when the source has pages."""
    cell = _cell(r.get("quote"))
    cell["page"] = page_label(lab, r.get("page"))
    return cell


def _doc_sections(doc_id: str, rows_by_table: dict[str, list[dict]], lab: dict, lang: str,
                  js: Callable[[int], int]) -> list[dict]:
    """The figure tables of one document: the first cell of each row links to its span."""
    t = lab["tables"]
    E = lambda v: enum_label(lab, v)  # noqa: E731
    specs = {
        "criteria": ([lab["criterion"], lab["name"], lab["status"], lab["period"], lab["indicator"], lab["list_label"], lab["quote"]],
                     lambda r: [_figure(str(r.get("criterion_no") or "?"), r, js, lab), _cell(r.get("canonical_name") or r.get("name_as_written")),
                                {"text": E(r.get("status")), "cls": STATUS_CLASS.get(r.get("status"), "")},
                                _cell(r.get("period")), _cell(r.get("indicator_id")), _cell(r.get("list_label")), _quote(r, lab)]),
        "counts": ([lab["value"], lab["kind_col"], lab["status"], lab["period"], lab["quote"]],
                   lambda r: [_figure(f"{plain(r.get('value'))}" + (f"/{plain(r['total'])}" if r.get("total") is not None else "")
                                      + (f"–{plain(r['value_max'])}" if r.get("value_max") is not None else ""), r, js, lab),
                              _cell(f"{E(r.get('kind'))} ({E(r.get('unit'))})"), _cell(E(r.get("status"))),
                              _cell(r.get("period")), _quote(r, lab)]),
        "indicators": ([lab["value"], lab["role"], lab["subject"], lab["indicator"], lab["criterion"], lab["period"], lab["quote"]],
                       lambda r: [_figure(COMPARATOR_SIGN.get(r.get("comparator") or "eq", "").replace("=", "") +
                                          (format_number(r.get("value"), lang, 4) + (r.get("unit") if r.get("unit") == "%" else "")
                                           if r.get("value") is not None else "?"), r, js, lab),
                                  _cell(E(r.get("role"))), _cell(r.get("subject")), _cell(r.get("indicator_id")),
                                  _cell(r.get("criterion_no")), _cell(r.get("period")), _quote(r, lab)]),
        "funding": ([lab["amount"], lab["role"], lab["source"], lab["purpose"], lab["period"], lab["quote"]],
                    lambda r: [_figure(f"{format_number(r.get('amount_vnd'), lang)} {lab['currency_sign']}", r, js, lab), _cell(E(r.get("role"))),
                               _cell(E(r.get("source"))), _cell(r.get("purpose")), _cell(r.get("period")), _quote(r, lab)]),
        "deadlines": ([lab["due"], "", lab["task"], lab["responsible"], lab["criterion"], lab["quote"]],
                      lambda r: [_figure(r.get("due") or "?", r, js, lab), _cell(E(r.get("relation"))), _cell(r.get("task")),
                                 _cell(r.get("responsible")), _cell(r.get("criterion_no")), _quote(r, lab)]),
        "criteria_status": ([lab["criterion"], lab["status"], lab["fields"]["basis"], lab["period"], lab["fields"]["criteria_set"]],
                            lambda r: [_figure(str(r.get("criterion_no") or "?"), r, js, lab),
                                       {"text": E(r.get("status")), "cls": STATUS_CLASS.get(r.get("status"), "")},
                                       _cell(E(r.get("basis"))), _cell(r.get("period")), _cell(E(r.get("criteria_set")))]),
        "legal_refs": ([lab["ref"], lab["kind_col"], lab["issuer"], lab["issued"], field_label(lab, "legal_refs", "subject"),
                        lab["quote"]],
                       lambda r: [_figure(r.get("ref_id") or r.get("number") or "?", r, js, lab), _cell(E(r.get("ref_type"))),
                                  _cell(r.get("issuer")), _cell(r.get("issued_date")), _cell(r.get("subject")), _quote(r, lab)]),
    }
    sections = []
    for name, (columns, render) in specs.items():
        rows = rows_by_table.get(name, [])
        sections.append({"name": name, "title": t[name], "columns": columns,
                         "rows": [render(r) for r in sorted(rows, key=lambda r: r.get("char_start") or 0)]})
    findings = []
    for r in sorted(rows_by_table.get("findings", []), key=lambda r: r.get("char_start") or 0):
        spans = evidence_spans(r.get("evidence")) or (
            [(r["char_start"], r["char_end"])] if r.get("char_start") is not None else [])
        links = [{"text": f"[{i + 1}]", "span": (js(s), js(e)), "title": ""} for i, (s, e) in enumerate(spans)]
        findings.append([{"text": E(r.get("severity")), "cls": "sev-" + str(r.get("severity"))},
                         _cell(E(finding_check(r))), dict(_cell(finding_message(r, lang)), cls="msg"), {"links": links},
                         _quote(r, lab)])
    sections.append({"name": "findings", "title": t["findings"],
                     "columns": [lab["severity"], lab["check"], lab["message"], lab["evidence"], lab["quote"]],
                     "rows": findings})
    return sections


def _json_for_script(value) -> Markup:
    """JSON safe inside <script>: no `</script>` or HTML comment can close it early."""
    s = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return Markup(s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
                  .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def load_text(doc: Mapping) -> str | None:
    """The normalized text of a document, read again from its file; None if the file changed or is gone."""
    path = doc.get("path")
    if not path or doc.get("status") != "ok" or not Path(path).is_file():
        return None
    try:
        from normalize.pipeline import normalize_path

        nd = normalize_path(Path(path))
    except Exception:
        return None
    return nd.text if nd.doc_id == doc.get("doc_id") and nd.status == "ok" else None


# ---------------------------------------------------------------- rendering


@lru_cache(maxsize=1)
def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"]),
                      trim_blocks=True, lstrip_blocks=True)
    return env


def preload() -> None:
    """Compile the summary's template and read the criteria sets it names, before the summary is written."""
    from gazetteer.criteria import criteria_sets

    _env().get_template("report.html.j2")
    criteria_sets()


@lru_cache(maxsize=None)
def _asset(name: str) -> Markup:
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


_MISSING = object()


def _shown(cell: Mapping, key: str) -> str:
    """`{{ cell.key }}` as the page template writes it: escaped, nothing for a key the cell lacks."""
    v = cell.get(key, _MISSING)
    return "" if v is _MISSING else str(escape(v))


def _fig_link(span, text: str, title: str | None = None) -> str:
    """A figure's link; `text` and `title` come escaped."""
    s, e = escape(span[0]), escape(span[1])
    shown_title = "" if title is None else f' title="{title}"'
    return f'<a class="fig" href="#s-{s}-{e}" data-s="{s}" data-e="{e}"{shown_title}>{text}</a>'


def _row_html(row: list, show_all: str) -> Markup:
    """One figure row's cells as HTML. Written here rather than in the page template, whose loop over
    every cell of every row was most of a page's rendering time."""
    out = []
    for c in row:
        cls = c.get("cls")
        html = f'<td class="{escape(cls)}">' if cls else "<td>"
        if c.get("span"):
            html += _fig_link(c["span"], _shown(c, "text"), _shown(c, "title"))
        elif c.get("links"):
            html += "".join(_fig_link(lk["span"], _shown(lk, "text")) + " " for lk in c["links"])
        elif c.get("short"):
            html += (f'<details class="long"><summary title="{escape(show_all)}">{_shown(c, "short")}</summary>'
                     f'{_shown(c, "text")}</details>')
        else:
            html += _shown(c, "text")
        if c.get("page"):
            html += f' <span class="pg">{_shown(c, "page")}</span>'
        out.append(html + "</td>")
    return Markup("".join(out))


def _doc_index(docs: list[dict], findings_per_doc: Counter, lab: dict) -> list[list]:
    """One compact row per input file; a duplicate says so in its status column."""
    return [[d["doc_id"], d.get("commune") or "", d.get("district") or "", d.get("province") or "",
             plain(d.get("plan_year")) or d.get("issued_date") or "", enum_label(lab, d.get("doc_kind")),
             display_number(d.get("doc_number")),
             "dup" if d.get("duplicate_of") else (d.get("status") or ""),
             lab["duplicates"] if d.get("duplicate_of") else enum_label(lab, d.get("status")),
             0 if d.get("duplicate_of") else findings_per_doc.get(d["doc_id"], 0),
             Path(str(d.get("path") or "")).name]
            for d in docs]


def render_summary(tables: Tables | TableRows | Path | str, lang: str = "vi", source: str = "") -> str:
    """The HTML of report.html (links point into the `report/` folder of per-document pages).

    `tables` is a run folder (its Parquet tables are read a batch at a time)
    or in-memory tables; only bounded summaries of the big tables are held.
    """
    lab = labels(lang)
    src = _source(tables)
    doc_rows = _documents(src)
    docs, skip = document_map(doc_rows)
    findings_per_doc = Counter(r["doc_id"] for r in _fact_rows(src, "findings", ("doc_id",), skip))
    firsts = [d for d in doc_rows if not d.get("duplicate_of")]  # each content once
    places = {place_of(d) for d in firsts if d.get("commune")}
    n_duplicates = len(doc_rows) - len(firsts)
    cards = [(lab["documents"], len(doc_rows))] + ([(lab["duplicates"], n_duplicates)] if n_duplicates else [])
    overview = {
        "cards": cards + [(lab["communes"], len(places)),
                          (lab["criteria_rows"], sum(1 for _ in _fact_rows(src, "criteria", ("doc_id",), skip))
                           if skip else src.count("criteria")),
                          (lab["findings"], sum(findings_per_doc.values()))],
        "charts": [
            (lab["by_status"], _count_bars((d.get("status") for d in firsts), lab, enum=True)),
            (lab["by_province"], _count_bars((d.get("province") for d in firsts), lab)),
            (lab["by_district"], _count_bars((d.get("district") for d in firsts), lab, limit=MAX_DISTRICT_BARS)),
            (lab["by_year"], _count_bars((plain(d.get("plan_year")) for d in firsts), lab)),
        ],
    }
    return _env().get_template("report.html.j2").render(
        lang=lang, long_list=LONG_LIST, L=lab, source=source, css=_asset("report.css"), js=_asset("report.js"),
        overview=overview, matrix=_matrix_view(src, lab, docs, skip), rates=_rate_charts(src, lab, lang, docs, skip),
        funding=_funding_view(src, lab, lang, docs, skip), deadlines=_deadlines_view(src, lab, lang, docs, skip),
        findings=_findings_view(src, lab, lang, docs, skip),
        doc_index=_json_for_script(_doc_index(doc_rows, findings_per_doc, lab)),
        more=lambda n: lab["more_not_shown"].format(n=n), enum=lambda v: enum_label(lab, v),
    )


_META_KEYS = ("path", "file_type", "status", "error", "duplicate_of", "quality", "doc_kind", "doc_number", "issued_date",
              "plan_year", "commune", "district", "province", "commune_code", "programme", "criteria_set", "signer",
              "signer_title", "title", "n_pages", "n_chars", "repairs")
_META_ENUMS = frozenset({"file_type", "status", "quality", "doc_kind", "programme", "criteria_set"})


def render_document(doc: Mapping, rows_by_table: dict[str, list[dict]], text: str | None, lang: str = "vi") -> str:
    """The HTML of one document's page: its figures, each linked to its span in the text."""
    lab = labels(lang)
    js = _utf16_offsets(text) if text is not None else (lambda i: int(i))
    meta = []
    for k in _META_KEYS:
        v = doc.get(k)
        if v in (None, ""):
            continue
        if k in _META_ENUMS:
            v = enum_label(lab, v)
        elif k == "repairs":
            v = repairs_text(v, lab, lang)
        elif k == "doc_number":
            v = display_number(v)
        elif k in ("n_pages", "n_chars"):
            v = format_number(v, lang)
        if v not in (None, ""):
            meta.append((field_label(lab, "documents", k), plain(v), "path" if k in ("path", "duplicate_of") else ""))
    return _env().get_template("document.html.j2").render(
        lang=lang, long_list=LONG_LIST, L=lab, doc=doc, place=place_of(doc), meta=meta, css=_asset("report.css"), js=_asset("document.js"),
        number=display_number(doc.get("doc_number")), year=plain(doc.get("plan_year")),
        sections=[{**sec, "html_rows": [_row_html(row, lab["show_all"]) for row in sec["rows"]]}
                  for sec in _doc_sections(doc["doc_id"], rows_by_table, lab, lang, js)],
        text=_json_for_script(text) if text is not None else None,
    )


# ---------------------------------------------------------------- pages rendered where the document was processed

_FIGURE_TABLES = ("criteria", "criteria_status", "counts", "indicators", "funding", "deadlines", "legal_refs", "findings")
# Data a page's wording comes from besides the templates: the findings' message templates.
_PAGE_DATA = (Path(__file__).resolve().parents[1] / "gazetteer" / "data" / "audit_messages.yaml",)


@lru_cache(maxsize=None)
def page_key(lang: str) -> str:
    """What a document page depends on besides its document: this module, the templates, the schema, the language.

    A page kept in a shard is reused only under the same key.
    """
    digest = hashlib.sha256(f"page {lang}\n".encode())
    for f in [Path(__file__), Path(__file__).with_name("schema.py"), *sorted(TEMPLATES.iterdir()), *_PAGE_DATA]:
        if f.is_file():
            digest.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


@lru_cache(maxsize=1)
def _float_columns() -> dict[str, frozenset]:
    """The float columns of each table, from `corpus.contract`, which the schema types them by.

    Read from the contract rather than from `corpus.schema`, so that a worker rendering its
    document's page does not import pyarrow (a fifth of its warm-up); the columns the
    schema declares itself (provenance, file-level, findings) hold no float.
    """
    from corpus import contract

    declared = {"documents": contract.DOCUMENT_COLUMNS,
                **{table: d["columns"] for table, d in contract.RECORD_TABLES.items()}}
    return {t: frozenset(c for c, kind in cols if kind == "float") for t, cols in declared.items()}


def typed_rows(table: str, rows: Iterable[dict]) -> list[dict]:
    """Rows as the table gives them back: a whole number in a float column reads as a float."""
    floats = _float_columns().get(table, frozenset())
    out = []
    for r in rows:
        if floats and any(isinstance(r.get(c), int) and not isinstance(r.get(c), bool) for c in floats):
            r = dict(r)
            for c in floats:
                if isinstance(r.get(c), int) and not isinstance(r.get(c), bool):
                    r[c] = float(r[c])
        out.append(r)
    return out


def render_shard_page(document: Mapping, rows: Mapping[str, list[dict]], text: str | None, lang: str) -> str:
    """A document's page from its shard's content (its row, its rows per table, its text)."""
    by_table = {name: typed_rows(name, rows.get(name) or []) for name in _FIGURE_TABLES}
    return render_document(document, by_table, text, lang)


def page_entry(document: Mapping, rows: Mapping[str, list[dict]], text: str | None, lang: str) -> dict:
    """The page a worker keeps in the shard: rendered for `lang` and the document's path, under `page_key`."""
    return {"key": page_key(lang), "path": document.get("path"), "html": render_shard_page(document, rows, text, lang)}


class DocumentPages:
    """The `report/` folder of a run, filled one document at a time as the tables are assembled.

    A page the worker rendered (kept in the shard) is written as it is when it
    was made with this report code, language and path; any other is rendered
    here. Findings found across documents come after every document was seen;
    `amend` renders the pages of the documents they concern again.
    """

    def __init__(self, out_dir: Path, lang: str, read_shard: Callable[[str], dict]):
        labels(lang)  # fail early on an unknown language
        self.out_dir, self.lang, self.key = Path(out_dir), lang, page_key(lang)
        self._read = read_shard
        self._where: dict[str, tuple[str, str]] = {}  # doc_id -> (shard, path)
        self.reused = self.rendered = 0
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix=".report.tmp-", dir=self.out_dir))

    def add(self, shard_name: str, document: Mapping, shard: Mapping) -> None:
        doc_id = document.get("doc_id")
        if not doc_id or doc_id in self._where:
            return
        self._where[doc_id] = (shard_name, document.get("path"))
        page = shard.get("page") or {}
        if page.get("key") == self.key and page.get("path") == document.get("path") and page.get("html"):
            html_text = page["html"]
            self.reused += 1
        else:
            html_text = render_shard_page(document, shard.get("rows") or {}, shard.get("text"), self.lang)
            self.rendered += 1
        (self.tmp / f"{doc_id}.html").write_text(html_text, encoding="utf-8")

    def amend(self, findings: Iterable[dict]) -> None:
        """Render again the pages of documents that `findings` (found across documents) concern."""
        extra: dict[str, list[dict]] = defaultdict(list)
        for f in findings:
            if f.get("doc_id") in self._where:
                extra[f["doc_id"]].append(f)
        for doc_id, more in extra.items():
            shard_name, path = self._where[doc_id]
            shard = self._read(shard_name)
            document = dict(shard["document"])
            document["path"] = path
            rows = dict(shard.get("rows") or {})
            rows["findings"] = list(rows.get("findings") or []) + more
            page = render_shard_page(document, rows, shard.get("text"), self.lang)
            (self.tmp / f"{doc_id}.html").write_text(page, encoding="utf-8")
            self.rendered += 1

    def finish(self) -> Path:
        """Put the pages in place as `out_dir/report/`, replacing an older folder in one step."""
        final = self.out_dir / PAGES_DIR
        _replace_folder(self.tmp, final)
        return final

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def _replace_folder(tmp: Path, final: Path) -> None:
    from corpus.tables import swap_into_place

    swap_into_place(tmp, final)


def write_summary(out_dir: Path, tables: Tables | TableRows | Path | str, lang: str = "vi",
                  source: str | None = None) -> Path:
    """Write `out_dir/report.html` (the summary page) whole or not at all; return its path."""
    out_dir = Path(out_dir)
    report = out_dir / REPORT_FILE
    partial = out_dir / f".{REPORT_FILE}.tmp"
    partial.write_text(render_summary(tables, lang, source=source or str(out_dir)), encoding="utf-8")
    os.replace(partial, report)
    return report


def write_report(out_dir: Path, tables: Tables, lang: str = "vi", texts: Mapping[str, str] | None = None,
                 source: str | None = None) -> Path:
    """Write `out_dir/report.html` and `out_dir/report/<doc_id>.html`; return the report's path.

    `texts` (doc_id → normalized text) spares reading the files again; without
    it each document is normalized anew from its path, and a file that changed
    since the run shows its figures without the text. `source` is the output
    folder named in the header (default `out_dir`; a run writing into a staging
    folder passes the final one).
    """
    out_dir = Path(out_dir)
    labels(lang)  # fail early on an unknown language
    out_dir.mkdir(parents=True, exist_ok=True)
    src = _source(tables)
    per_doc: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name in _FIGURE_TABLES:
        for r in src.rows(name):
            per_doc[r["doc_id"]][name].append(r)
    tmp = Path(tempfile.mkdtemp(prefix=".report.tmp-", dir=out_dir))
    try:
        seen = set()
        for doc in src.rows("documents"):
            if doc["doc_id"] in seen:
                continue
            seen.add(doc["doc_id"])
            text = texts.get(doc["doc_id"]) if texts is not None and doc["doc_id"] in texts else load_text(doc)
            page = render_document(doc, per_doc.get(doc["doc_id"], {}), text, lang)
            (tmp / f"{doc['doc_id']}.html").write_text(page, encoding="utf-8")
        _replace_folder(tmp, out_dir / PAGES_DIR)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return write_summary(out_dir, src, lang, source)
