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
from pathlib import Path

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


SAMPLES = Path(__file__).resolve().parents[1] / "corpus" / "samples"
WARMED_PACKAGES = ("gazetteer", "normalize", "extract", "extract.audit")


def warm(read_samples: bool = True) -> None:
    """Load every data file and compile every lexicon, matcher and pattern, once per process.

    Patterns are built on first use (`lru_cache`d functions of no argument, the criterion-name
    matchers per set, the cue families, the per-phrase mark checks, the phrase patterns of every
    word list); a worker calls this before its first document so that no document pays for them.
    Then the bundled sample plans are read once (unless `read_samples` is false: the workers'
    server reads one itself, through the whole per-document path), which fills the caches of
    first use that are not patterns. Calling it again does nothing new."""
    from gazetteer import criteria as criteria_names
    from gazetteer import cues
    from gazetteer.datafiles import DATA_DIRS, load_data
    from normalize.pipeline import normalize_raw
    from normalize.raw import RawDocument

    for folder in DATA_DIRS:
        for path in sorted(folder.glob("*.yaml")):
            load_data(path.name)
    for module in _warmed_modules():
        for value in list(vars(module).values()):
            if _is_cached_loader(value):
                value()
    criteria_names.compile_matchers()
    for family, listed in cues.cue_data().items():
        if isinstance(listed, (list, dict)) and family != "count_units":
            cues.phrase_pattern(cues.family_words(family))
            cues.phrase_starts(cues.family_words(family))
    for folder in DATA_DIRS:  # every word list a component may match as phrases (criteria names aside)
        for path in sorted(folder.glob("*.yaml")):
            if not path.name.startswith("criteria_"):
                for phrases in _word_lists(load_data(path.name)):
                    cues.phrase_pattern(phrases)
                    cues.phrase_starts(phrases)
    for sample in sorted(SAMPLES.glob("*.txt")) if read_samples else ():
        extract_document(normalize_raw(RawDocument(text=sample.read_text(encoding="utf-8"), file_type="txt",
                                                   markup="plain")))


def _word_lists(value):
    """Every list of strings inside a data file's content, as a tuple."""
    if isinstance(value, list):
        if value and all(isinstance(v, str) for v in value):
            yield tuple(value)
        for v in value:
            yield from _word_lists(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _word_lists(v)


def _warmed_modules() -> list:
    modules = []
    for name in WARMED_PACKAGES:
        package = importlib.import_module(name)
        modules += [package, *_modules(package)]
    return modules


def _is_cached_loader(value) -> bool:
    """An `lru_cache`d function of no argument (a loader or a compiled pattern), defined here."""
    if not hasattr(value, "cache_info") or not callable(value):
        return False
    wrapped = getattr(value, "__wrapped__", None)
    if wrapped is None or not getattr(wrapped, "__module__", "").startswith(WARMED_PACKAGES[:3]):
        return False
    code = getattr(wrapped, "__code__", None)
    return code is not None and code.co_argcount == 0 and code.co_kwonlyargcount == 0


components()  # importing the registry imports every component and check: a broken one stops here
checks()
