"""A share set against the total it is a share of: `share_of_total`.

"tổng nguồn lực … là trên 293 tỷ đồng; trong đó vốn nhân
dân đóng góp 216 tỷ đồng (chiếm 77% …)": a share of a part of a whole named
in the same sentence (the part just before the share word, the whole before
"trong đó"). The bounds written on the amounts are respected: a whole "trên
293 tỷ" (more than) can only make the share smaller than 216/293, a part
"trên" only larger, and an amount "khoảng" (about) lies within
`approximate_share` of its value. Only a share outside what the bounds allow
is a finding.
"""
from __future__ import annotations

import bisect

from decimal import Decimal
from typing import TYPE_CHECKING


from extract.audit.common import audit_data, fmt_number
from extract.audit.messages import make_finding
from extract.audit.quantities import amount_bound, amount_range
from extract.component import Check
from extract.numbers import written_decimal
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

def _decimals(written: str) -> int:
    return len(written.partition(",")[2])


def check_share_of_total(prep: "PreparedDoc", records: dict) -> list[Finding]:
    arith = audit_data()["arithmetic"]
    window = audit_data()["shares"]["part_window"]
    text = prep.text
    findings = []
    pct_starts = [p.start for p in prep.percentages]
    for sm in prep.phrases(arith["share_words"]):
        i = bisect.bisect_left(pct_starts, sm.end())
        pct = prep.percentages[i] if i < len(pct_starts) and pct_starts[i] - sm.end() <= 2 else None
        if pct is None:
            continue
        s, _ = prep.sentence_at(sm.start())
        part = next((a for a in reversed(prep.amounts) if a.end <= sm.start() and sm.start() - a.end <= window
                     and a.start >= s), None)
        if part is None or part.per_unit:
            continue
        ctx = None
        for c in prep.phrases(arith["share_context"], s, part.start):
            ctx = c
        if ctx is None:
            continue
        whole = next((a for a in reversed(prep.amounts) if a.end <= ctx.start() and a.start >= s), None)
        if whole is None or whole.per_unit or whole.amount_vnd <= part.amount_vnd:
            continue
        pv = written_decimal(pct.text)
        if pv is None:
            continue
        value, d = pv
        p_lo, p_hi = amount_range(Decimal(part.amount_vnd), amount_bound(prep, part))
        w_lo, w_hi = amount_range(Decimal(whole.amount_vnd), amount_bound(prep, whole))
        least = p_lo / w_hi * 100 if w_hi else Decimal(0)
        most = p_hi / w_lo * 100 if p_hi is not None else None
        half = Decimal(5).scaleb(-d - 1)
        if value + half >= least and (most is None or value - half <= most):
            continue
        computed = Decimal(part.amount_vnd) / Decimal(whole.amount_vnd) * 100
        findings.append(make_finding(
            "share_of_total", [(pct.start, pct.end), (part.start, part.end), (whole.start, whole.end)],
            share=pct.text.strip(), part=text[part.start:part.end], whole=text[whole.start:whole.end],
            exact=fmt_number(computed, d + 1), implied=fmt_number(Decimal(whole.amount_vnd) * value / 100),
        ))
    return findings


CHECKS = (
    Check("share_of_total", check_share_of_total, severities=("warning",), kind="arithmetic", requires=("percentages", "amounts")),
)
