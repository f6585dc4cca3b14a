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

import html
import json
import math
import os
import shutil
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Mapping

import pandas as pd
import regex
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from corpus.tables import Tables

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
STATUS_CLASS = {"met": "m", "unmet": "u", "target": "t"}
COMPARATOR_SIGN = {"eq": "=", "ge": "≥", "le": "≤", "gt": ">", "lt": "<"}
_PERIOD = regex.compile(r"^(\d{4})(?:-Q([1-4])|-(\d{1,2}))?")


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
    if v is None or v is pd.NA:
        return True
    return isinstance(v, float) and math.isnan(v)


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
    status: str  # met | unmet | target | conflict
    period: str | None
    doc_id: str
    start: int | None
    end: int | None
    history: list[tuple[str | None, str]] = field(default_factory=list)  # (period, status), latest first


@dataclass
class MatrixRow:
    place: Place
    cells: dict[int, MatrixCell]


def criteria_matrix(tables: Tables) -> dict[str, list[MatrixRow]]:
    """Communes × criteria per criteria set: each cell the status of the latest period.

    Within one period an observed status (met/unmet) outranks a plan (target);
    met and unmet for the same latest period is shown as a conflict.
    """
    docs = {d["doc_id"]: d for d in records(tables["documents"])}
    entries: dict[tuple[str, Place], dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for r in records(tables["criteria"]):
        no = r.get("criterion_no")
        if no is None or not (1 <= int(no) <= 19):
            continue
        doc = docs.get(r["doc_id"], {"doc_id": r["doc_id"]})
        set_id = r.get("criteria_set") or doc.get("criteria_set") or "?"
        entries[(set_id, place_of(doc))][int(no)].append(r)
    rank = {"target": 0, "unmet": 1, "met": 2}
    by_set: dict[str, list[MatrixRow]] = defaultdict(list)
    for (set_id, place), per_no in entries.items():
        cells = {}
        for no, rows in per_no.items():
            rows = sorted(rows, key=lambda r: (period_key(r.get("period")), rank.get(r.get("status"), -1)), reverse=True)
            latest = rows[0]
            same = {r.get("status") for r in rows if period_key(r.get("period")) == period_key(latest.get("period"))}
            status = "conflict" if {"met", "unmet"} <= same else latest.get("status")
            history, seen = [], set()
            for r in rows:
                key = (r.get("period"), r.get("status"))
                if key not in seen:
                    seen.add(key)
                    history.append(key)
            cells[no] = MatrixCell(status, latest.get("period"), latest["doc_id"], latest.get("char_start"),
                                   latest.get("char_end"), history)
        by_set[set_id].append(MatrixRow(place, cells))
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


def _matrix_view(tables: Tables, lab: dict) -> list[dict]:
    view = []
    for set_id, rows in criteria_matrix(tables).items():
        names = _criterion_names(set_id)
        out_rows = []
        for row in rows:
            cells = []
            for no in range(1, 20):
                c = row.cells.get(no)
                if c is None:
                    cells.append(None)
                    continue
                label = lab["conflict"] if c.status == "conflict" else enum_label(lab, c.status)
                hist = "; ".join(f"{p or '?'}: {enum_label(lab, s)}" for p, s in c.history)
                title = f"{no}. {names.get(no, '')} — {label} — {hist}"
                cells.append({"cls": STATUS_CLASS.get(c.status, "cf"), "text": short_period(c.period), "title": title,
                              "href": page_href(c.doc_id, c.start, c.end)})
            out_rows.append({"place": row.place, "cells": cells,
                             "search": row.place.label().lower()})
        view.append({"set_id": set_id, "columns": [(no, names.get(no, "")) for no in range(1, 20)], "rows": out_rows})
    return view


# ---------------------------------------------------------------- charts (inline SVG)


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def svg_hbars(items: list[tuple[str, float, str, str]], *, width: int = 640, label_width: int = 190,
              max_value: float | None = None, threshold: float | None = None, threshold_label: str = "",
              title: str = "") -> Markup:
    """Horizontal bars: items are (label, value, value text, css class)."""
    bar_h, gap, top = 18, 5, 22 if threshold is not None else 6
    height = top + len(items) * (bar_h + gap) + 6
    plot_w = width - label_width - 80
    vmax = max([max_value or 0] + [v for _, v, _, _ in items] + [threshold or 0]) or 1
    parts = [f'<svg class="chart" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>{_esc(title)}</title>']
    for i, (label, value, text, cls) in enumerate(items):
        y = top + i * (bar_h + gap)
        w = max(0.0, plot_w * value / vmax)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<g class="bar {cls}"><title>{_esc(label)}: {_esc(text)}</title>'
            f'<text x="{label_width - 6}" y="{y + 13}" text-anchor="end">{_esc(short)}</text>'
            f'<rect x="{label_width}" y="{y}" width="{w:.1f}" height="{bar_h}"/>'
            f'<text class="v" x="{label_width + w + 4:.1f}" y="{y + 13}">{_esc(text)}</text></g>'
        )
    if threshold is not None:
        x = label_width + plot_w * threshold / vmax
        parts.append(f'<line class="threshold" x1="{x:.1f}" x2="{x:.1f}" y1="14" y2="{height - 2}"/>'
                     f'<text class="threshold" x="{x:.1f}" y="11" text-anchor="middle">{_esc(threshold_label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def svg_columns(buckets: list[tuple[str, int]], *, width: int = 860, height: int = 180, title: str = "",
                tick_every: Callable[[str], bool] = lambda label: True) -> Markup:
    """Vertical columns over a time axis: buckets are (label, count) in order."""
    if not buckets:
        return Markup("")
    left, bottom, top = 30, 34, 10
    plot_w, plot_h = width - left - 10, height - bottom - top
    step = plot_w / len(buckets)
    vmax = max(c for _, c in buckets) or 1
    parts = [f'<svg class="chart timeline" role="img" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}"><title>{_esc(title)}</title>',
             f'<line class="axis" x1="{left}" x2="{width - 10}" y1="{top + plot_h}" y2="{top + plot_h}"/>',
             f'<text class="v" x="{left - 4}" y="{top + 8}" text-anchor="end">{vmax}</text>']
    for i, (label, count) in enumerate(buckets):
        x = left + i * step
        h = plot_h * count / vmax
        if count:
            parts.append(f'<g class="bar col"><title>{_esc(label)}: {count}</title>'
                         f'<rect x="{x + 1:.1f}" y="{top + plot_h - h:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}"/></g>')
        if tick_every(label):
            parts.append(f'<text class="tick" x="{x + step / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle">{_esc(label)}</text>')
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


