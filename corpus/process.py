"""One document from file to rows: the function every engine (local, Dask) runs.

It never parses text itself: it calls `normalize` and `extract` and turns their
records into table rows, adding the provenance every row carries (doc_id, page,
the quote of its span). Whatever goes wrong becomes the document's status and a
one-line message; the traceback goes to the run's log.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from extract.records import Finding, Record
from normalize.document import NormalizedDoc
from normalize.pipeline import doc_id_of, normalize_path
from normalize.readers import file_type_of

log = logging.getLogger("ntm")

_PROVENANCE_FIELDS = {"start", "end", "rule"}


@dataclass
class DocResult:
    """A document's `documents` row and its rows in every other table."""

    document: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    log: str | None = None


def _record_row(doc: NormalizedDoc, rec: Record) -> dict:
    row = {k: v for k, v in dataclasses.asdict(rec).items() if k not in _PROVENANCE_FIELDS}
    row.update(
        doc_id=doc.doc_id,
        page=doc.page_at(rec.start),
        char_start=rec.start,
        char_end=rec.end,
        quote=doc.text[rec.start:rec.end],
        rule=rec.rule,
    )
    return row


def _finding_row(doc: NormalizedDoc, f: Finding) -> dict:
    first = f.evidence[0] if f.evidence else (0, 0)
    return {
        "doc_id": f.doc_id or doc.doc_id,
        "check": f.check,
        "severity": f.severity,
        "message": f.message,
        "evidence": json.dumps([list(e) for e in f.evidence]),
        "quote": doc.text[first[0]:first[1]] if f.doc_id in (None, doc.doc_id) else None,
        "page": doc.page_at(first[0]) if f.evidence else None,
        "char_start": first[0] if f.evidence else None,
        "char_end": first[1] if f.evidence else None,
    }


def document_row(doc: NormalizedDoc) -> dict:
    return {
        "doc_id": doc.doc_id,
        "path": doc.path,
        "file_type": doc.file_type,
        "status": doc.status,
        "error": doc.error,
        "n_pages": doc.n_pages,
        "n_chars": len(doc.text),
        "repairs": json.dumps(dict(sorted(doc.repairs.items())), ensure_ascii=False),
        "quality": doc.quality if doc.status == "ok" else None,
    }


def _error_result(path: Path, message: str, tb: str | None) -> DocResult:
    try:
        doc_id = doc_id_of(path.read_bytes())
    except OSError:
        doc_id = None
    row = {
        "doc_id": doc_id, "path": str(path), "file_type": file_type_of(path), "status": "error",
        "error": message, "n_pages": None, "n_chars": None, "repairs": "{}", "quality": None,
    }
    return DocResult(document=row, log=tb)


def process_file(path: str | Path) -> DocResult:
    """Normalize and extract one file. Never raises for a bad file."""
    from extract.registry import extract_document

    path = Path(path)
    try:
        doc = normalize_path(path)
    except OSError as e:
        return _error_result(path, f"cannot read the file: {e.strerror or e}", traceback.format_exc())
    except Exception as e:  # a reader bug must not stop the batch
        return _error_result(path, f"could not read the file ({type(e).__name__}: {e})", traceback.format_exc())
    result = DocResult(document=document_row(doc))
    if doc.status != "ok":
        return result
    try:
        ex = extract_document(doc)
    except Exception as e:
        result.document.update(status="error", error=f"extraction failed ({type(e).__name__}: {e})")
        result.log = traceback.format_exc()
        return result
    result.document.update(dataclasses.asdict(ex.meta))
    for table, records in ex.records.items():
        result.rows[table] = [_record_row(doc, r) for r in records]
    result.rows["findings"] = [_finding_row(doc, f) for f in ex.findings]
    return result
