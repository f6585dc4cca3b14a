"""The audit over tables: shares that do not follow from their amounts, a count in the prose that
the table contradicts, a percentage cell that differs from its own fraction.

(A Tổng cộng row whose parts do not add up is found by the funding sums check,
since the table's amounts are funding rows with their total as parent.)
Each check is a pure function of the tables, the text and the records.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

from extract.audit.common import fmt_number
from extract.numbers import find_fractions, find_percentages
from extract.records import CountClaim, CriterionMention, Finding
from extract.tables import in_tables, money_rows, read_tables
from normalize.document import Table

TABLE_CRITERIA_RULE = "table_criteria_row"
SHARE_SLACK = Decimal("0.05")  # beyond half a unit of the last written digit


def _half_unit(written: str) -> Decimal:
    """Half a unit of the last digit written: "15" → 0,5, "12,5" → 0,05."""
    digits = written.strip().rstrip("%").strip()
    decimals = len(digits.split(",", 1)[1]) if "," in digits else 0
    return Decimal(5).scaleb(-decimals - 1)


def check_table_shares(tables: Iterable[Table], text: str) -> list[Finding]:
    """A share cell ("Tỷ lệ (%)") that is not its row's amount over the Tổng cộng amount."""
    findings = []
    for view in read_tables(tables, text):
        total, parts = money_rows(view)
        if total is None or total.value == 0:
            continue
        for part in parts:
            if part.share is None:
                continue
            cell, share = part.share
            computed = part.value * 100 / total.value
            written = text[cell.char_start:cell.char_end]
            if abs(computed - share) <= _half_unit(written) + SHARE_SLACK:
                continue
            findings.append(Finding(
                "arithmetic", "warning",
                f"The share {written}% of '{part.label}' does not follow from its amount: "
                f"{text[part.cell.char_start:part.cell.char_end]} / {text[total.cell.char_start:total.cell.char_end]}"
                f" = {fmt_number(computed, 1)}%.",
                [(cell.char_start, cell.char_end), (part.cell.char_start, part.cell.char_end),
                 (total.cell.char_start, total.cell.char_end)]))
    return findings


def check_declared_against_table(tables: Iterable[Table], text: str, counts: list[CountClaim],
                                 criteria: list[CriterionMention]) -> list[Finding]:
    """A count of criteria met (or not met) in the prose, "đã đạt 13/19 tiêu chí", that differs
    from the number of criteria the table gives that status, when the table covers the whole set."""
    tables = list(tables)
    rows = [c for c in criteria if c.rule == TABLE_CRITERIA_RULE]
    if not rows:
        return []
    findings = []
    for count in counts:
        if count.unit != "tieu_chi" or count.kind not in ("met_total", "declared_list") or count.status not in ("met", "unmet"):
            continue
        if in_tables(tables, count.start, count.end):
            continue
        if len({r.criterion_no for r in rows}) < (count.total or 19):
            continue
        covered = rows
        same = [r for r in rows if r.status == count.status
                and (count.period is None or r.period is None or r.period == count.period)]
        if len(same) == count.value:
            continue
        word = "met" if count.status == "met" else "not met"
        findings.append(Finding(
            "count_mismatch", "warning",
            f"'{text[count.start:count.end]}' declares {count.value} criteria {word}, but the table gives "
            f"{len(same)} of its {len(covered)} criteria that status.",
            [(count.start, count.end)] + [(r.start, r.end) for r in same[:1]]))
    return findings


def check_cell_rates(tables: Iterable[Table], text: str) -> list[Finding]:
    """A cell that gives a percentage and the fraction it comes from ("85% (170/210)") that disagree."""
    findings = []
    for table in tables:
        for cell in table.cells:
            body = text[cell.char_start:cell.char_end]
            if "%" not in body or "/" not in body:
                continue
            percentages, fractions = find_percentages(body), find_fractions(body)
            if len(percentages) != 1 or len(fractions) != 1:
                continue
            pct, fraction = percentages[0], fractions[0]
            computed = Decimal(str(fraction.numerator)) * 100 / Decimal(str(fraction.denominator))
            written = Decimal(str(pct.value))
            if abs(computed - written) <= _half_unit(pct.text) + SHARE_SLACK:
                continue
            findings.append(Finding(
                "arithmetic", "warning",
                f"The cell gives {pct.text.strip()} but its own fraction {fraction.text} is "
                f"{fmt_number(computed, 1)}%.",
                [(cell.char_start + pct.start, cell.char_start + pct.end),
                 (cell.char_start + fraction.start, cell.char_start + fraction.end)]))
    return findings


def table_findings(tables: Iterable[Table], text: str, records: dict) -> list[Finding]:
    tables = list(tables)
    if not tables:
        return []
    return [*check_table_shares(tables, text),
            *check_declared_against_table(tables, text, records.get("counts") or [], records.get("criteria") or []),
            *check_cell_rates(tables, text)]
