"""The audit across documents: one commune's plans over time must tell one story.

Documents are grouped by commune (its official code, else its name with its
district) and by criteria set (counts under different sets are not
comparable: a commune met 19/19 of the 2016 set and may meet 11/19 of the 2021
one). Each document is compared with the most recent earlier document of its
group that says something comparable:

- the same period given different met totals ("18/19" and "17/19" for 2023):
  the counts cannot both hold;
- fewer criteria met for a later period than the earlier document gave for an
  earlier one (18/19 for 2023, then 17/19 for 2024-Q1): a regression;
- a criterion met in an earlier period and unmet in a later one, or met in one
  document and unmet in the other for the same period.

Where the line is: a single document that itself reports a change between two
periods (18/19 in 2023, 17/19 by 2024-Q1) is narrating it, not contradicting
itself, and is not flagged; only statements of two different documents are
set against each other. Findings carry the doc_id of the later document, cite
the earlier one by file name, and are warnings.
"""
from __future__ import annotations

import json
import pickle
import sqlite3
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Iterator, Mapping

import regex

from gazetteer.text import fold

SEVERITY = "warning"


def _records(table) -> list[dict]:
    """Rows of a DataFrame or a list of dicts, with missing values as None."""
    if table is None:
        return []
    if hasattr(table, "to_dict"):
        rows = table.astype(object).to_dict("records")
    else:
        rows = [dict(r) for r in table]
    for r in rows:
        for k, v in r.items():
            if v is not None and v != v:  # NaN / NA
                r[k] = None
            elif type(v).__name__ in ("NAType", "NaTType"):
                r[k] = None
    return rows


_PERIOD = regex.compile(r"(\d{4})(?:-Q([1-4]))?")


def _period_key(period) -> tuple[int, int] | None:
    """Order of periods: a quarter before the end of its year ("2024-Q1" < "2024")."""
    if period is None:
        return None
    m = _PERIOD.match(str(period))
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else 5


def commune_key(doc: dict) -> tuple | None:
    if doc.get("commune_code"):
        return ("code", str(doc["commune_code"]))
    if doc.get("commune"):
        return ("name", fold(str(doc["commune"])), fold(str(doc.get("district") or "")),
                fold(str(doc.get("province") or "")))
    return None


def _doc_order(doc: dict) -> tuple:
    date = doc.get("issued_date") or (str(doc["plan_year"]) if doc.get("plan_year") else "")
    return (str(date), str(doc.get("path") or ""), str(doc.get("doc_id")))


def _file_name(doc: dict) -> str:
    return Path(str(doc.get("path") or doc.get("doc_id"))).name


def _finding(doc_id: str, template: str, rows: list[dict], **values) -> dict:
    """A finding row of message template `template` (gazetteer/data/audit_messages.yaml), in English;
    its values are kept in `params`, so the run renders it in its language."""
    from extract.audit.messages import render, templates

    spans = [[int(r["char_start"]), int(r["char_end"])] for r in rows
             if r.get("char_start") is not None and r.get("char_end") is not None]
    first = rows[0] if rows else {}
    params = {"template": template, **values}
    return {
        "doc_id": doc_id,
        "check_name": templates()[template]["check"],
        "severity": templates()[template]["severity"],
        "message": render(template, params, "en"),
        "params": json.dumps(params, ensure_ascii=False, sort_keys=True),
        "evidence": spans,
        "quote": first.get("quote"),
        "page": first.get("page"),
        "char_start": spans[0][0] if spans else None,
        "char_end": spans[0][1] if spans else None,
    }


def _met_totals(counts: list[dict]) -> dict[tuple, tuple[int, int, dict]]:
    """period → (met, total, row) for periods with one unambiguous met total of criteria."""
    by_period: dict[tuple, list[dict]] = defaultdict(list)
    for c in counts:
        if c.get("kind") == "met_total" and c.get("status") == "met" and c.get("unit") == "tieu_chi" \
                and c.get("total") is not None and c.get("value_max") is None:
            key = _period_key(c.get("period"))
            if key:
                by_period[key].append(c)
    out = {}
    for key, rows in by_period.items():
        values = {(int(r["value"]), int(r["total"])) for r in rows}
        if len(values) == 1:
            met, total = values.pop()
            out[key] = (met, total, rows[0])
    return out


def _criterion_states(criteria: list[dict]) -> dict[tuple[int, tuple], tuple[str, dict]]:
    """(criterion, period) → (status, row), whole-criterion statements with one status only."""
    seen: dict[tuple[int, tuple], list[dict]] = defaultdict(list)
    for r in criteria:
        if r.get("status") in ("met", "unmet") and r.get("indicator_id") is None and r.get("criterion_no"):
            key = _period_key(r.get("period"))
            if key:
                seen[(int(r["criterion_no"]), key)].append(r)
    return {k: (rows[0]["status"], rows[0]) for k, rows in seen.items()
            if len({r["status"] for r in rows}) == 1}


