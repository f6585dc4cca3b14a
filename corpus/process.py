"""One document from file to rows: the function every engine (local, Dask) runs.

It never parses text itself: it calls `normalize` and `extract` and turns their
records into table rows, adding the provenance every row carries (doc_id, page,
the quote of its span). Whatever goes wrong becomes the document's status and a
one-line message; the traceback goes to the run's log.
"""
from __future__ import annotations

import dataclasses
import errno
import functools
import hashlib
import json
import logging
import os
import stat
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from corpus.duplicates import text_sketch
from extract.records import Finding, Record
from normalize.document import NormalizedDoc
from normalize.pipeline import doc_id_of, normalize_raw, read_data
from normalize.raw import ReadError
from normalize.readers import file_type_of

log = logging.getLogger("ntm")

_PROVENANCE_FIELDS = {"start", "end", "rule"}
# In a document's row as a worker returns it: the sketch of its text that duplicates are found by
# (corpus.duplicates); not a column of the table.
SKETCH_KEY = "text_sketch"


@dataclass
class DocResult:
    """A document's `documents` row and its rows in every other table."""

    document: dict
    rows: dict[str, list[dict]] = field(default_factory=dict)
    log: str | None = None
    # The normalized text the spans point into (kept so the report need not read the file again).
    text: str | None = None
    # Seconds spent in each stage (read, normalize, extract), for the run's figures.
    timings: dict[str, float] = field(default_factory=dict)
    # True when the failure depends on the run's limits, not on the file (a rerun tries again).
    transient: bool = False
    # Size of the bytes that were read.
    n_bytes: int = 0


@functools.lru_cache(maxsize=None)
def _row_fields(record_type: type) -> tuple[str, ...]:
    """A record type's fields that become columns as they are (its span and rule are written apart)."""
    return tuple(f.name for f in dataclasses.fields(record_type) if f.name not in _PROVENANCE_FIELDS)


def _record_row(doc: NormalizedDoc, rec: Record) -> dict:
    # Every record field is a scalar: reading the fields gives the row `dataclasses.asdict` would,
    # without its deep copy.
    row = {name: getattr(rec, name) for name in _row_fields(type(rec))}
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
        "check_name": f.check,
        "severity": f.severity,
        "message": f.message,
        "params": json.dumps(f.params, ensure_ascii=False, sort_keys=True) if f.params else None,
        "evidence": [list(e) for e in f.evidence],
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


def _error_result(path: Path, message: str, tb: str | None, status: str = "error", data: bytes | None = None) -> DocResult:
    row = {
        "doc_id": doc_id_of(data) if data is not None else None, "path": str(path), "file_type": file_type_of(path),
        "status": status, "error": message, "n_pages": None, "n_chars": None, "repairs": "{}", "quality": None,
    }
    return DocResult(document=row, log=tb)


OUT_OF_MEMORY = "ran out of memory: the document needs more than the worker's memory limit"
CHANGED_WHILE_READING = "the file changed while it was being read; run again"


def read_once(path: Path) -> bytes:
    """A regular file's bytes, read once through one handle (a folder, pipe or device is refused).

    Opened without blocking, so a path replaced by a pipe cannot hang the worker.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", buffering=0) as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file (a folder, pipe or device)", str(path))
        return handle.read()


def _normalize(data: bytes, path: Path, timings: dict[str, float]) -> NormalizedDoc:
    """`normalize.pipeline.normalize_data`, with the read and normalize stages timed apart."""
    started = time.perf_counter()
    doc_id = doc_id_of(data)
    try:
        raw = read_data(data, path)
    except ReadError as e:
        timings["read"] = time.perf_counter() - started
        return NormalizedDoc(doc_id=doc_id, path=str(path), file_type=file_type_of(path), text="",
                             status=e.status, error=str(e))
    read_done = time.perf_counter()
    timings["read"] = read_done - started
    doc = normalize_raw(raw, doc_id=doc_id, path=str(path))
    if not doc.text.strip():
        doc.status, doc.error = "empty", "no text in the file"
    timings["normalize"] = time.perf_counter() - read_done
    return doc


def process_file(path: str | Path, expected_sha256: str | None = None) -> DocResult:
    """Normalize and extract one file. Never raises for a bad file.

    The file is read once; every stage works on those bytes. With `expected_sha256`
    (the hash the file had when the run was planned), bytes with another hash, or a
    file that can no longer be read, give a `transient` error row: the result of
    other bytes is never filed under that hash.
    """
    path = Path(path)
    try:
        data = read_once(path)
    except OSError as e:
        result = _error_result(path, f"cannot read the file: {e.strerror or e}", traceback.format_exc())
        result.transient = expected_sha256 is not None  # it could be read when the run was planned
        if result.transient:
            result.document["error"] = f"{CHANGED_WHILE_READING} ({e.strerror or e})"
        return result
    except MemoryError:
        result = _error_result(path, OUT_OF_MEMORY, traceback.format_exc())
        result.transient = True
        return result
    if expected_sha256 is not None and hashlib.sha256(data).hexdigest() != expected_sha256:
        result = _error_result(path, CHANGED_WHILE_READING, None)
        result.document["doc_id"] = expected_sha256[:16]
        result.transient = True
        return result
    result = process_data(data, path)
    result.n_bytes = len(data)
    return result


def process_data(data: bytes, path: Path) -> DocResult:
    """Normalize and extract the bytes `data` read from `path`. Never raises for a bad file."""
    from extract.registry import extract_document

    timings: dict[str, float] = {}
    try:
        if not data:
            return _error_result(path, "file is empty", None, status="empty", data=b"")
        doc = _normalize(data, path, timings)
    except OSError as e:
        return _error_result(path, f"cannot read the file: {e.strerror or e}", traceback.format_exc(), data=data)
    except MemoryError:
        result = _error_result(path, OUT_OF_MEMORY, traceback.format_exc(), data=data)
        result.transient = True
        return result
    except RecursionError:
        return _error_result(path, "could not read the file: its structure is nested too deeply (a damaged file?)",
                             traceback.format_exc(), data=data)
    except Exception as e:  # a reader bug must not stop the batch
        return _error_result(path, f"could not read the file ({type(e).__name__}: {_one_line(e)})",
                             traceback.format_exc(), data=data)
    result = DocResult(document=document_row(doc), timings=timings, text=doc.text or None)
    if doc.status != "ok":
        return result
    result.document[SKETCH_KEY] = text_sketch(doc.text)
    started = time.perf_counter()
    try:
        ex = extract_document(doc)
    except MemoryError:
        result.document.update(status="error", error=OUT_OF_MEMORY)
        result.log, result.transient = traceback.format_exc(), True
        return result
    except Exception as e:
        result.document.update(status="error", error=f"extraction failed ({type(e).__name__}: {_one_line(e)})")
        result.log = traceback.format_exc()
        return result
    result.document.update(dataclasses.asdict(ex.meta))
    for table, records in ex.records.items():
        result.rows[table] = [_record_row(doc, r) for r in records]
    result.rows["findings"] = [_finding_row(doc, f) for f in ex.findings]
    timings["extract"] = time.perf_counter() - started
    return result


def localized(findings: list[dict], lang: str) -> list[dict]:
    """Finding rows with their `message` rendered in `lang` from the template and values in `params`;
    a row without them (or with values its template cannot take) keeps its message."""
    from extract.audit.messages import row_message

    return [{**row, "message": row_message(row, lang)} for row in findings]


def _one_line(error: Exception, limit: int = 200) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
