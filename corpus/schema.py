"""The output contract (SCHEMA.md) as data: every table, its columns and their types.

Tables are built from these definitions so every column exists with its type
even when a table is empty. The record tables, their columns and enum values,
and the values of `findings.check` come from the declarations in `extract`
(`COMPONENT`, `CHECKS`, `DocumentMeta`); only the file-level columns are here.
"""
from __future__ import annotations

import pyarrow as pa

from extract.component import record_columns
from extract.metadata import DOCUMENT_ENUMS
from extract.records import DocumentMeta
from extract.registry import checks, components

ARROW_TYPES = {int: pa.int64(), float: pa.float64(), str: pa.string(), bool: pa.bool_()}

PROVENANCE = [
    ("doc_id", pa.string()),
    ("page", pa.int64()),
    ("char_start", pa.int64()),
    ("char_end", pa.int64()),
    ("quote", pa.string()),
    ("rule", pa.string()),
]

TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "documents": [
        ("doc_id", pa.string()),
        ("path", pa.string()),
        ("file_type", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("n_pages", pa.int64()),
        ("n_chars", pa.int64()),
        ("repairs", pa.string()),
        ("quality", pa.string()),
        *[(name, ARROW_TYPES[t]) for name, t in record_columns(DocumentMeta)],
    ],
    **{c.table: PROVENANCE + [(name, ARROW_TYPES[t]) for name, t in c.columns()] for c in components()},
    "findings": [
        ("doc_id", pa.string()),
        ("check", pa.string()),
        ("severity", pa.string()),
        ("message", pa.string()),
        ("evidence", pa.string()),
        ("quote", pa.string()),
        ("page", pa.int64()),
        ("char_start", pa.int64()),
        ("char_end", pa.int64()),
    ],
}

TABLE_NAMES = tuple(TABLES)

ENUMS: dict[tuple[str, str], set[str]] = {
    ("documents", "status"): {"ok", "error", "empty", "needs_ocr"},
    ("documents", "quality"): {"clean", "repaired", "lossy"},
    **{("documents", column): set(values) for column, values in DOCUMENT_ENUMS.items()},
    **{(c.table, column): set(values) for c in components() for column, values in c.enums.items()},
    ("findings", "check"): {c.check for c in checks()} | {"other"},
    ("findings", "severity"): {"error", "warning", "info"},
}


def arrow_schema(table: str) -> pa.Schema:
    return pa.schema(TABLES[table])


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]
