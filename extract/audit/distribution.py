"""`bucket_sum`: units counted by the band of criteria they reach must make up their whole.

"Hiện 89 xã … Có 15 xã đạt dưới 10 tiêu chí, … 38 xã đạt 10-14 tiêu chí, …
26 xã đạt 15-18 tiêu chí": the bands of one distribution (consecutive, at
most `bucket_gap` characters apart) add up to 79 communes, 10 short of the 89
written before them. The bands are read up to the size of the document's set
(of every catalogued set when the document's is not known). When the bands leave some criteria counts out (here
19), the missing units are presumably those, unstated: `info`; when the bands
cover every count from the lowest up to the set's size, the distribution
itself is wrong: `warning`. More units in the bands than in the whole means
the whole read is not theirs: nothing is said. Reported under `count_sum`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from extract.audit.averages import ITEM_UNIT, set_size
from extract.audit.common import audit_data, fmt_number
from extract.audit.messages import make_finding
from extract.audit.quantities import Quantity, quantities, skip_blanks, unit_after
from extract.component import Check
from extract.records import Finding
from gazetteer.criteria import criteria_sets

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc


@dataclass
class Bucket:
    units: Quantity
    low: int
    high: int | None  # None: up to the whole set
    end: int


def _band(prep: "PreparedDoc", q: Quantity, criteria: list[Quantity]) -> Bucket | None:
    """The band of criteria right after "N xã": "đạt 10-14 tiêu chí", "đạt dưới 10 tiêu chí", "đạt 9 tiêu chí"."""
    cfg = audit_data()["distribution"]
    folded = prep.folded
    verb = prep.phrase_at(cfg["verbs"], skip_blanks(folded, q.end))
    if not verb:
        return None
    pos = skip_blanks(folded, verb.end())
    kind = None
    for name in ("below", "from", "above"):
        m = prep.phrase_at(cfg[name], pos)
        if m:
            kind, pos = name, skip_blanks(folded, m.end())
            break
    rng = next((r for r in prep.ranges if r.start == pos and unit_after(prep, r.end) == ITEM_UNIT), None)
    if rng is not None:
        return Bucket(q, int(rng.low), int(rng.high), rng.end)
    c = next((c for c in criteria if c.start == pos and c.decimals == 0 and not c.per_value), None)
    if c is None:
        return None
    n = int(c.value)
    if kind == "below":
        return Bucket(q, 0, n - 1, c.end)
    if kind == "from":
        return Bucket(q, n, None, c.end)
    if kind == "above":
        return Bucket(q, n + 1, None, c.end)
    return Bucket(q, n, n, c.end)


def find_distributions(prep: "PreparedDoc") -> list[list[Bucket]]:
    cfg = audit_data()["distribution"]
    qs = quantities(prep)
    criteria = [q for q in qs if q.unit == ITEM_UNIT]
    groups: list[list[Bucket]] = []
    for q in qs:
        if q.unit == ITEM_UNIT or q.change or q.decimals:
            continue
        b = _band(prep, q, criteria)
        if b is None:
            continue
        last = groups[-1][-1] if groups else None
        if last is not None and last.units.unit == q.unit and q.start - last.end <= cfg["bucket_gap"]:
            groups[-1].append(b)
        else:
            groups.append([b])
    # A distribution has bands: counts of single values ("5 xã đạt 14 tiêu chí; 3 xã đạt 13")
    # are often written beside communes named one by one, which they leave out.
    return [g for g in groups if len(g) >= 2 and any(b.high != b.low for b in g)]


def _uncovered(buckets: list[Bucket], size: int | None) -> list[tuple[int, int]]:
    """Counts of criteria from the lowest band up to the set's size that no band holds."""
    lo = min(b.low for b in buckets)
    top = size if size else max(b.high or b.low for b in buckets)
    covered = set()
    for b in buckets:
        covered.update(range(b.low, (b.high if b.high is not None else top) + 1))
    missing = [n for n in range(lo, top + 1) if n not in covered]
    runs: list[tuple[int, int]] = []
    for n in missing:
        if runs and runs[-1][1] == n - 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    return runs


def _common_set_size() -> int | None:
    """The size every catalogued set shares (a document whose set is not known is one of them)."""
    sizes = {len(s.criteria) for s in criteria_sets().values()}
    return sizes.pop() if len(sizes) == 1 else None


def check_bucket_sum(prep: "PreparedDoc", records: dict) -> list[Finding]:
    cfg = audit_data()["distribution"]
    qs = quantities(prep)
    findings = []
    for buckets in find_distributions(prep):
        first = buckets[0].units
        in_bands = {b.units.start for b in buckets}
        whole = next((q for q in reversed(qs) if q.end <= first.start and q.unit == first.unit
                      and not q.change and q.start not in in_bands and q.decimals == 0
                      and first.start - q.start <= cfg["whole_window"]), None)
        if whole is None:
            continue
        summed = sum(int(b.units.value) for b in buckets)
        if summed >= whole.value:
            continue
        runs = _uncovered(buckets, set_size(prep) or _common_set_size())
        missing = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in runs)
        findings.append(make_finding(
            "bucket_sum_uncovered" if runs else "bucket_sum",
            [(whole.start, whole.end)] + [(b.units.start, b.end) for b in buckets],
            whole=fmt_number(whole.value), summed=summed, parts=" + ".join(str(int(b.units.value)) for b in buckets),
            rest=fmt_number(whole.value - summed), missing=missing,
        ))
    return findings


CHECKS = (
    Check("bucket_sum", check_bucket_sum, severities=("info", "warning"), kind="count_sum",
          requires=("numbers", "ranges")),
)
