"""The components (one per output table) and the audit checks, and the function that runs them.

Every module of `extract/` that declares `COMPONENT` and every module of
`extract/audit/` that declares `CHECKS` is imported when the registry is first
used; an import or attribute error in any of them stops the run with its
traceback (nothing is optional). Components read the prepared document only,
so they run in any order; checks run last, over the records.
"""
from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from functools import lru_cache

import extract
import extract.audit
from extract.component import Check, Component
from extract.prepare import PreparedDoc, prepare
from extract.records import DocumentMeta, Finding, Record
from extract.tables import merge_table_records
from normalize.document import NormalizedDoc


def _modules(package) -> list:
    return [importlib.import_module(f"{package.__name__}.{info.name}")
            for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name)
            if not info.ispkg]


@lru_cache(maxsize=1)
def components() -> tuple[Component, ...]:
    """Every declared record kind, in the order of the output tables."""
    found = [m.COMPONENT for m in _modules(extract) if hasattr(m, "COMPONENT")]
    order = ["criteria", "criteria_status", "counts", "indicators", "funding", "deadlines", "legal_refs"]
    # derived tables come after the tables they read, so a pipeline in this order can build them
    return tuple(sorted(found, key=lambda c: (bool(c.reads), order.index(c.name) if c.name in order else len(order), c.name)))


@lru_cache(maxsize=1)
def checks() -> tuple[Check, ...]:
    """Every declared audit check (of `extract/audit/`, and of a derived table's own module)."""
    return tuple(c for m in _modules(extract) + _modules(extract.audit) for c in getattr(m, "CHECKS", ()))


@dataclass
class Extraction:
    meta: DocumentMeta
    records: dict[str, list[Record]] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)


def run_components(prep: PreparedDoc, selected: tuple[Component, ...] | None = None) -> dict[str, list[Record]]:
    chosen = components() if selected is None else selected
    records = {c.table: c.run(prep) for c in chosen if not c.reads}
    if prep.tables:
        records = merge_table_records(prep, records)
    for c in chosen:  # derived tables last, from the finished records they read
        if c.reads:
            records[c.table] = c.run(prep, records)
    return records


def run_checks(prep: PreparedDoc, records: dict[str, list[Record]],
               selected: tuple[Check, ...] | None = None) -> list[Finding]:
    """Every finding of every check, in document order."""
    findings: list[Finding] = []
    for check in checks() if selected is None else selected:
        findings.extend(check.run(prep, records))
    findings.sort(key=lambda f: (f.evidence[0] if f.evidence else (0, 0), f.check))
    return findings


def extract_document(doc: NormalizedDoc) -> Extraction:
    prep = prepare(doc)
    records = run_components(prep)
    return Extraction(meta=prep.meta, records=records, findings=run_checks(prep, records))


components()  # importing the registry imports every component and check: a broken one stops here
checks()
