"""Written computations recomputed: `arithmetic` and `denominator_mismatch`.

Reports show their sums: "hộ nghèo: 100 - 29 = 71/1.784 = 3,97%", "3,97% +
8,24% = 12,21%". A chain of expressions joined by "=" is read the way it is
written: each side after an "=" restates the result before it, so in
"100 - 29 = 71/1.784 = 3,97%" the checks are 100 - 29 = 71 (the first operand
of the next side) and 71/1.784 = 3,97%. A result is compared at the precision
it is written with, rounded half up (3,9798% is 3,98%, not 3,97%); a count of
people computed from a rate ("90% x 1.784 = 1.606") may also be rounded down
or up, as thresholds are.

Also here: a funding total against the sum of its parts (the funding records),
shares of one whole ("trong đó … chiếm 40%") that add up to more than 100%,
and `denominator_mismatch`: rates whose written results are then added
together in one computation must share one base; two different denominators
are one population given two totals.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING


from extract.component import Check
from extract.audit.common import audit_data, fmt_number, trimmed
from extract.computations import Computation, Side, Term
from extract.numbers import continues_a_numeral, percent_after, written_with_scale
from extract.audit.messages import make_finding
from extract.audit.quantities import amount_bound, amount_range
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

def _round(value: Decimal, decimals: int, mode=ROUND_HALF_UP) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=mode)


def _agrees(left: Side, right_value: Decimal, right_pct: bool, decimals: int) -> tuple[bool, Decimal] | None:
    """Does `left` equal the written right value at its precision? None when not comparable."""
    got = left.value()
    if got is None:
        return None
    value, pct = got
    if pct and not right_pct:
        return None
    if right_pct and not pct:
        value = value * 100
    rounded = _round(value, decimals)
    if rounded == right_value:
        return True, value
    if abs(right_value - value) < _rounding_slack(left):
        return True, value
    if decimals == 0 and left.scales_a_rate and right_value in (
            _round(value, 0, ROUND_FLOOR), _round(value, 0, ROUND_CEILING)):
        return True, value
    return False, value


def _rounding_slack(side: Side) -> Decimal:
    """A sum of three or more rounded addends may have been made from their unrounded values:
    its result can then differ by less than half a unit of their last digit per addend."""
    if len(side.terms) < 3 or set(side.ops) - set("+-−–"):
        return Decimal(0)
    decimals = max(t.decimals for t in side.terms)
    if decimals == 0:
        return Decimal(0)
    return len(side.terms) * Decimal(5).scaleb(-decimals - 1)


def _side_text(text: str, side: Side) -> str:
    return text[side.start:side.end]


def _wrong_steps(comp: Computation) -> list[tuple[Side, Term, Decimal]]:
    """(left side, written result, computed value) of every step that does not hold."""
    wrong = []
    for left, right in zip(comp.sides, comp.sides[1:]):
        if len(left.terms) == 1:
            continue  # "71 = 71/1.784": a restatement, nothing computed
        res = right.terms[0]
        if len(right.terms) > 1:
            # "a - b = c/d": the next side restates the result as its first operand,
            # unless the whole side already equals it ("5 + 5 = 2 x 5").
            whole = right.value()
            if whole is not None:
                decimals = max(t.decimals for t in right.terms)
                verdict = _agrees(left, _round(whole[0], decimals), whole[1], decimals)
                if verdict and verdict[0]:
                    continue
        verdict = _agrees(left, res.value, res.percent, res.decimals)
        if verdict is not None and not verdict[0]:
            wrong.append((left, res, verdict[1]))
    return wrong


def check_arithmetic(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    text = ctx.text
    findings = []
    for comp in ctx.computations:
        for left, res, computed in _wrong_steps(comp):
            d = res.decimals
            written = text[res.start:res.end]
            rounded = fmt_number(_round(computed, d), d) + ("%" if res.percent else "")
            exact = fmt_number(computed, max(d + 2, 0)) + ("%" if res.percent else "")
            findings.append(make_finding(
                "arithmetic_step", [trimmed(text, left.start, res.end)],
                expression=_side_text(text, left), written=written, exact=exact, rounded=rounded, decimals=d,
            ))
    findings.extend(_funding_sums(ctx, records))
    findings.extend(_share_sums(ctx))
    return findings


# -- funding totals --------------------------------------------------------------------

def _tolerance(amount: int, amount_text: str) -> int:
    """Half a unit of the last written digit when the amount is written with a scale word."""
    if not written_with_scale(amount_text):
        return 0
    zeros = len(str(amount)) - len(str(amount).rstrip("0"))
    return (10 ** zeros) // 2


def _sum_within_bounds(ctx: "PreparedDoc", total, comps: list, summed: int) -> bool:
    """Can the parts add up to the total, given the bounds written on them ("trên 225 tỉ",
    "khoảng 40 tỉ") and half a unit of the total's last written digit?"""
    tol = Decimal(_tolerance(total.amount_vnd, total.amount_text))
    t_lo, t_hi = amount_range(Decimal(total.amount_vnd), amount_bound(ctx, total))
    s_lo, s_hi = Decimal(0), Decimal(0)
    for c in comps:
        lo, hi = amount_range(Decimal(c.amount_vnd), amount_bound(ctx, c))
        s_lo += lo
        s_hi = None if s_hi is None or hi is None else s_hi + hi
    return (s_hi is None or s_hi >= t_lo - tol) and (t_hi is None or s_lo <= t_hi + tol)


