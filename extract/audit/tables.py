"""The audit over tables: shares that do not follow from their amounts, a count in the prose that
the table contradicts, a percentage cell that differs from its own fraction.

(A Tổng cộng row whose parts do not add up is found by the funding sums check,
since the table's amounts are funding rows with their total as parent.)
Each check is a pure function of the tables, the text and the records.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Iterable

import regex

from extract.audit.basis import basis_after
from extract.audit.common import fmt_number
from extract.audit.messages import make_finding
from extract.component import Check
from extract.numbers import find_percentages, parse_vn_decimal
from extract.records import CountClaim, CriterionMention, Finding
from extract.tables import cell_fractions, in_tables, money_rows, read_tables
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
            findings.append(make_finding(
                "table_share",
                [(cell.char_start, cell.char_end), (part.cell.char_start, part.cell.char_end),
                 (total.cell.char_start, total.cell.char_end)],
                share=written, label=part.label, amount=text[part.cell.char_start:part.cell.char_end],
                total=text[total.cell.char_start:total.cell.char_end], computed=fmt_number(computed, 1)))
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
        findings.append(make_finding(
            "table_declared_met" if count.status == "met" else "table_declared_unmet",
            [(count.start, count.end)] + [(r.start, r.end) for r in same[:1]],
            quote=text[count.start:count.end], declared=count.value, found=len(same), covered=len(covered)))
    return findings


def _rate_pairs(table: Table, text: str):
    """(percentage cell, percentage, fraction cell, fraction): one of each in a cell ("85% (170/210)"),
    or a cell with one percentage followed in its row by a cell with only its fraction ("91,2%" | "118,3/130")."""
    for row in table.rows():
        found = []
        for cell in row:
            body = text[cell.char_start:cell.char_end]
            found.append((cell, find_percentages(body) if "%" in body else [], cell_fractions(body) if "/" in body else []))
        for k, (cell, percentages, fractions) in enumerate(found):
            if len(percentages) != 1:
                continue
            if len(fractions) == 1:
                yield cell, percentages[0], cell, fractions[0]
            elif not fractions and k + 1 < len(found):
                after, after_pcts, after_fractions = found[k + 1]
                if not after_pcts and len(after_fractions) == 1:
                    yield cell, percentages[0], after, after_fractions[0]


def check_cell_rates(tables: Iterable[Table], text: str, read_elsewhere=frozenset()) -> list[Finding]:
    """A percentage cell that disagrees with the fraction it is computed from, in its cell or the next;
    a pair in `read_elsewhere` (offsets of the percentage and of its fraction) is another check's."""
    findings = []
    for table in tables:
        for cell, pct, fraction_cell, fraction in _rate_pairs(table, text):
            if (cell.char_start + pct.start, fraction_cell.char_start + fraction.start) in read_elsewhere:
                continue
            computed = Decimal(str(fraction.numerator)) * 100 / Decimal(str(fraction.denominator))
            written = Decimal(str(pct.value))
            if abs(computed - written) <= _half_unit(pct.text) + SHARE_SLACK:
                continue
            findings.append(make_finding(
                "table_cell_rate",
                [(cell.char_start + pct.start, cell.char_start + pct.end),
                 (fraction_cell.char_start + fraction.start, fraction_cell.char_start + fraction.end)],
                rate=pct.text.strip(), fraction=fraction.text, computed=fmt_number(computed, 1)))
    return findings


_NAMED_PARTS = regex.compile(r"\(\s*(\d{1,2}(?:\s*\+\s*\d{1,2})+)\s*\)")
_TOP_ITEM = regex.compile(r"\s*(\d{1,2})\.\s")
_NUMBER_CELL = regex.compile(r"\s*\d+(?:[.,]\d+)*\s*")


def check_named_parts(tables: Iterable[Table], text: str) -> list[Finding]:
    """A total row that names the items it adds up, "Cộng tiêu chí 1 (1 + 2 + 3 + 4)", whose value is not
    the sum of those items' values in the same column."""
    findings = []
    for table in tables:
        rows = table.rows()
        for row in rows:
            label = next((c for c in row if _NAMED_PARTS.search(text[c.char_start:c.char_end])), None)
            if label is None:
                continue
            named = [int(n) for n in regex.findall(r"\d+", _NAMED_PARTS.search(text[label.char_start:label.char_end]).group(1))]
            value_cell = next((c for c in row if c.col > label.col and _NUMBER_CELL.fullmatch(text[c.char_start:c.char_end])), None)
            if value_cell is None:
                continue
            items: dict[int, tuple] = {}
            for other in rows:
                item = next((c for c in other if c.col == label.col), None)
                m = _TOP_ITEM.match(text[item.char_start:item.char_end]) if item is not None else None
                value = table.cell_at(other[0].row, value_cell.col) if m else None
                if m and value is not None and _NUMBER_CELL.fullmatch(text[value.char_start:value.char_end]):
                    items.setdefault(int(m.group(1)), (item, parse_vn_decimal(text[value.char_start:value.char_end].strip())))
            if not all(n in items for n in named):
                continue
            total = parse_vn_decimal(text[value_cell.char_start:value_cell.char_end].strip())
            summed = sum(items[n][1] for n in named)
            if total is None or summed == total:
                continue
            left_out = [n for n in sorted(items) if n not in named]
            everything = sum(v for _, v in items.values())
            extra = {"left_out": ", ".join(map(str, left_out)), "everything": fmt_number(everything)} if left_out else {}
            findings.append(make_finding(
                "table_named_parts_left_out" if left_out else "table_named_parts",
                [(label.char_start, label.char_end), (value_cell.char_start, value_cell.char_end)],
                label=text[label.char_start:label.char_end], named=" + ".join(map(str, named)),
                summed=fmt_number(summed), total=text[value_cell.char_start:value_cell.char_end], **extra))
    return findings


def table_findings(tables: Iterable[Table], text: str, records: dict, read_elsewhere=frozenset()) -> list[Finding]:
    tables = list(tables)
    if not tables:
        return []
    return [*check_table_shares(tables, text),
            *check_declared_against_table(tables, text, records.get("counts") or [], records.get("criteria") or []),
            *check_cell_rates(tables, text, read_elsewhere),
            *check_named_parts(tables, text)]


def check_tables(prep, records: dict) -> list[Finding]:
    """The table checks. A rate cell followed by its basis is left to `percent_basis`, which reads it
    in the text (a fraction in the same cell, or in the next cell within its reach)."""
    if not prep.tables:
        return []
    bases = ((pct.start, basis_after(prep, pct)) for pct in prep.percentages if in_tables(prep.tables, pct.start, pct.end))
    return table_findings(prep.tables, prep.text, records,
                          frozenset((start, basis[0]) for start, basis in bases if basis is not None))


CHECKS = (
    Check("tables", check_tables, severities=("warning", "info"), requires=("tables", "counts", "criteria"),
          kind="arithmetic"),
)
