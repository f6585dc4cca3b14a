"""The extractors, one per output table, and the function that runs them all on a document.

Each extractor is a pure function from a `DocContext` to records with spans; a
new record kind is one entry here. Audit checks run last, over the records.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from extract.context import DocContext
from extract.records import DocumentMeta, Finding, Record
from normalize.document import NormalizedDoc

Extractor = Callable[[DocContext], list[Record]]


def _registry() -> dict[str, Extractor]:
    from extract.counts import extract_counts
    from extract.criteria import extract_criteria

    reg: dict[str, Extractor] = {"criteria": extract_criteria, "counts": extract_counts}
    optional = {
        "indicators": ("extract.indicators", "extract_indicators"),
        "funding": ("extract.funding", "extract_funding"),
        "deadlines": ("extract.deadlines", "extract_deadlines"),
        "legal_refs": ("extract.legal_refs", "extract_legal_refs"),
    }
    import importlib

    for table, (module, func) in optional.items():
        try:
            reg[table] = getattr(importlib.import_module(module), func)
        except (ImportError, AttributeError):
            continue
    return reg


EXTRACTORS: dict[str, Extractor] = {}


@dataclass
class Extraction:
    meta: DocumentMeta
    records: dict[str, list[Record]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def extract_document(doc: NormalizedDoc) -> Extraction:
    if not EXTRACTORS:
        EXTRACTORS.update(_registry())
    ctx = DocContext(doc)
    meta = ctx.meta
    records = {table: fn(ctx) for table, fn in EXTRACTORS.items()}
    if doc.tables:
        _add_table_records(ctx, records)
    findings: list[Finding] = []
    try:
        from extract.audit import audit_document
    except ImportError:
        audit_document = None
    if audit_document is not None:
        findings = audit_document(ctx, records)
    if doc.tables:
        from extract.audit.tables import table_findings

        findings += table_findings(doc.tables, ctx.text, records)
    return Extraction(meta=meta, records=records, findings=findings)


def _add_table_records(ctx: DocContext, records: dict[str, list[Record]]) -> None:
    """Records read from the document's tables join each table's list; what the line-based
    extractors read from the same cells gives way to them; the document's own number is not a citation."""
    from extract.funding import _label_source, _source_in
    from extract.tables import (counts_from_tables, criteria_from_tables, funding_from_tables,
                                in_tables, indicators_from_tables)

    tables, text = ctx.doc.tables, ctx.text

    periods: dict[tuple[str | None, int], str | None] = {}

    def period_for(status: str | None, offset: int) -> str | None:
        if (status, offset) not in periods:
            periods[status, offset] = ctx.resolve_period(offset, status)
        return periods[status, offset]

    found = {
        "criteria": criteria_from_tables(tables, text, ctx.criteria_set, period_for),
        "indicators": indicators_from_tables(tables, text, period_for),
        "funding": funding_from_tables(tables, text, period_for,
                                       lambda label: (_source_in(label, 0, len(label)) or (None,))[0] or _label_source(label)),
        "counts": counts_from_tables(tables, text, period_for),
    }
    for kind, rows in found.items():
        if not rows:
            continue
        if kind == "criteria":  # one row per criterion replaces whatever was read from the table's lines
            sources = [t for t in tables if any(t.char_start <= r.start and r.end <= t.char_end for r in rows)]
            kept = [r for r in records.get(kind, []) if not in_tables(sources, r.start, r.end)]
        else:  # a value read from a cell replaces the same value read from the cell's line
            kept = [r for r in records.get(kind, []) if not any(r.start < t.end and t.start < r.end for t in rows)]
        records[kind] = sorted(kept + rows, key=lambda r: r.start)
    own = ctx.meta.doc_number
    if own and records.get("legal_refs"):
        records["legal_refs"] = [r for r in records["legal_refs"] if getattr(r, "ref_id", None) != own.strip()]
