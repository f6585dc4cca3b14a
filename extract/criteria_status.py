"""Each criterion's status per document, set and period, derived from the criteria and counts rows.

One row per (criteria set, period, criterion): the status the document gives
it and on what basis:

- `stated`: a criteria row says it ("tiêu chí số 15 chưa đạt"); a state (met or
  unmet) outranks an aim (target) for the same period. A statement about one
  indicator ("Mục 15.1 … chưa đạt") makes its criterion unmet when nothing is
  said about the whole criterion; an indicator met says nothing of the rest.
- `inferred`: it follows from a count and the criteria listed beside it: "đạt
  17/19 tiêu chí; 2 tiêu chí chưa đạt: 15 và 17" makes the other 17 met; "đạt 16
  tiêu chí gồm …" naming all sixteen, with the set's size known, makes the rest
  unmet. Nothing is inferred when the numbers do not add up exactly, nor from a count
  that shares its sentence with a count of communes (it speaks of many communes).
- `table`: a table row says it (rows whose rule comes from a table reader).

A criterion stated both met and unmet for one period is `unknown` here and a
`status_conflict` finding (the check below reads these rows).
"""
from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.component import Check, Component
from extract.counts import extract_counts
from extract.criteria import extract_criteria
from extract.audit.messages import make_finding
from extract.records import CountClaim, CriterionMention, Finding, Record
from gazetteer.criteria import criteria_sets

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

DEFAULT_SET_SIZE = 19  # criteria in a commune set whose set is not known (every national set has 19)
STATES = ("met", "unmet")


@dataclass(slots=True)
class CriterionStatus(Record):
    criteria_set: str | None = None
    period: str | None = None
    criterion_no: int = 0
    status: str = "unknown"  # met | unmet | target | unknown
    basis: str = "stated"  # stated | inferred | table
    evidence: str = "[]"  # json list of [char_start, char_end] of the rows it rests on


def _spans(rows) -> list[tuple[int, int]]:
    return sorted({(r.start, r.end) for r in rows})


def _row(cset, period, number, status, basis, rows, rule) -> CriterionStatus:
    spans = _spans(rows)
    start, end = spans[0] if spans else (0, 0)
    return CriterionStatus(start=start, end=end, rule=rule, criteria_set=cset, period=period,
                           criterion_no=number, status=status, basis=basis,
                           evidence=json.dumps([list(s) for s in spans]))


def _set_size(cset: str | None) -> int:
    if cset:
        cs = criteria_sets().get(cset)
        if cs is not None and getattr(cs, "criteria", None):
            return len(cs.criteria)
    return DEFAULT_SET_SIZE


def _stated(rows: list[CriterionMention]) -> tuple[str, str, list[CriterionMention]]:
    """(status, basis, evidence) of one criterion's rows for one period."""
    whole = [r for r in rows if not r.indicator_id]
    parts = [r for r in rows if r.indicator_id]
    use = whole or [r for r in parts if r.status == "unmet"] or []
    basis = "table" if use and all("table" in (r.rule or "") for r in use) else "stated"
    states = {r.status for r in use if r.status in STATES}
    if len(states) == 2:
        return "unknown", basis, use
    if states:
        status = states.pop()
        return status, basis, [r for r in use if r.status == status]
    if any(r.status == "target" for r in use):
        return "target", basis, [r for r in use if r.status == "target"]
    return "", basis, []


