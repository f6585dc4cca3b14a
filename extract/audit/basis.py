"""A percentage and the fraction written as its basis: "đạt 87,7% (8.481/9.669)".

The fraction, divided out and rounded half up at the percentage's written
precision, must give the percentage. A percentage that is the fraction cut
off instead of rounded (87,71… written 87,7 is fine; 45,96… written 45,9) is
`info`; any other difference is a `warning`. The basis must follow the
percentage at once: blanks, an opening parenthesis or a cell bar between them
(a table cell on the next line counts), and it must be a part of a whole
(numerator not above the denominator). The basis is a prepared fraction, or
two numerals with decimals joined by "/" ("118,3/130 km"), which the fraction
layer leaves out; its operands are taken as written.

Percentages, fractions and ratios come from the number layer; `_GAP` is no reading
of the text but the layout allowed between a percentage and its basis (blanks, an
opening bracket, a table's cell border).
"""
from __future__ import annotations

import bisect
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING

import regex

from extract.audit.averages import round_at
from extract.audit.common import fmt_number
from extract.audit.messages import make_finding
from extract.component import Check
from extract.numbers import ratio_at
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

MAX_BASIS_GAP = 12  # chars between the "%" and its basis fraction
MAX_BASIS_NEWLINES = 4  # a basis in the next table cell sits a few (blank) lines below
_GAP = regex.compile(r"[ \t\n\r(|]*")
# "118,3/130", "7,1km/7,1km": two numerals (a short unit after the first allowed) joined by "/",
# not part of a date or a document number, not a percentage.


def _decimals(written: str) -> int:
    number = written.rstrip("% ").split(",")
    return len(number[1]) if len(number) == 2 else 0


def _basis_at(prep: "PreparedDoc", pos: int) -> tuple[int, int, Decimal, Decimal] | None:
    """(start, end, numerator, denominator) of the basis starting at `pos`."""
    i = bisect.bisect_left(prep.fractions, pos, key=lambda f: f.start)
    if i < len(prep.fractions) and prep.fractions[i].start == pos:
        f = prep.fractions[i]
        return f.start, f.end, Decimal(str(f.numerator)), Decimal(str(f.denominator))
    return ratio_at(prep.text, pos)


def basis_after(prep: "PreparedDoc", pct) -> tuple[int, int, Decimal, Decimal] | None:
    """(start, end, numerator, denominator) of the basis written right after percentage `pct`, or None."""
    text = prep.text
    gap = _GAP.match(text, pct.end, min(len(text), pct.end + MAX_BASIS_GAP))
    if gap.end() == pct.end or gap.group().count("\n") > MAX_BASIS_NEWLINES:
        return None
    basis = _basis_at(prep, gap.end())
    return basis if basis is not None and 0 < basis[2] <= basis[3] else None


def check_percent_basis(prep: "PreparedDoc", records: dict) -> list[Finding]:
    text = prep.text
    findings = []
    for pct in prep.percentages:
        basis = basis_after(prep, pct)
        if basis is None:
            continue
        start, end, num, den = basis
        decimals = _decimals(pct.text)
        exact = num / den * 100
        written = Decimal(str(pct.value))
        rounded = round_at(exact, decimals)
        if rounded == written:
            continue
        truncated = round_at(exact, decimals, ROUND_FLOOR) == written
        findings.append(make_finding(
            "percent_basis_truncated" if truncated else "percent_basis", [(pct.start, pct.end), (start, end)],
            rate=pct.text.strip(), basis=text[start:end], exact=fmt_number(exact, decimals + 2),
            rounded=fmt_number(rounded, decimals), decimals=decimals,
        ))
    return findings


CHECKS = (
    Check("percent_basis", check_percent_basis, severities=("warning", "info"), kind="arithmetic",
          requires=("percentages", "fractions")),
)
