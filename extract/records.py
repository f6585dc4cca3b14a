"""Typed records the extractors return, one class per output table.

Each record carries its evidence as a span (`start`, `end`) in the normalized
text and the id of the rule that produced it; the batch layer adds `doc_id`,
`page` and `quote` from the document. Field names are those of SCHEMA.md.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Record:
    start: int
    end: int
    rule: str


@dataclass(slots=True)
class DocumentMeta:
    """The `documents` fields that come from the text (not from the file)."""

    doc_kind: str | None = None
    doc_number: str | None = None
    issued_date: str | None = None
    plan_year: int | None = None
    commune: str | None = None
    district: str | None = None
    province: str | None = None
    commune_code: str | None = None
    district_code: str | None = None
    province_code: str | None = None
    programme: str | None = None
    criteria_set: str | None = None
    signer: str | None = None
    signer_title: str | None = None
    title: str | None = None


@dataclass(slots=True)
class CriterionMention(Record):
    criterion_no: int = 0
    name_as_written: str | None = None
    canonical_name: str | None = None
    criteria_set: str | None = None
    level: str | None = None
    status: str | None = None  # met | unmet | target
    period: str | None = None
    indicator_id: str | None = None
    list_label: str | None = None


@dataclass(slots=True)
class CountClaim(Record):
    kind: str = ""  # met_total | declared_list | remaining | target_total | villages | indicators
    value: int = 0
    total: int | None = None
    unit: str = "tieu_chi"
    status: str | None = None
    period: str | None = None
    value_max: int | None = None


@dataclass(slots=True)
class IndicatorValue(Record):
    indicator_id: str | None = None
    criterion_no: int | None = None
    subject: str | None = None
    value: float = 0.0
    unit: str = "%"
    numerator: float | None = None
    denominator: float | None = None
    comparator: str = "eq"
    role: str = "actual"
    period: str | None = None


@dataclass(slots=True)
class FundingAmount(Record):
    amount_vnd: int = 0
    amount_text: str = ""
    role: str | None = None
    source: str | None = None
    purpose: str | None = None
    parent_start: int | None = None
    period: str | None = None


@dataclass(slots=True)
class Deadline(Record):
    due: str = ""
    precision: str = "year"
    relation: str = "by"
    task: str | None = None
    criterion_no: int | None = None
    responsible: str | None = None


@dataclass(slots=True)
class LegalRef(Record):
    ref_id: str = ""
    ref_type: str = "other"
    number: str | None = None
    year: int | None = None
    issuer: str | None = None
    issued_date: str | None = None
    subject: str | None = None


@dataclass(slots=True)
class Finding:
    check: str
    severity: str
    message: str
    evidence: list[tuple[int, int]] = field(default_factory=list)
    doc_id: str | None = None  # set by cross-document checks; else the document's own
    # The message template's name ("template") and the values it was filled with, so the
    # message can be rebuilt in another language (extract.audit.messages).
    params: dict = field(default_factory=dict)