def derive_status(cset: str | None, criteria: list[CriterionMention], counts: list[CountClaim]) -> list[CriterionStatus]:
    """The derived rows for one document (see the module docstring)."""
    by_key: dict[tuple, list[CriterionMention]] = defaultdict(list)
    for r in criteria:
        by_key[(r.criteria_set or cset, r.period, r.criterion_no)].append(r)
    out: dict[tuple, CriterionStatus] = {}
    for key, rows in by_key.items():
        status, basis, evidence = _stated(rows)
        if status:
            out[key] = _row(key[0], key[1], key[2], status, basis, evidence, f"criteria_status.{basis}")
    size = _set_size(cset)
    for c in counts:
        if c.unit != "tieu_chi" or c.status != "met" or c.kind not in ("met_total", "declared_list"):
            continue
        total = c.total if c.total is not None else None
        if total is not None and total != size:
            continue
        period = c.period
        here = {k[2]: v for k, v in out.items() if k[1] == period and k[0] == cset}
        met = {n for n, v in here.items() if v.status == "met"}
        short = {n for n, v in here.items() if v.status in ("unmet", "target")}
        if any(v.status == "unknown" for v in here.values()):
            continue
        rest = [n for n in range(1, size + 1) if n not in here]
        if not rest:
            continue
        if short and c.value + len(short) == size and len(met) <= c.value:
            inferred, basis_rows = "met", [c, *_evidence_rows(out, cset, period, short)]
        elif met and len(met) == c.value and not short and (total == size or c.kind == "declared_list" and total):
            inferred, basis_rows = "unmet", [c, *_evidence_rows(out, cset, period, met)]
        else:
            continue
        for n in rest:
            out[(cset, period, n)] = _row(cset, period, n, inferred, "inferred", basis_rows, "criteria_status.inferred")
    return sorted(out.values(), key=lambda r: (r.criteria_set or "", r.period or "", r.criterion_no))


class _Span:
    __slots__ = ("start", "end")

    def __init__(self, start: int, end: int):
        self.start, self.end = start, end


def _evidence_rows(out: dict, cset, period, numbers) -> list[_Span]:
    spans = []
    for n in sorted(numbers):
        row = out[(cset, period, n)]
        spans.extend(_Span(s, e) for s, e in json.loads(row.evidence))
    return spans


UNIT_COUNTS = ("xa", "huyen", "thon")


def _of_one_unit(ctx: "PreparedDoc", counts: list[CountClaim]) -> list[CountClaim]:
    """Counts of criteria that speak of one commune: not those in a sentence that also counts
    communes ("05 tiêu chí … mà tất cả 10 xã đạt được" says nothing of the other 14)."""
    units = [ctx.sentence_at(c.start) for c in counts if c.unit in UNIT_COUNTS]
    return [c for c in counts if c.unit in UNIT_COUNTS or ctx.sentence_at(c.start) not in units]


def criteria_status_of(ctx: "PreparedDoc", records: dict) -> list[CriterionStatus]:
    """The derived rows from the document's finished criteria and counts (tables included)."""
    return derive_status(ctx.criteria_set, records.get("criteria", []), _of_one_unit(ctx, records.get("counts", [])))


def extract_criteria_status(ctx: "PreparedDoc") -> list[CriterionStatus]:
    """The derived rows of one document's prose alone (no table records), for a caller without records."""
    return criteria_status_of(ctx, {"criteria": extract_criteria(ctx), "counts": extract_counts(ctx)})


def check_status_conflict(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    """A criterion stated both met and unmet for one period (its derived status is `unknown`)."""
    findings = []
    for r in records.get("criteria_status", []):
        if r.status != "unknown":
            continue
        spans = [tuple(s) for s in json.loads(r.evidence)]
        quotes = " / ".join(f"'{ctx.text[s:e]}'" for s, e in spans[:2])
        findings.append(make_finding("status_conflict", spans, criterion=r.criterion_no, period=r.period,
                                     quotes=quotes))
    return findings


COMPONENT = Component(
    name="criteria_status", record=CriterionStatus, run=criteria_status_of, reads=("criteria", "counts"),
    requires=("mentions", "statements", "criteria_set", "structure", "sentence_spans", "meta",
              "fractions", "ranges", "status_periods"),
    enums={"criteria_set": ("ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"),
           "status": ("met", "unmet", "target", "unknown"), "basis": ("stated", "inferred", "table")},
    shown=("criterion_no", "status", "basis", "period", "criteria_set"),
)

CHECKS = (
    Check("status_conflict", check_status_conflict, severities=("error",), requires=("criteria_status",)),
)
