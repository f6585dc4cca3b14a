"""The output contract (SCHEMA.md) as data: every table, its columns and their types.

Tables are built from these definitions so every column exists with its type
even when a table is empty. The record tables, their columns and enum values,
and the values of `findings.check_name` come from the declarations in `extract`
(`COMPONENT`, `CHECKS`, `DocumentMeta`), as written out in `corpus.contract`:
the tables are known without importing the extractors (half a second of a
run's start), and a test keeps that copy equal to the declarations (`python -m
corpus.schema` writes it again). Only the file-level columns are here.

Types as an analyst reads them: an enum column is dictionary-encoded (a
categorical in pandas, an `ENUM` in DuckDB), evidence is a list of
[char_start, char_end] pairs, and every table carries the place and year of
its document after the contract's columns (`PLACE`), with real dates beside
the contract's ISO strings where the precision is a day (`DATES`).
"""
from __future__ import annotations

import json
import pprint
from pathlib import Path

import pyarrow as pa

from corpus import contract

# The Python types of the record fields, by the name `corpus.contract` gives them.
ARROW_TYPES = {"int": pa.int64(), "float": pa.float64(), "str": pa.string(), "bool": pa.bool_()}
ENUM_TYPE = pa.dictionary(pa.int32(), pa.string())
SPANS_TYPE = pa.list_(pa.list_(pa.int64()))
PRECISIONS = ("day", "month", "quarter", "year")

PROVENANCE = [
    ("doc_id", pa.string()),
    ("page", pa.int64()),
    ("char_start", pa.int64()),
    ("char_end", pa.int64()),
    ("quote", pa.string()),
    ("rule", pa.string()),
]

# The document's place and year, on every row of every other table (filled from its `documents` row).
PLACE = [("commune", pa.string()), ("district", pa.string()), ("province", pa.string()), ("plan_year", pa.int64())]

# table -> (date column, the ISO column it is read from, that column's precision column or None).
DATES: dict[str, list[tuple[str, str, str | None]]] = {
    "documents": [("issued_on", "issued_date", None)],
    "deadlines": [("due_date", "due", "precision")],
    "legal_refs": [("issued_on", "issued_date", None)],
}
# The precision column added where the contract has none (day, month, quarter or year of the ISO string).
PRECISION_OF = {("documents", "issued_precision"): "issued_date", ("legal_refs", "issued_precision"): "issued_date"}


def _contract() -> dict[str, list[tuple[str, pa.DataType]]]:
    return {
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
            *[(name, ARROW_TYPES[t]) for name, t in contract.DOCUMENT_COLUMNS],
            ("duplicate_of", pa.string()),
        ],
        **{table: PROVENANCE + [(name, ARROW_TYPES[t]) for name, t in declared["columns"]]
           for table, declared in contract.RECORD_TABLES.items()},
        "findings": [
            ("doc_id", pa.string()),
            ("check_name", pa.string()),
            ("severity", pa.string()),
            ("message", pa.string()),
            ("evidence", pa.string()),
            ("quote", pa.string()),
            ("page", pa.int64()),
            ("char_start", pa.int64()),
            ("char_end", pa.int64()),
            ("params", pa.string()),  # JSON: the message's template ("template") and the values it quotes
        ],
    }


ENUMS: dict[tuple[str, str], set[str]] = {
    ("documents", "status"): {"ok", "error", "empty", "needs_ocr"},
    ("documents", "quality"): {"clean", "repaired", "lossy"},
    **{("documents", column): set(values) for column, values in contract.DOCUMENT_ENUMS.items()},
    **{(table, column): set(values) for table, declared in contract.RECORD_TABLES.items()
       for column, values in declared["enums"].items()},
    ("findings", "check_name"): set(contract.CHECK_NAMES) | {"other"},
    ("findings", "severity"): {"error", "warning", "info"},
    **{key: set(PRECISIONS) for key in PRECISION_OF},
}


def _typed(table: str, cols: list[tuple[str, pa.DataType]]) -> list[tuple[str, pa.DataType]]:
    out = []
    for name, kind in cols:
        if (table, name) in ENUMS:
            kind = ENUM_TYPE
        elif name == "evidence":
            kind = SPANS_TYPE
        out.append((name, kind))
    if table != "documents":
        out += [(n, k) for n, k in PLACE if n not in {c for c, _ in out}]
    for date, _, _ in DATES.get(table, []):
        out.append((date, pa.date32()))
    out += [(column, ENUM_TYPE) for (t, column) in PRECISION_OF if t == table]
    return out


