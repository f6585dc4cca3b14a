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

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping


@dataclass(frozen=True)
class Component:
    """A record kind: the table it fills, its record class, the function that reads it."""

    name: str
    record: type
    run: Callable[[Any], list]
    requires: tuple[str, ...] = ()
    enums: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column -> allowed values

    @property
    def table(self) -> str:
        return self.name


@dataclass(frozen=True)
class Check:
    """An audit check: its name (the `check` column), its severities, and what it reads."""

    name: str
    run: Callable[[Any, Mapping[str, list]], list]
    severities: tuple[str, ...] = ("warning",)
    requires: tuple[str, ...] = ()