def _several_breakdowns(total: int, comps: list) -> bool:
    """The parts, in text order, fall into runs that each add up to the total: the same total
    broken down twice (by source, then by purpose), not a wrong sum."""
    runs, running = 0, 0
    for c in sorted(comps, key=lambda c: c.start):
        running += c.amount_vnd
        if running == total:
            runs, running = runs + 1, 0
        elif running > total:
            return False
    return runs >= 2 and running == 0


def _funding_sums(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    funding = records.get("funding") or []
    by_start = {f.start: f for f in funding}
    parts: dict[int, list] = defaultdict(list)
    for f in funding:
        if f.parent_start is not None and f.parent_start in by_start:
            parts[f.parent_start].append(f)
    findings = []
    for start, comps in sorted(parts.items()):
        total = by_start[start]
        if len(comps) < 2:
            continue
        if any(continues_a_numeral(ctx.text, c.start) for c in comps + [total]):
            continue  # "71, 4 tỉ": the amount is the tail of a numeral split at its comma
        summed = sum(c.amount_vnd for c in comps)
        if _sum_within_bounds(ctx, total, comps, summed) or _several_breakdowns(total.amount_vnd, comps):
            continue
        findings.append(make_finding(
            "funding_sum", [(total.start, total.end)] + [(c.start, c.end) for c in comps],
            total=total.amount_text, total_vnd=fmt_number(total.amount_vnd), parts=len(comps),
            summed=fmt_number(summed), difference=fmt_number(summed - total.amount_vnd),
        ))
    return findings


# -- shares of one whole ----------------------------------------------------------------

def _share_sums(ctx: "PreparedDoc") -> list[Finding]:
    """Shares ("chiếm 40%") of one whole, inline or as the items of one list, above 100%."""
    cfg = audit_data()["arithmetic"]
    text = ctx.text
    groups: dict[tuple, list[tuple[int, int, Decimal, int]]] = defaultdict(list)
    for m in ctx.phrases(cfg["share_words"]):
        pct = percent_after(text, m.end())  # right after the share word
        if not pct:
            continue
        line = ctx.line_at(m.start())
        if line.intro is not None:
            intro = ctx.structure.lines[line.intro]
            if not ctx.phrases(cfg["share_context"], intro.start, intro.end):
                continue
            key = ("list", line.intro)
        else:
            s, _ = ctx.sentence_at(m.start())
            ctx_m = ctx.phrases(cfg["share_context"], s, m.start())
            if not ctx_m:
                continue
            key = ("inline", s)
        end, value, decimals = pct
        groups[key].append((m.start(), end, value, decimals))
    findings = []
    for items in groups.values():
        if len(items) < 2:
            continue
        total = sum(v for _, _, v, _ in items)
        decimals = max(d for *_, d in items)
        slack = Decimal(len(items)) * Decimal(5).scaleb(-decimals - 1)
        if total <= 100 + slack:
            continue
        findings.append(make_finding(
            "share_sum", [(s, e) for s, e, _, _ in items], parts=len(items), total=fmt_number(total, decimals),
        ))
    return findings


# -- denominators -------------------------------------------------------------------------

@dataclass
class Rate:
    numerator: Term
    denominator: Term
    result: Term
    line: int


def _rates(ctx: "PreparedDoc", comps: list[Computation]) -> list[Rate]:
    """Every "a/b = p%" step: a rate with its written base."""
    out = []
    for comp in comps:
        for left, right in zip(comp.sides, comp.sides[1:]):
            if len(left.terms) == 2 and left.ops == ["/"] and not any(t.percent for t in left.terms):
                res = right.terms[0]
                if res.percent and len(right.terms) == 1:
                    out.append(Rate(left.terms[0], left.terms[1], res, ctx.line_at(left.start).index))
    return out


def check_denominators(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    text = ctx.text
    comps = list(ctx.computations)
    rates = _rates(ctx, comps)
    findings = []
    for comp in comps:
        for side in comp.sides:
            if len(side.terms) < 2 or set(side.ops) - {"+"} or not all(t.percent for t in side.terms):
                continue
            line = ctx.line_at(side.start).index
            used = []
            for t in side.terms:
                match = [r for r in rates if r.result.value == t.value and r.result.end <= t.start
                         and 0 <= line - r.line <= 2]
                if match:
                    used.append(match[-1])
            bases = {r.denominator.value for r in used}
            if len(used) < 2 or len(bases) < 2:
                continue
            a, b = used[0], next(r for r in used if r.denominator.value != used[0].denominator.value)
            da, db = a.denominator.value, b.denominator.value
            fa = text[a.numerator.start:a.denominator.end]
            fb = text[b.numerator.start:b.denominator.end]
            findings.append(make_finding(
                "denominator_mismatch",
                [(a.numerator.start, a.denominator.end), (b.numerator.start, b.denominator.end),
                 (side.start, side.end)],
                first=fa, second=fb, first_base=fmt_number(da), second_base=fmt_number(db),
                difference=fmt_number(abs(da - db)), sum=text[side.start:comp.end],
            ))
    return findings


CHECKS = (
    Check("arithmetic", check_arithmetic, severities=("warning",), requires=("computations", "funding", "structure", "sentence_spans")),
    Check("denominator_mismatch", check_denominators, requires=("computations", "structure")),
)
