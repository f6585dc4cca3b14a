"""Averages recomputed from the figures they are drawn from: `average` and `average_gap`.

"Tổng số tiêu chí đạt chuẩn của 7 xã … là 87 tiêu chí, bình quân mỗi xã đạt
12,42 tiêu chí": the average's total (87 criteria) and number of units (7
communes) are read in its sentence and the one before it on the same line,
also as "1.286 tiêu chí/92 xã", or as "205 trong tổng số 306 lượt tiêu chí"
where 306 criterion-commune pairs over a set of 18 criteria make 17 communes.
The average is compared at its written precision, rounded half up: 87/7 =
12,4286 is 12,43; written 12,42 it is truncated (`info`); another figure
within `max_relative_gap` of the computed one is a slip (`warning`); further
off, the figures read are taken not to be its basis and nothing is said.

`average_gap`: "14 tiêu chí/1 xã …, cao hơn 2,36 tiêu chí so với bình quân cả
nước (11,64 tiêu chí/xã)": a gap between the document's average and another
one (an average after "so với" is that other one, never recomputed from the
document's figures). When the gap holds for the rounded average (14 - 11,64) but not for the
computed one (13,978 - 11,64 = 2,34), it was computed from a rounded figure
(`info`).

It reads numbers, sentences and cue phrases from the prepared document; the one
pattern it keeps (`total_words`, a word list) tells whether the words between two
figures are exactly such a phrase, which a list of phrase matches cannot say.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from extract.audit.common import audit_data, fmt_number
from extract.audit.messages import make_finding
from extract.audit.quantities import CRITERIA as ITEM_UNIT, Quantity, quantities, unit_after
from extract.component import Check
from extract.records import Finding
from gazetteer.criteria import criteria_sets
from gazetteer.cues import phrase_pattern

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc



def round_at(value: Decimal, decimals: int, mode=ROUND_HALF_UP) -> Decimal:
    """`value` at `decimals` places: half up (the writer's rounding) or down (a truncation)."""
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


@lru_cache(maxsize=1)
def _cfg() -> dict:
    return audit_data()["averages"]


@lru_cache(maxsize=1)
def _total_words() -> "regex.Pattern[str]":
    return phrase_pattern(_cfg()["total_words"])


@dataclass
class Average:
    written: Quantity
    total: Decimal
    groups: Decimal
    evidence: list[tuple[int, int]]
    groups_inferred: bool = False

    @property
    def exact(self) -> Decimal:
        return self.total / self.groups


def _window_start(prep: "PreparedDoc", offset: int) -> int:
    """Start of the average's sentence and of the sentences before it on its line."""
    s, _ = prep.sentence_at(offset)
    line = prep.line_at(offset)
    for _ in range(_cfg()["lookback_sentences"]):
        if s <= line.start:
            break
        prev, _ = prep.sentence_at(s - 1)
        s = max(prev, line.start)
    return s


def set_size(prep: "PreparedDoc") -> int | None:
    """How many criteria a unit can reach: the whole of "18/18 tiêu chí", else the document's set."""
    whole = Counter(int(f.denominator) for f in prep.fractions
                    if f.numerator == f.denominator and unit_after(prep, f.end) == ITEM_UNIT)
    if whole:
        return whole.most_common(1)[0][0]
    if prep.criteria_set:
        return len(criteria_sets()[prep.criteria_set].criteria)
    return None


def _whole_fraction(prep: "PreparedDoc", size: int):
    return next((f for f in prep.fractions if f.numerator == f.denominator == size), None)


def _basis(prep: "PreparedDoc", qs: list[Quantity], avg: Quantity) -> Average | None:
    before = [q for q in qs if q.start < avg.start and not q.change]
    per = [q for q in before if q.unit == ITEM_UNIT and q.per_value and q.per_value > 1]
    if per:
        q = per[-1]
        return Average(avg, q.value, q.per_value, [(q.start, q.end), (avg.start, avg.end)])
    groups = [q for q in before if q.unit in audit_data()["quantities"]["group_units"]
              and q.decimals == 0 and q.value > 1]
    totals = [q for q in before if q.unit == ITEM_UNIT and not q.repeated and q.decimals == 0
              and q.value > avg.value and q.per_value is None]
    if groups and totals:
        g, t = groups[-1], totals[-1]
        return Average(avg, t.value, g.value, sorted([(g.start, g.end), (t.start, t.end), (avg.start, avg.end)]))
    total_words = _total_words()
    for pairs in (q for q in before if q.repeated and q.unit == ITEM_UNIT):
        part = next((n for n in reversed(prep.numbers) if n.end <= pairs.start and n.kind == "number"), None)
        if part is None:
            continue
        between = prep.folded[part.end:pairs.start].strip()
        m = total_words.fullmatch(between) if between else None
        size = set_size(prep)
        if not m or not size or pairs.value % size:
            continue
        evidence = [(part.start, part.end), (pairs.start, pairs.end), (avg.start, avg.end)]
        whole = _whole_fraction(prep, size)
        if whole is not None:
            evidence.append((whole.start, whole.end))
        return Average(avg, Decimal(part.value), pairs.value / size, evidence, groups_inferred=True)
    return None


def find_averages(prep: "PreparedDoc") -> list[Average]:
    """Every criteria average whose total and number of units the text gives."""
    c = _cfg()
    out, seen = [], set()
    for cue in prep.phrases(c["cues"]):
        s, hi = prep.sentence_at(cue.start())
        if prep.phrases(c["compare_words"], s, cue.start()):
            continue  # "so với bình quân cả nước": another whole's average, compared with
        lo = _window_start(prep, cue.start())
        qs = quantities(prep, lo, hi)
        avg = next((q for q in qs if cue.end() <= q.start <= cue.end() + _cfg()["cue_window"]
                    and q.unit == ITEM_UNIT and not q.change and q.per_value in (None, 1)), None)
        if avg is None or avg.start in seen:
            continue
        seen.add(avg.start)
        basis = _basis(prep, qs, avg)
        if basis is not None and basis.groups:
            out.append(basis)
    return out


def _params(prep: "PreparedDoc", a: Average) -> dict:
    d = a.written.decimals
    return dict(written=fmt_number(a.written.value, d), total=fmt_number(a.total), groups=fmt_number(a.groups),
                exact=fmt_number(a.exact, d + 2), rounded=fmt_number(round_at(a.exact, d), d), decimals=d)


def check_averages(prep: "PreparedDoc", records: dict) -> list[Finding]:
    findings = []
    for a in find_averages(prep):
        d, written = a.written.decimals, a.written.value
        if round_at(a.exact, d) == written:
            continue
        if round_at(a.exact, d, ROUND_DOWN) == written:
            template = "average_truncated_inferred" if a.groups_inferred else "average_truncated"
        elif abs(a.exact - written) <= Decimal(str(_cfg()["max_relative_gap"])) * a.exact:
            template = "average_wrong_inferred" if a.groups_inferred else "average_wrong"
        else:
            continue
        findings.append(make_finding(template, a.evidence, **_params(prep, a)))
    return findings


def check_average_gaps(prep: "PreparedDoc", records: dict) -> list[Finding]:
    c = _cfg()
    findings = []
    for a in find_averages(prep):
        _, end = prep.sentence_at(a.written.start)
        gap_m = next(iter(prep.phrases(c["gap_words"], a.written.end, end)), None)
        if not gap_m:
            continue
        qs = quantities(prep, gap_m.end(), end)
        gap = next((q for q in qs if q.unit == ITEM_UNIT), None)
        if gap is None:
            continue
        cmp_m = next(iter(prep.phrases(c["compare_words"], gap.end, end)), None)
        if not cmp_m or not prep.phrases(c["cues"], cmp_m.end(), end):
            continue
        other = next((q for q in qs if q.start > cmp_m.end() and q.unit == ITEM_UNIT), None)
        if other is None:
            continue
        d = gap.decimals
        true_gap = round_at(abs(a.exact - other.value), d)
        if true_gap == gap.value or round_at(abs(a.written.value - other.value), d) != gap.value:
            continue
        findings.append(make_finding(
            "average_gap_rounded", a.evidence + [(gap.start, gap.end), (other.start, other.end)],
            **_params(prep, a), gap=fmt_number(gap.value, d), other=fmt_number(other.value, other.decimals),
            true_gap=fmt_number(true_gap, d),
        ))
    return findings


CHECKS = (
    Check("average", check_averages, severities=("info", "warning"), kind="arithmetic", requires=("numbers", "fractions", "sentence_spans")),
    Check("average_gap", check_average_gaps, severities=("info",), kind="arithmetic", requires=("numbers", "sentence_spans")),
)
