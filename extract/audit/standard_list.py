"""`standard_list`: a list of units said to meet the standard in which none reaches every criterion.

"Kết quả thực hiện tiêu chí 22 xã đạt chuẩn Nông thôn mới:" followed by one
line per commune ("Xã Nhân Bình: Đạt 18/19 tiêu chí …"): a commune meets the
standard only with every criterion met, so a list under such a heading in
which no line reaches its whole (18/19, 17/19) contradicts its heading,
unless the figures are a re-assessment against another set. Reported under
`other`, as `info`. The list is the lines after the heading (blank lines
skipped) that each give a fraction of criteria.
"""
from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

from extract.audit.averages import ITEM_UNIT
from extract.audit.common import audit_data, fmt_number
from extract.audit.messages import make_finding
from extract.audit.quantities import quantities, unit_after
from extract.component import Check
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc


def _criteria_fraction(prep: "PreparedDoc", start: int, end: int):
    i = bisect.bisect_left(prep.fractions, start, key=lambda f: f.start)
    for f in prep.fractions[i:]:
        if f.start >= end:
            break
        if unit_after(prep, f.end) == ITEM_UNIT:
            return f
    return None


def check_standard_list(prep: "PreparedDoc", records: dict) -> list[Finding]:
    cfg = audit_data()["standard_list"]
    lines = prep.structure.lines
    group_units = audit_data()["quantities"]["group_units"]
    findings = []
    for q in quantities(prep):
        if q.unit not in group_units or q.change or q.decimals:
            continue
        m = next(iter(prep.phrases(cfg["standard_words"], q.end, q.end + cfg["gap"] + 12)), None)
        if not m or m.start() - q.end > cfg["gap"]:
            continue
        line = prep.line_at(q.start)
        if not prep.text[line.start:line.end].rstrip().endswith(":"):
            continue
        items = []
        for ln in lines[line.index + 1:]:
            if not prep.text[ln.start:ln.end].strip():
                continue
            f = _criteria_fraction(prep, ln.start, ln.end)
            if f is None:
                break
            items.append(f)
        if len(items) < cfg["min_items"] or any(f.numerator >= f.denominator for f in items):
            continue
        best = max(items, key=lambda f: f.numerator / f.denominator)
        findings.append(make_finding(
            "standard_list", [(q.start, m.end()), (best.start, best.end)],
            heading=prep.text[q.start:m.end()], units=fmt_number(q.value), listed=len(items),
            best=best.text or prep.text[best.start:best.end],
        ))
    return findings


CHECKS = (
    Check("standard_list", check_standard_list, severities=("info",), kind="other",
          requires=("numbers", "fractions", "structure")),
)