def rate_groups(tables: Tables) -> list[dict]:
    """Percent indicators grouped by indicator (id, else criterion and subject), with their threshold.

    Per commune the latest `actual` value is kept; the threshold is the most
    often written `threshold` (else `target`) value of the group.
    """
    docs = {d["doc_id"]: d for d in records(tables["documents"])}
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in records(tables["indicators"]):
        if r.get("unit") != "%" or r.get("value") is None:
            continue
        if r.get("indicator_id"):
            key = f"id:{r['indicator_id']}"
        elif r.get("subject"):
            key = f"s:{r.get('criterion_no') or ''}:{' '.join(str(r['subject']).lower().split())}"
        else:
            continue
        groups[key].append(r)
    out = []
    for key, rows in groups.items():
        actual: dict[Place, dict] = {}
        for r in sorted((r for r in rows if r.get("role") == "actual"), key=lambda r: period_key(r.get("period"))):
            actual[place_of(docs.get(r["doc_id"], {"doc_id": r["doc_id"]}))] = r
        if not actual:
            continue
        norm = Counter((r["value"], r.get("comparator")) for r in rows if r.get("role") == "threshold") or \
            Counter((r["value"], r.get("comparator")) for r in rows if r.get("role") == "target")
        threshold, comparator = norm.most_common(1)[0][0] if norm else (None, None)
        ind_id = rows[0].get("indicator_id")
        subject = Counter(r.get("subject") for r in rows if r.get("subject")).most_common(1)
        name = (_indicator_name(ind_id) if ind_id else None) or (subject[0][0] if subject else key)
        out.append({"key": key, "indicator_id": ind_id, "criterion_no": rows[0].get("criterion_no"), "name": name,
                    "threshold": threshold, "comparator": comparator, "actual": actual})
    out.sort(key=lambda g: (-len(g["actual"]), g["key"]))
    return out