def _label(key: tuple[int, int]) -> str:
    return f"{key[0]}" if key[1] == 5 else f"{key[0]}-Q{key[1]}"


def compare_counts(earlier: dict, later: dict, a: dict, b: dict) -> list[dict]:
    """Met totals of two documents of one commune: same period disagreeing, or a regression."""
    out = []
    name = _file_name(earlier)
    for key in sorted(set(a) & set(b)):
        (ma, ta, _), (mb, tb, row) = a[key], b[key]
        if (ma, ta) != (mb, tb):
            out.append(_finding(later["doc_id"], "across_same_period", [row], period=_label(key), met=mb, total=tb,
                                earlier=name, earlier_met=ma, earlier_total=ta))
    if out:
        return out
    last_a = max(a)
    ma, ta, _ = a[last_a]
    for key in sorted(k for k in b if k > last_a):
        mb, tb, row = b[key]
        narrated = any(last_a <= k < key and b[k][0] >= ma for k in b)
        if tb == ta and mb < ma and not narrated:  # a drop the later document reports itself is narrated
            out.append(_finding(later["doc_id"], "across_regression", [row], period=_label(key), met=mb, total=tb,
                                earlier=name, earlier_met=ma, earlier_total=ta, earlier_period=_label(last_a)))
            break
    return out


def compare_criteria(earlier: dict, later: dict, a: dict, b: dict) -> list[dict]:
    """Criterion statuses of two documents: met then unmet later, or both for one period."""
    name = _file_name(earlier)
    lost, conflict = [], []
    for (number, key), (status, row) in sorted(b.items(), key=lambda kv: kv[1][1].get("char_start") or 0):
        if status != "unmet":
            continue
        same = a.get((number, key))
        if same and same[0] == "met":
            conflict.append((number, key, row))
            continue
        before = [k for (n, k), (s, _) in a.items() if n == number and s == "met" and k < key]
        if before and (number, max(before)) not in b:  # not narrated by the later document itself
            lost.append((number, max(before), key, row))
    out = []
    if conflict:
        nums = ", ".join(f"{n} ({_label(k)})" for n, k, _ in conflict)
        out.append(_finding(later["doc_id"], "across_status_conflict", [r for *_, r in conflict],
                            earlier=name, criteria=nums))
    if lost:
        nums = ", ".join(f"{n} ({_label(k0)} → {_label(k1)})" for n, k0, k1, _ in lost)
        out.append(_finding(later["doc_id"], "across_lost", [r for *_, r in lost], earlier=name, criteria=nums))
    return out


def audit_across(documents_df, criteria_df, counts_df) -> list[dict]:
    """Finding rows (the `findings` table's columns) comparing the documents of one run."""
    counts_by_doc: dict[str, list[dict]] = defaultdict(list)
    for c in _records(counts_df):
        counts_by_doc[c.get("doc_id")].append(c)
    criteria_by_doc: dict[str, list[dict]] = defaultdict(list)
    for r in _records(criteria_df):
        criteria_by_doc[r.get("doc_id")].append(r)
    return _audit_documents(_records(documents_df), counts_by_doc, criteria_by_doc)


def _audit_documents(documents: list[dict], counts_by_doc: Mapping[str, list[dict]],
                     criteria_by_doc: Mapping[str, list[dict]]) -> list[dict]:
    """The checks over documents whose counts and criteria rows are looked up per document (missing: none)."""
    return [f for _, found in _findings_by_document(documents, counts_by_doc, criteria_by_doc) for f in found]


def _findings_by_document(documents: list[dict], counts_by_doc: Mapping[str, list[dict]],
                          criteria_by_doc: Mapping[str, list[dict]]) -> Iterator[tuple[dict, list[dict]]]:
    """(document, its findings) for each document with findings, one commune's documents at a time."""
    docs = [d for d in documents if d.get("status") in (None, "ok")]
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for d in docs:
        key = commune_key(d)
        if key is not None and d.get("criteria_set"):
            groups[(key, d["criteria_set"])].append(d)

    for members in groups.values():
        members = sorted(members, key=_doc_order)
        totals = {d["doc_id"]: _met_totals(counts_by_doc[d["doc_id"]]) for d in members}
        states = {d["doc_id"]: _criterion_states(criteria_by_doc[d["doc_id"]]) for d in members}
        for i, later in enumerate(members):
            found: list[dict] = []
            for kind, data, compare in (("counts", totals, compare_counts), ("criteria", states, compare_criteria)):
                if not data[later["doc_id"]]:
                    continue
                earlier = next((e for e in reversed(members[:i])
                                if data[e["doc_id"]] and e["doc_id"] != later["doc_id"]), None)
                if earlier is not None:
                    found.extend(compare(earlier, later, data[earlier["doc_id"]], data[later["doc_id"]]))
            if found:
                yield later, found


