"""How a record kind or an audit check is declared: once, beside its code.

A module under `extract/` that defines a record kind ends with one
`COMPONENT = Component(...)`; a module under `extract/audit/` with its checks
ends with `CHECKS = (Check(...), ...)`. `extract.registry` finds them by
walking the package, and the output schema (`corpus.schema`), `ntm show` and
the report read the tables, columns and enum values from these declarations,
so a new kind or check is its module, its labels and its golden cases.

`requires` names the `PreparedDoc` fields a component reads (for a check, also
the tables it reads); components never see one another's output except checks,
which read the finished records.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Component:
    """A record kind: the table it fills, its record class, the function that reads it."""

    name: str
    record: type
    run: Callable[[Any], list]
    requires: tuple[str, ...] = ()
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column -> allowed values
    shown: tuple[str, ...] = ()  # the columns `ntm show` prints, after the span
    label: str | None = None  # the column a record's span is labelled with in the spaCy view
    reads: tuple[str, ...] = ()  # a derived table: the record tables it is built from; run(prep, records)

    @property
    def table(self) -> str:
        return self.name

    def columns(self) -> list[tuple[str, type]]:
        """(column, Python type) of the record's own fields, in order (the span and rule excluded)."""
        return record_columns(self.record)


@dataclass(frozen=True)
class Check:
    """An audit check: its name (the `check` column), its severities, and what it reads."""

    name: str
    run: Callable[[Any, Mapping[str, list]], list]
    severities: tuple[str, ...] = ("warning",)
    requires: tuple[str, ...] = ()
    kind: str = ""  # the value of the findings' `check` column (SCHEMA.md); the name when empty

    @property
    def check(self) -> str:
        return self.kind or self.name


SPAN_FIELDS = ("start", "end", "rule")
_TYPES = {"int": int, "float": float, "str": str, "bool": bool}


def record_columns(record: type) -> list[tuple[str, type]]:
    """(field, Python type) of a record dataclass, in order, without the span and rule."""
    return [(f.name, _base_type(f.type)) for f in fields(record) if f.name not in SPAN_FIELDS]


def _base_type(annotation: Any) -> type:
    """int for "int | None", str for "str" (annotations are strings under postponed evaluation)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", str(annotation))
    names = [t.strip() for t in text.split("|") if t.strip() != "None"]
    if len(names) != 1 or names[0] not in _TYPES:
        raise TypeError(f"record field of type {annotation!r}: declare int, float, str or bool (optionally | None)")
    return _TYPES[names[0]]