def _rate_charts(tables: Tables, lab: dict, lang: str) -> list[dict]:
    charts = []
    for g in rate_groups(tables)[:MAX_RATE_CHARTS]:
        items = []
        for place, r in g["actual"].items():
            ok = None if g["threshold"] is None else _passes(r["value"], g["comparator"], g["threshold"])
            cls = "n" if ok is None else ("ok" if ok else "bad")
            items.append((place.label(), float(r["value"]), f"{format_number(r['value'], lang, 2)}%", cls, r))
        items.sort(key=lambda t: (t[3] != "bad", t[1]))
        shown = items[:MAX_BARS]
        sign = COMPARATOR_SIGN.get(g["comparator"] or "", "")
        tlabel = f"{lab['threshold']} {sign}{format_number(g['threshold'], lang, 2)}%" if g["threshold"] is not None else ""
        title = (f"{g['indicator_id']} " if g["indicator_id"] else "") + str(g["name"])
        charts.append({
            "title": title,
            "svg": svg_hbars([t[:4] for t in shown], max_value=100, threshold=g["threshold"], threshold_label=tlabel,
                             title=title),
            "n_bad": sum(1 for t in items if t[3] == "bad"), "n": len(items), "more": len(items) - len(shown),
            "threshold_label": tlabel,
        })
    return charts


# ---------------------------------------------------------------- funding and deadlines


def funding_by_source(tables: Tables) -> list[tuple[str, int]]:
    """Sum of amounts per source over component, estimate and spent rows (totals would count twice)."""
    sums: Counter = Counter()
    for r in records(tables["funding"]):
        if r.get("role") == "total" or r.get("amount_vnd") is None:
            continue
        sums[r.get("source") or "no_source"] += int(r["amount_vnd"])
    return sums.most_common()


def _funding_view(tables: Tables, lab: dict, lang: str, docs: dict) -> dict:
    by_source = funding_by_source(tables)
    items = [(enum_label(lab, s), v / 1e9, f"{format_number(v / 1e9, lang, 2)} {lab['billion_vnd']}", "n")
             for s, v in by_source]
    totals = [r for r in records(tables["funding"]) if r.get("role") == "total" and r.get("amount_vnd") is not None]
    totals.sort(key=lambda r: -int(r["amount_vnd"]))
    rows = [{"doc": docs.get(r["doc_id"], {}), "doc_id": r["doc_id"], "place": place_of(docs.get(r["doc_id"], r)),
             "amount": format_number(r["amount_vnd"], lang), "purpose": r.get("purpose") or "",
             "period": r.get("period") or "", "quote": r.get("quote") or "",
             "href": page_href(r["doc_id"], r.get("char_start"), r.get("char_end"))}
            for r in totals[:MAX_FUNDING_TOTAL_ROWS]]
    return {"svg": svg_hbars(items, title=lab["nav_funding"]) if items else Markup(""), "totals": rows,
            "more": max(0, len(totals) - MAX_FUNDING_TOTAL_ROWS)}


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


