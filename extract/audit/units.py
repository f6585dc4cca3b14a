"""`unit_slip`: a percentage written with the unit of an amount ("28,6% triệu đồng/người/năm").

A figure cannot be a rate and an amount at once: one of the two is a slip.
Reported under `other`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from extract.audit.common import audit_data
from extract.audit.messages import make_finding
from extract.audit.quantities import skip_blanks
from extract.component import Check
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc


def check_unit_slip(prep: "PreparedDoc", records: dict) -> list[Finding]:
    gap = audit_data()["unit_slip"]["gap"]
    findings = []
    for p in prep.percentages:
        pos = skip_blanks(prep.text, p.end, gap)
        m = prep.phrase_at(audit_data()["unit_slip"]["amount_units"], pos)
        if not m:
            continue
        unit_end = m.end()
        while unit_end < len(prep.text) and not prep.text[unit_end].isspace() and prep.text[unit_end] not in ".,;…":
            unit_end += 1
        findings.append(make_finding(
            "unit_slip", [(p.start, unit_end)], figure=p.text.strip(), unit=prep.text[m.start():unit_end],
            quote=prep.text[p.start:unit_end],
        ))
    return findings


CHECKS = (
    Check("unit_slip", check_unit_slip, severities=("warning",), kind="other", requires=("percentages",)),
)
