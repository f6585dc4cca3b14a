"""A percentage and the fraction written as its basis: "đạt 87,7% (8.481/9.669)".

The fraction, divided out and rounded half up at the percentage's written
precision, must give the percentage. A percentage that is the fraction cut
off instead of rounded (87,71… written 87,7 is fine; 45,96… written 45,9) is
`info`; any other difference is a `warning`. The basis must follow the
percentage at once: blanks and an opening parenthesis between them (a table
cell on the next line counts), and it must be a part of a whole (numerator
not above the denominator).
"""
from __future__ import annotations

import bisect
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

import regex

from extract.audit.common import fmt_number
from extract.component import Check
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

MAX_BASIS_GAP = 12  # chars between the "%" and its basis fraction
MAX_BASIS_NEWLINES = 4  # a basis in the next table cell sits a few (blank) lines below
_GAP = regex.compile(r"[ \t\n\r(]*")


def _decimals(written: str) -> int:
    number = written.rstrip("% ").split(",")
    return len(number[1]) if len(number) == 2 else 0


def _at(value: Decimal, decimals: int, rounding: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=rounding)


def check_percent_basis(prep: "PreparedDoc", records: dict) -> list[Finding]:
    text = prep.text
    fractions = prep.fractions
    starts = [f.start for f in fractions]
    findings = []
    for pct in prep.percentages:
        i = bisect.bisect_left(starts, pct.end)
        if i == len(fractions) or fractions[i].start - pct.end > MAX_BASIS_GAP:
            continue
        basis = fractions[i]
        gap = text[pct.end:basis.start]
        if not _GAP.fullmatch(gap) or gap.count("\n") > MAX_BASIS_NEWLINES:
            continue
        if not 0 < basis.numerator <= basis.denominator:
            continue
        decimals = _decimals(pct.text)
        exact = Decimal(str(basis.numerator)) / Decimal(str(basis.denominator)) * 100
        written = Decimal(str(pct.value))
        if _at(exact, decimals, ROUND_HALF_UP) == written:
            continue
        truncated = _at(exact, decimals, ROUND_FLOOR) == written
        findings.append(Finding(
            "arithmetic", "info" if truncated else "warning",
            f"{pct.text.strip()} is given the basis {basis.text.strip()}, which is "
            f"{fmt_number(float(exact), decimals + 2)}% → {fmt_number(float(_at(exact, decimals, ROUND_HALF_UP)), decimals)}% "
            + (f"(rounded half up); {pct.text.strip()} cuts it off instead." if truncated
               else "(rounded half up): the rate and its basis disagree."),
            [(pct.start, pct.end), (basis.start, basis.end)],
        ))
    return findings


CHECKS = (
    Check("percent_basis", check_percent_basis, severities=("warning", "info"), kind="arithmetic",
          requires=("percentages", "fractions")),
)