def _deadlines_view(tables: Tables, lab: dict, lang: str, docs: dict) -> dict:
    rows = [r for r in records(tables["deadlines"])]
    months = Counter(m for m in (due_month(r.get("due")) for r in rows) if m)
    svg = Markup("")
    if months:
        (y0, m0), (y1, m1) = min(months), max(months)
        buckets, y, m = [], y0, m0
        while (y, m) <= (y1, m1) and len(buckets) < 240:
            buckets.append((f"{m:02d}/{y}", months.get((y, m), 0)))
            y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        few = len(buckets) <= 18
        svg = svg_columns(buckets, title=lab["nav_deadlines"],
                          tick_every=lambda label: few or label.startswith("01/") or label == buckets[0][0])
    rows.sort(key=lambda r: (due_month(r.get("due")) or (9999, 99), str(r.get("due"))))
    view = [{"due": r.get("due") or "", "relation": enum_label(lab, r.get("relation")), "task": r.get("task") or "",
             "responsible": r.get("responsible") or "", "criterion_no": r.get("criterion_no") or "",
             "place": place_of(docs.get(r["doc_id"], r)), "quote": r.get("quote") or "",
             "href": page_href(r["doc_id"], r.get("char_start"), r.get("char_end"))}
            for r in rows[:MAX_DEADLINE_ROWS]]
    return {"svg": svg, "rows": view, "more": max(0, len(rows) - MAX_DEADLINE_ROWS)}


# ---------------------------------------------------------------- findings


def evidence_spans(evidence) -> list[tuple[int, int]]:
    try:
        spans = json.loads(evidence) if isinstance(evidence, str) else (evidence or [])
        return [(int(s), int(e)) for s, e in spans]
    except (ValueError, TypeError):
        return []


def _findings_view(tables: Tables, lab: dict, docs: dict) -> list[dict]:
    by_sev: dict[str, list[dict]] = defaultdict(list)
    for r in records(tables["findings"]):
        by_sev[r.get("severity") or "info"].append(r)
    view = []
    for sev in list(SEVERITIES) + sorted(set(by_sev) - set(SEVERITIES)):
        rows = by_sev.get(sev, [])
        if not rows:
            continue
        rows.sort(key=lambda r: (place_of(docs.get(r["doc_id"], r)).label(), r.get("char_start") or 0))
        checks = Counter(r.get("check") for r in rows)
        items = []
        for r in rows[:MAX_FINDINGS_PER_SEVERITY]:
            spans = evidence_spans(r.get("evidence"))
            if not spans and r.get("char_start") is not None:
                spans = [(r["char_start"], r["char_end"])]
            items.append({"check": enum_label(lab, r.get("check")), "message": r.get("message") or "",
                          "quote": r.get("quote") or "", "place": place_of(docs.get(r["doc_id"], r)),
                          "doc_id": r["doc_id"],
                          "href": page_href(r["doc_id"], *(spans[0] if spans else (None, None))),
                          "evidence": [page_href(r["doc_id"], s, e) for s, e in spans[1:]]})
        view.append({"severity": sev, "label": enum_label(lab, sev), "n": len(rows),
                     "checks": [(enum_label(lab, c), n) for c, n in checks.most_common()],
                     "entries": items, "more": max(0, len(rows) - MAX_FINDINGS_PER_SEVERITY)})
    return view


# ---------------------------------------------------------------- per-document pages


def _utf16_offsets(text: str) -> Callable[[int], int]:
    """Map Python string offsets to JavaScript's (UTF-16) ones; identical unless astral characters occur."""
    if all(ord(ch) < 0x10000 for ch in text):
        return lambda i: i
    prefix = [0]
    for ch in text:
        prefix.append(prefix[-1] + (2 if ord(ch) >= 0x10000 else 1))
    return lambda i: prefix[max(0, min(int(i), len(text)))]


def _figure(text: str, r: dict, js: Callable[[int], int]) -> dict:
    s, e = r.get("char_start"), r.get("char_end")
    span = (js(s), js(e)) if s is not None and e is not None else None
    return {"text": text, "span": span, "title": (r.get("quote") or "") + (f" (tr. {r['page']})" if r.get("page") else "")}


def _cell(text) -> dict:
    return {"text": "" if text is None else str(text)}


