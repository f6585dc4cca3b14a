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
    findings: list[Finding] = []
    try:
        from extract.audit import audit_document
    except ImportError:
        audit_document = None
    if audit_document is not None:
        findings = audit_document(ctx, records)
    return Extraction(meta=meta, records=records, findings=findings)