def audit_rows(rows: dict) -> list[dict]:
    """The cross-document findings of a run's collected rows (table name → rows or DataFrame)."""
    return audit_across(rows.get("documents"), rows.get("criteria"), rows.get("counts"))


# The columns each cross-document check reads: all a streaming run needs to keep.
ACROSS_COLUMNS = {
    "documents": ("doc_id", "path", "status", "commune", "district", "province", "commune_code",
                  "criteria_set", "issued_date", "plan_year"),
    "criteria": ("doc_id", "criterion_no", "status", "period", "indicator_id", "char_start", "char_end",
                 "quote", "page"),
    "counts": ("doc_id", "kind", "value", "total", "unit", "status", "period", "value_max", "char_start",
               "char_end", "quote", "page"),
}


class _SpilledRows(Mapping):
    """Rows per doc_id of one table, kept in a temporary database on disk and read back one document at a time."""

    def __init__(self, db: sqlite3.Connection, table: str) -> None:
        self._db, self._table = db, table

    def extend(self, doc_id: str, rows: list[dict]) -> None:
        self._db.execute("INSERT INTO spilled VALUES (?, ?, ?)",
                         (self._table, doc_id, pickle.dumps(rows, protocol=pickle.HIGHEST_PROTOCOL)))

    def __getitem__(self, doc_id: str) -> list[dict]:
        rows: list[dict] = []
        for (data,) in self._db.execute("SELECT data FROM spilled WHERE tbl = ? AND doc_id = ? ORDER BY rowid",
                                        (self._table, doc_id)):
            rows.extend(pickle.loads(data))
        return rows

    def __iter__(self):
        query = "SELECT DISTINCT doc_id FROM spilled WHERE tbl = ? ORDER BY doc_id"
        return (doc_id for (doc_id,) in self._db.execute(query, (self._table,)))

    def __len__(self) -> int:
        return self._db.execute("SELECT COUNT(DISTINCT doc_id) FROM spilled WHERE tbl = ?", (self._table,)).fetchone()[0]


class AcrossAudit:
    """Keeps the few columns the cross-document checks read while a run streams its rows,
    then gives the findings: `add(table, rows)` per document, `findings()` at the end.

    Every row kept goes to disk: the documents' rows a thousand at a time to a temporary
    file, their counts and criteria rows per document to a temporary database, read back one
    commune at a time, so memory does not grow with the documents of the run (only the
    documents' rows are read back whole, at the end).
    """

    _DOCUMENTS_PER_WRITE = 1_000

    def __init__(self) -> None:
        self._documents = tempfile.TemporaryFile()
        self._pending: list[dict] = []
        self._db = sqlite3.connect("")  # "": a temporary database on disk
        self._db.execute("CREATE TABLE spilled (tbl TEXT, doc_id TEXT, data BLOB)")
        self._spilled = {t: _SpilledRows(self._db, t) for t in ACROSS_COLUMNS if t != "documents"}

    def add(self, table: str, rows: list[dict]) -> None:
        keep = ACROSS_COLUMNS.get(table)
        if keep is None:
            return
        kept = [{k: r.get(k) for k in keep} for r in rows]
        if table == "documents":
            self._pending.extend(kept)
            if len(self._pending) >= self._DOCUMENTS_PER_WRITE:
                self._write_documents()
            return
        by_doc: dict[str, list[dict]] = defaultdict(list)
        for r in _records(kept):
            by_doc[r.get("doc_id")].append(r)
        for doc_id, doc_rows in by_doc.items():
            self._spilled[table].extend(doc_id, doc_rows)

    def _write_documents(self) -> None:
        if self._pending:
            pickle.dump(self._pending, self._documents, protocol=pickle.HIGHEST_PROTOCOL)
            self._pending = []

    def documents(self):
        """The documents' rows kept so far, in the order they were added (what the checks read of them)."""
        self._write_documents()
        self._documents.seek(0)
        while True:
            try:
                yield from pickle.load(self._documents)
            except EOFError:
                return

    def findings(self) -> Iterator[tuple[dict, list[dict]]]:
        """(document row kept, its findings) for each document with findings, as they are found."""
        self._db.execute("CREATE INDEX IF NOT EXISTS spilled_doc ON spilled (tbl, doc_id)")
        yield from _findings_by_document(_records(list(self.documents())), self._spilled["counts"],
                                         self._spilled["criteria"])

    def close(self) -> None:
        self._documents.close()
        self._db.close()