def _doc_sections(doc_id: str, rows_by_table: dict[str, list[dict]], lab: dict, lang: str,
                  js: Callable[[int], int]) -> list[dict]:
    """The figure tables of one document: the first cell of each row links to its span."""
    t = lab["tables"]
    E = lambda v: enum_label(lab, v)  # noqa: E731
    specs = {
        "criteria": ([lab["criterion"], lab["name"], lab["status"], lab["period"], "ID", lab["list_label"], lab["quote"]],
                     lambda r: [_figure(str(r.get("criterion_no") or "?"), r, js), _cell(r.get("canonical_name") or r.get("name_as_written")),
                                {"text": E(r.get("status")), "cls": STATUS_CLASS.get(r.get("status"), "")},
                                _cell(r.get("period")), _cell(r.get("indicator_id")), _cell(r.get("list_label")), _cell(r.get("quote"))]),
        "counts": ([lab["value"], lab["kind_col"], lab["status"], lab["period"], lab["quote"]],
                   lambda r: [_figure(f"{r.get('value')}" + (f"/{r['total']}" if r.get("total") is not None else "")
                                      + (f"–{r['value_max']}" if r.get("value_max") is not None else ""), r, js),
                              _cell(f"{E(r.get('kind'))} ({r.get('unit') or ''})"), _cell(E(r.get("status"))),
                              _cell(r.get("period")), _cell(r.get("quote"))]),
        "indicators": ([lab["value"], lab["role"], lab["subject"], "ID", lab["criterion"], lab["period"], lab["quote"]],
                       lambda r: [_figure(COMPARATOR_SIGN.get(r.get("comparator") or "eq", "").replace("=", "") +
                                          (format_number(r.get("value"), lang, 4) + (r.get("unit") if r.get("unit") == "%" else "")
                                           if r.get("value") is not None else "?"), r, js),
                                  _cell(E(r.get("role"))), _cell(r.get("subject")), _cell(r.get("indicator_id")),
                                  _cell(r.get("criterion_no")), _cell(r.get("period")), _cell(r.get("quote"))]),
        "funding": ([lab["amount"], lab["role"], lab["source"], lab["purpose"], lab["period"], lab["quote"]],
                    lambda r: [_figure(format_number(r.get("amount_vnd"), lang) + " đ", r, js), _cell(E(r.get("role"))),
                               _cell(E(r.get("source"))), _cell(r.get("purpose")), _cell(r.get("period")), _cell(r.get("quote"))]),
        "deadlines": ([lab["due"], "", lab["task"], lab["responsible"], lab["criterion"], lab["quote"]],
                      lambda r: [_figure(r.get("due") or "?", r, js), _cell(E(r.get("relation"))), _cell(r.get("task")),
                                 _cell(r.get("responsible")), _cell(r.get("criterion_no")), _cell(r.get("quote"))]),
        "legal_refs": ([lab["ref"], lab["kind_col"], lab["issuer"], lab["issued"], lab["subject"], lab["quote"]],
                       lambda r: [_figure(r.get("ref_id") or r.get("number") or "?", r, js), _cell(r.get("ref_type")),
                                  _cell(r.get("issuer")), _cell(r.get("issued_date")), _cell(r.get("subject")), _cell(r.get("quote"))]),
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
                         _cell(E(r.get("check"))), _cell(r.get("message")), {"links": links}, _cell(r.get("quote"))])
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


def _asset(name: str) -> Markup:
    return Markup((TEMPLATES / name).read_text(encoding="utf-8"))


def _doc_index(docs: list[dict], findings_per_doc: Counter, lab: dict) -> list[list]:
    return [[d["doc_id"], d.get("commune") or "", d.get("district") or "", d.get("province") or "",
             d.get("plan_year") or d.get("issued_date") or "", enum_label(lab, d.get("doc_kind")), d.get("doc_number") or "",
             d.get("status") or "", enum_label(lab, d.get("status")), findings_per_doc.get(d["doc_id"], 0),
             Path(str(d.get("path") or "")).name]
            for d in docs]