TABLES: dict[str, list[tuple[str, pa.DataType]]] = {name: _typed(name, cols) for name, cols in _contract().items()}
TABLE_NAMES = tuple(TABLES)
CONTRACT_COLUMNS: dict[str, list[str]] = {name: [c for c, _ in cols] for name, cols in _contract().items()}
# Column names of earlier contract revisions, as read back from an old output: old name -> new name.
RENAMED = {"findings": {"check": "check_name"}}


def enum_values(table: str, column: str) -> list[str]:
    """The declared values of an enum column, in a stable order."""
    return sorted(ENUMS[(table, column)])


def _pandas_metadata(table: str) -> bytes:
    """The `pandas` schema metadata that makes plain `pd.read_parquet` give nullable integers (`Int64`),
    booleans (`boolean`), categoricals for enums and Python objects for dates and lists."""
    def column(name: str, kind: pa.DataType) -> dict:
        if pa.types.is_dictionary(kind):
            return {"name": name, "field_name": name, "pandas_type": "categorical", "numpy_type": "int32",
                    "metadata": {"num_categories": len(ENUMS.get((table, name), ())), "ordered": False}}
        if pa.types.is_integer(kind):
            return {"name": name, "field_name": name, "pandas_type": "int64", "numpy_type": "Int64", "metadata": None}
        if pa.types.is_boolean(kind):
            return {"name": name, "field_name": name, "pandas_type": "bool", "numpy_type": "boolean", "metadata": None}
        if pa.types.is_floating(kind):
            return {"name": name, "field_name": name, "pandas_type": "float64", "numpy_type": "float64", "metadata": None}
        if pa.types.is_date(kind):
            return {"name": name, "field_name": name, "pandas_type": "date", "numpy_type": "object", "metadata": None}
        if pa.types.is_list(kind):
            return {"name": name, "field_name": name, "pandas_type": "list[list[int64]]", "numpy_type": "object",
                    "metadata": None}
        return {"name": name, "field_name": name, "pandas_type": "unicode", "numpy_type": "object", "metadata": None}

    meta = {"index_columns": [], "column_indexes": [], "columns": [column(n, k) for n, k in TABLES[table]],
            "creator": {"library": "pyarrow", "version": pa.__version__}, "pandas_version": "2.2.0"}
    return json.dumps(meta).encode()


def arrow_schema(table: str) -> pa.Schema:
    fields = []
    for name, kind in TABLES[table]:
        metadata = {"enum": json.dumps(enum_values(table, name))} if (table, name) in ENUMS else None
        fields.append(pa.field(name, kind, metadata=metadata))
    return pa.schema(fields, metadata={"pandas": _pandas_metadata(table)})


def columns(table: str) -> list[str]:
    return [c for c, _ in TABLES[table]]


def declared_contract() -> dict[str, object]:
    """What `corpus.contract` holds, as the declarations in `extract` give it now (imports the extractors)."""
    from extract.component import record_columns
    from extract.metadata import DOCUMENT_ENUMS
    from extract.records import DocumentMeta
    from extract.registry import checks, components

    def typed(columns: list[tuple[str, type]]) -> list[tuple[str, str]]:
        return [(name, kind.__name__) for name, kind in columns]

    return {
        "DOCUMENT_COLUMNS": typed(record_columns(DocumentMeta)),
        "DOCUMENT_ENUMS": {column: list(values) for column, values in DOCUMENT_ENUMS.items()},
        "RECORD_TABLES": {c.table: {"columns": typed(c.columns()), "enums": {k: list(v) for k, v in c.enums.items()}}
                          for c in components()},
        "CHECK_NAMES": sorted({c.check for c in checks()}),
    }


CONTRACT_HEADER = '''"""The record tables as `extract` declares them, written by `python -m corpus.schema`: do not edit.

The batch layer types its tables from this copy, so a run's parent process never
imports the extractors; a test fails when it differs from the declarations.
"""
'''


def write_contract(path: Path = Path(contract.__file__)) -> None:
    """Write `corpus.contract` from the declarations in `extract`."""
    parts = [CONTRACT_HEADER]
    for name, value in declared_contract().items():
        parts.append(f"{name} = {pprint.pformat(value, width=110, sort_dicts=False)}\n")
    path.write_text("\n".join(parts), encoding="utf-8")


if __name__ == "__main__":
    write_contract()
