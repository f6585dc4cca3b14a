"""`indicator_breakdown`: indicators said to belong to M criteria, broken down over another number.

"12 chỉ tiêu thuộc 4 tiêu chí … chưa đạt" and later "Trong số 12 chỉ tiêu chưa
đạt có 1 chỉ tiêu thuộc tiêu chí số 6, 03 chỉ tiêu thuộc tiêu chí số 13, 08
chỉ tiêu thuộc tiêu chí số 17": the breakdown adds up to the declared 12
indicators but spans 3 criteria, not 4, so the total or its attribution is
off. A breakdown is compared only with a declaration of the same number of
indicators. Reported under `count_mismatch`, as a warning.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extract.audit.common import audit_data
from extract.audit.messages import make_finding
from extract.audit.quantities import CRITERIA, Quantity, quantities, skip_blanks
from extract.component import Check
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

INDICATORS = "indicators"


@dataclass
class Breakdown:
    parts: list[tuple[Quantity, int, int]] = field(default_factory=list)  # (indicators, criterion, end)

    @property
    def total(self) -> int:
        return sum(int(q.value) for q, _, _ in self.parts)

    @property
    def criteria(self) -> list[int]:
        return sorted({c for _, c, _ in self.parts})


def _after_link(prep: "PreparedDoc", q: Quantity) -> int | None:
    gap = audit_data()["indicator_breakdown"]["link_gap"]
    pos = skip_blanks(prep.text, q.end, gap)
    m = prep.phrase_at(audit_data()["indicator_breakdown"]["link_words"], pos)
    if not m:
        return None
    return skip_blanks(prep.text, m.end(), gap)


def read_breakdowns(prep: "PreparedDoc") -> tuple[list[tuple[Quantity, Quantity]], list[Breakdown]]:
    """(declarations "N chỉ tiêu thuộc M tiêu chí", breakdowns "k chỉ tiêu thuộc tiêu chí số X, …")."""
    part_gap = audit_data()["indicator_breakdown"]["part_gap"]
    qs = quantities(prep)
    by_start = {q.start: q for q in qs}
    mention_at = {mn.start: mn for mn in prep.mentions}
    declared, breakdowns = [], []
    for q in qs:
        if q.unit != INDICATORS or q.decimals:  # "còn 12 chỉ tiêu" (still) counts too
            continue
        pos = _after_link(prep, q)
        if pos is None:
            continue
        crit = by_start.get(pos)
        if crit is not None and crit.unit == CRITERIA:
            declared.append((q, crit))
            continue
        mn = mention_at.get(pos)
        if mn is None:
            continue
        last = breakdowns[-1].parts[-1] if breakdowns else None
        if last is not None and q.start - last[2] <= part_gap:
            breakdowns[-1].parts.append((q, mn.number, mn.number_end))
        else:
            breakdowns.append(Breakdown([(q, mn.number, mn.number_end)]))
    return declared, [b for b in breakdowns if len(b.parts) >= 2]


def check_indicator_breakdown(prep: "PreparedDoc", records: dict) -> list[Finding]:
    declared, breakdowns = read_breakdowns(prep)
    findings = []
    for b in breakdowns:
        match = next(((n, m) for n, m in declared if int(n.value) == b.total), None)
        if match is None or int(match[1].value) == len(b.criteria):
            continue
        n, m = match
        first, last = b.parts[0], b.parts[-1]
        findings.append(make_finding(
            "indicator_breakdown", [(n.start, m.end), (first[0].start, last[2])],
            indicators=b.total, declared=int(m.value), spanned=len(b.criteria),
            criteria=", ".join(str(c) for c in b.criteria),
            parts=" + ".join(str(int(q.value)) for q, _, _ in b.parts),
        ))
    return findings


CHECKS = (
    Check("indicator_breakdown", check_indicator_breakdown, severities=("warning",), kind="count_mismatch",
          requires=("numbers", "mentions")),
)