def render_summary(tables: Tables, lang: str = "vi", source: str = "") -> str:
    """The HTML of report.html (links point into the `report/` folder of per-document pages)."""
    lab = labels(lang)
    doc_rows = records(tables["documents"])
    docs = {d["doc_id"]: d for d in doc_rows}
    findings_per_doc = Counter(r["doc_id"] for r in records(tables["findings"]))
    places = {place_of(d) for d in doc_rows if d.get("commune")}
    overview = {
        "cards": [(lab["documents"], len(doc_rows)), (lab["communes"], len(places)),
                  (lab["criteria_rows"], len(tables["criteria"])), (lab["findings"], len(tables["findings"]))],
        "charts": [
            (lab["by_status"], _count_bars((d.get("status") for d in doc_rows), lab, enum=True)),
            (lab["by_province"], _count_bars((d.get("province") for d in doc_rows), lab)),
            (lab["by_district"], _count_bars((d.get("district") for d in doc_rows), lab, limit=MAX_DISTRICT_BARS)),
            (lab["by_year"], _count_bars((d.get("plan_year") for d in doc_rows), lab)),
        ],
    }
    return _env().get_template("report.html.j2").render(
        lang=lang, L=lab, source=source, css=_asset("report.css"), js=_asset("report.js"),
        overview=overview, matrix=_matrix_view(tables, lab), rates=_rate_charts(tables, lab, lang),
        funding=_funding_view(tables, lab, lang, docs), deadlines=_deadlines_view(tables, lab, lang, docs),
        findings=_findings_view(tables, lab, docs),
        doc_index=_json_for_script(_doc_index(doc_rows, findings_per_doc, lab)),
        more=lambda n: lab["more_not_shown"].format(n=n), enum=lambda v: enum_label(lab, v),
    )


def render_document(doc: Mapping, rows_by_table: dict[str, list[dict]], text: str | None, lang: str = "vi") -> str:
    """The HTML of one document's page: its figures, each linked to its span in the text."""
    lab = labels(lang)
    js = _utf16_offsets(text) if text is not None else (lambda i: int(i))
    meta_keys = ["path", "file_type", "status", "error", "quality", "doc_kind", "doc_number", "issued_date", "plan_year",
                 "commune", "district", "province", "commune_code", "programme", "criteria_set", "signer", "signer_title",
                 "title", "n_pages", "n_chars", "repairs"]
    meta = [(k, enum_label(lab, doc.get(k)) if k in ("status", "doc_kind", "programme", "quality") else doc.get(k))
            for k in meta_keys if doc.get(k) not in (None, "")]
    return _env().get_template("document.html.j2").render(
        lang=lang, L=lab, doc=doc, place=place_of(doc), meta=meta, css=_asset("report.css"), js=_asset("document.js"),
        sections=_doc_sections(doc["doc_id"], rows_by_table, lab, lang, js),
        text=_json_for_script(text) if text is not None else None,
    )


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
    per_doc: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for name in ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs", "findings"):
        for r in records(tables[name]):
            per_doc[r["doc_id"]][name].append(r)
    tmp = Path(tempfile.mkdtemp(prefix=".report.tmp-", dir=out_dir))
    try:
        seen = set()
        for doc in records(tables["documents"]):
            if doc["doc_id"] in seen:
                continue
            seen.add(doc["doc_id"])
            text = texts.get(doc["doc_id"]) if texts is not None and doc["doc_id"] in texts else load_text(doc)
            page = render_document(doc, per_doc.get(doc["doc_id"], {}), text, lang)
            (tmp / f"{doc['doc_id']}.html").write_text(page, encoding="utf-8")
        final = out_dir / PAGES_DIR
        if final.exists():
            old = out_dir / f".report.old-{os.getpid()}"
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    report = out_dir / REPORT_FILE
    partial = out_dir / f".{REPORT_FILE}.tmp"
    partial.write_text(render_summary(tables, lang, source=source or str(out_dir)), encoding="utf-8")
    os.replace(partial, report)
    return report
