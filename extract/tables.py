"""Records read from tables: criteria with their status, indicators, money by source, counts, the header block.

Every function here is pure: tables and the normalized text in, records out,
each record's span a cell of the table (so `quote == text[start:end]`). The
meaning of a column comes from its header words (`gazetteer/tables.py`); the
meaning of a row from its number cell ("2" a criterion, "2.1" one of its
indicators, "II" a group heading) and its label ("Tổng cộng" a total).

`period_for(status, offset)` is the caller's answer to "which period does a
statement at this offset refer to", so that tables follow the same time
reference as the prose around them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Callable, Iterable

import regex

from extract.dates import find_periods, parse_issued_line
from extract.numbers import (FractionMatch, find_comparator, find_fractions, find_percentages, parse_vn_decimal,
                             parse_vnd_amount)
from extract.records import CountClaim, CriterionMention, FundingAmount, IndicatorValue
from gazetteer.cues import folded
from gazetteer.criteria import canonical_name, criteria_sets, name_scores, number_for_name
from gazetteer.tables import cell_status, header_role, is_mark, is_total_label, money_unit
from normalize.document import Table, TableCell
from normalize.tables import NORM_ROWS

PeriodFor = Callable[[str | None, int], str | None]

# Shapes of a row's number cell (formats, not words).
_CRITERION_NO = regex.compile(r"\s*(\d{1,2})\s*\.?\s*")
_INDICATOR_NO = regex.compile(r"\s*(\d{1,2}\.\d{1,2})(?:\.\d{1,2})*\.?(?!\d)")
_GROUP_NO = regex.compile(r"\s*(?:[IVXL]{1,5}|\p{Lu})\s*[.:)]?(?:\s+\S.*)?", regex.DOTALL)
_COLUMN_NO = regex.compile(r"\s*\(?\s*\d{1,2}\s*\)?\s*")
MAX_HEADER_ROWS = 3
MIN_CRITERIA_ROWS = 3  # fewer criterion rows make a table about something else
MIN_TABLE_STATUSES = 1
STATUS_COLUMNS = ("assessment", "marks", "result")  # where a row's status is read, in this order


@dataclass
class Row:
    """A body row: its cells by column, what its number cell says, the criterion it belongs to."""

    index: int
    cells: dict[int, TableCell]
    kind: str = "body"  # body | group | total
    criterion_no: int | None = None
    indicator_id: str | None = None


@dataclass
class TableView:
    """A table with its columns' roles understood and its body rows classified."""

    table: Table
    text: str
    roles: dict[int, str] = field(default_factory=dict)  # column -> role
    units: dict[int, int] = field(default_factory=dict)  # amount column -> đồng per unit
    regions: dict[int, str] = field(default_factory=dict)  # region column -> its header as written
    header_rows: int = 0
    rows: list[Row] = field(default_factory=list)
    at: dict[tuple[int, int], TableCell] = field(default_factory=dict)  # every grid position a cell covers
    _caption_period: tuple[str | None] | None = None
    _columns: dict[tuple[str, ...], tuple[int, ...]] = field(default_factory=dict, repr=False, compare=False)

    def cell_text(self, cell: TableCell | None) -> str:
        return "" if cell is None else self.text[cell.char_start:cell.char_end]

    def columns(self, *roles: str) -> tuple[int, ...]:
        """The columns of any of `roles`, left to right; asked for each row, so kept once found (the
        roles are all known before the rows are classified, and never change after)."""
        found = self._columns.get(roles)
        if found is None:
            found = self._columns[roles] = tuple(sorted(c for c, r in self.roles.items() if r in roles))
        return found

    def cell_at(self, row: int, col: int) -> TableCell | None:
        """The cell covering grid position (row, col), merged cells included."""
        return self.at.get((row, col))

    def cell(self, row: Row, role: str) -> TableCell | None:
        """The row's cell in the first column of `role` (a cell merged from above counts)."""
        for col in self.columns(role):
            cell = self.at.get((row.index, col))
            if cell is not None:
                return cell
        return None

    @property
    def caption(self) -> tuple[int, int] | None:
        """The last non-blank line before the table: the heading that introduces it."""
        end = self.text.rfind("\n", 0, self.table.char_start)
        while end > 0:
            start = self.text.rfind("\n", 0, end) + 1
            line = self.text[start:end].strip()
            if line:
                offset = self.text.index(line, start)
                return offset, offset + len(line)
            end = start - 1
        return None

    def caption_period(self) -> str | None:
        """The one year the caption names ("Kết quả thực hiện … năm 2023"), else None."""
        if self._caption_period is None:
            caption = self.caption
            years = {p.period[:4] for p in find_periods(self.text[caption[0]:caption[1]])
                     if p.period and getattr(p, "kind", "single") != "range"} if caption else set()
            self._caption_period = (years.pop() if len(years) == 1 else None,)
        return self._caption_period[0]


# ---------------------------------------------------------------- reading


def _is_header_row(view: TableView, cells: list[TableCell]) -> bool:
    texts = [view.cell_text(c) for c in cells if view.cell_text(c).strip()]
    if not texts:
        return False
    if all(_COLUMN_NO.fullmatch(t) for t in texts) and len(texts) >= 3:
        return True  # the "(1) (2) (3)" row that numbers the columns
    first = texts[0]
    if _CRITERION_NO.fullmatch(first) or _INDICATOR_NO.match(first):
        return False
    recognised = sum(1 for t in texts if header_role(t))
    return recognised >= max(1, (len(texts) + 1) // 2)


def read_table(table: Table, text: str) -> TableView:
    """Column roles from the header rows, then the body rows classified."""
    view = TableView(table, text)
    for cell in table.cells:
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                view.at.setdefault((r, c), cell)
    grid = table.rows()
    if table.source == NORM_ROWS:  # a flattened region norm table: its columns are known by their place
        view.roles = {col: "number" if col == 0 else "indicator" if col == 1 else "region" for col in range(table.n_cols)}
        _classify_rows(view, grid)
        return view
    header_rows = table.header_rows
    while header_rows < min(MAX_HEADER_ROWS, table.n_rows - 1) and _is_header_row(view, grid[header_rows]):
        header_rows += 1
    view.header_rows = header_rows
    for col in range(table.n_cols):
        covering = []
        for r in range(header_rows):
            cell = view.cell_at(r, col)
            if cell is not None and (not covering or covering[-1] is not cell):
                covering.append(cell)
        for cell in reversed(covering):  # the lowest header cell that names a role decides
            role = header_role(view.cell_text(cell))
            if role:
                view.roles[col] = role
                if role == "region":
                    view.regions[col] = " ".join(view.cell_text(cell).split())
                break
        for cell in covering:
            unit = money_unit(view.cell_text(cell))
            if unit:
                view.units[col] = unit
    # A column of region norms under a "Chỉ tiêu chung" column is a threshold too.
    for col in view.regions:
        view.roles[col] = "region"
    _classify_rows(view, grid)
    if "number" not in view.roles.values() and view.columns("criterion"):
        _numbers_from_names(view)
    return view


def _numbers_from_names(view: TableView) -> None:
    """A table without a number column: each body row's criterion from its name, in the set whose
    criteria the most names resolve to (the first listed on a tie)."""
    rows = [(row, view.cell_text(view.cell(row, "criterion")).strip()) for row in view.rows if row.kind == "body"]
    rows = [(row, name) for row, name in rows if name]
    best: tuple[int, dict] | None = None
    for set_id in criteria_sets():
        numbers = {id(row): number_for_name(set_id, name) for row, name in rows}
        resolved = sum(1 for n in numbers.values() if n is not None)
        if resolved and (best is None or resolved > best[0]):
            best = (resolved, numbers)
    if best is None:
        return
    for row, _ in rows:
        row.criterion_no = best[1][id(row)]


def _classify_rows(view: TableView, grid: list[list[TableCell]]) -> None:
    number_cols = view.columns("number") or ([] if 0 in view.roles else [0])  # no number column: a name first
    label_cols = view.columns("criterion", "indicator", "source") or [1]
    current: int | None = None
    for index in range(view.header_rows, view.table.n_rows):
        cells = {c.col: c for c in grid[index]}
        row = Row(index, cells)
        number_cell = view.cell_at(index, number_cols[0]) if number_cols else None
        number = view.cell_text(number_cell).strip()
        labels = [view.cell_text(view.cell_at(index, c)) for c in label_cols]
        criterion = _CRITERION_NO.fullmatch(number)
        if any(is_total_label(t) for t in [number, *labels] if t):
            row.kind = "total"
            current = None
        elif number and not criterion and _GROUP_NO.fullmatch(number):
            row.kind = "group"
            current = None
        elif (sum(1 for c in grid[index] if view.cell_text(c).strip()) == 1
              and any(c.col_span * 2 >= view.table.n_cols for c in grid[index])):
            row.kind = "group"
        else:
            indicator = _INDICATOR_NO.match(number) or next(
                (m for m in (_INDICATOR_NO.match(t) for t in labels if t) if m), None)
            if criterion:  # a row's own number, or one merged from above, names its criterion
                current = int(criterion.group(1))
            if indicator:
                row.indicator_id = indicator.group(1)
                head = int(row.indicator_id.split(".")[0])
                if current is None or current != head:
                    current = head
            row.criterion_no = current
        view.rows.append(row)


def read_tables(tables: Iterable[Table], text: str) -> list[TableView]:
    """The views of a document's tables (read once: every extractor and check asks for them)."""
    return list(_read_tables(tuple(tables), text))


@lru_cache(maxsize=4)
def _read_tables(tables: tuple[Table, ...], text: str) -> tuple[TableView, ...]:
    return tuple(read_table(t, text) for t in tables if t.n_rows >= 2 and t.n_cols >= 2)


# ---------------------------------------------------------------- status


def row_status(view: TableView, row: Row) -> tuple[str, TableCell] | None:
    """(status, the cell that says it) of a row: its assessment, its marks, else its result."""
    for source in STATUS_COLUMNS:
        if source == "marks":
            for role, status in (("unmet_mark", "unmet"), ("met_mark", "met")):
                for col in view.columns(role):
                    cell = view.cell_at(row.index, col)
                    if cell is not None and is_mark(view.cell_text(cell)):
                        return status, cell
            continue
        cell = view.cell(row, source)
        if cell is not None:
            status = cell_status(view.cell_text(cell))
            if status:
                return status, cell
    return None


def _level(set_id: str | None) -> str | None:
    cset = criteria_sets().get(set_id) if set_id else None
    return cset.level if cset else None


def _name_cell(view: TableView, row: Row) -> TableCell | None:
    cell = view.cell(row, "criterion")
    if cell is None or not view.cell_text(cell).strip():
        cell = view.cell(row, "indicator")
    return cell


@lru_cache(maxsize=4096)
def _name_scores(number: int, name: str) -> dict[str, float]:
    return name_scores(number, name)


def table_criteria_set(views: list[TableView], fallback: str | None) -> str | None:
    """The document's set; without one, the set whose names fit the criterion names written in the tables best."""
    if fallback:
        return fallback
    totals: dict[str, float] = {}
    for view in views:
        seen = set()
        for row in view.rows:
            if row.criterion_no is None or row.criterion_no in seen or row.kind != "body":
                continue
            name = view.cell_text(view.cell(row, "criterion"))
            if not name.strip():
                continue
            seen.add(row.criterion_no)
            for set_id, score in _name_scores(row.criterion_no, name).items():
                totals[set_id] = totals.get(set_id, 0.0) + score
    if not totals:
        return None
    best = max(totals.values())
    return min(s for s, v in totals.items() if v == best)


def _criteria_rows(view: TableView) -> dict[int, list[Row]]:
    by_number: dict[int, list[Row]] = {}
    for row in view.rows:
        if row.kind == "body" and row.criterion_no is not None and 1 <= row.criterion_no <= 19:
            by_number.setdefault(row.criterion_no, []).append(row)
    return by_number


def is_criteria_table(view: TableView) -> bool:
    has_status = any(r in view.roles.values() for r in ("assessment", "met_mark", "unmet_mark", "result"))
    return has_status and len(_criteria_rows(view)) >= MIN_CRITERIA_ROWS


def _table_period(view: TableView, period_for: PeriodFor):
    """The period a table's statements of a status refer to: asked once per table and status."""
    memo: dict[str | None, str | None] = {}

    def period(status: str | None) -> str | None:
        if status not in memo:
            memo[status] = period_for(status, view.table.char_start)
        return memo[status]
    return period


def criteria_from_tables(tables: Iterable[Table], text: str, criteria_set: str | None,
                         period_for: PeriodFor) -> list[CriterionMention]:
    """One row per criterion of a criteria table, its status from its rows: unmet when any of
    its indicators is unmet, a target ("Phấn đấu đạt năm 2025", due that year) when none is
    unmet and one is a target, met when every stated row is met."""
    views = [v for v in read_tables(tables, text) if is_criteria_table(v)]
    set_id = table_criteria_set(views, criteria_set)
    out: list[CriterionMention] = []
    for view in views:
        caption = view.caption
        label = text[caption[0]:caption[1]] if caption else None
        table_period = _table_period(view, period_for)
        for number, rows in _criteria_rows(view).items():
            statuses = [s for s in (row_status(view, r) for r in rows) if s]
            if len(statuses) < MIN_TABLE_STATUSES:
                continue
            kinds = [s for s, _ in statuses]
            status = "unmet" if "unmet" in kinds else "target" if "target" in kinds else "met"
            evidence = next(cell for s, cell in statuses if s == status)
            name_cell = _name_cell(view, rows[0]) or evidence
            name = view.cell_text(name_cell).strip() or None
            if status == "target":
                years = [p.period for p in find_periods(view.cell_text(evidence)) if p.period]
                period = years[0][:4] if years else table_period(status)
            else:
                period = view.caption_period() or table_period(status)
            canonical = None
            if set_id and number in criteria_sets()[set_id].criteria:
                canonical = canonical_name(set_id, number)
            out.append(CriterionMention(
                name_cell.char_start, name_cell.char_end, "table_criteria_row", criterion_no=number,
                name_as_written=name, canonical_name=canonical, criteria_set=set_id, level=_level(set_id),
                status=status, period=period, list_label=label))
    return out


# ---------------------------------------------------------------- indicators

# A cell that is only a quotient of two measures, "118,3/130", "(11,7km/11,7km)".
_QUOTIENT = regex.compile(r"\(?\s*(?P<n>\d+(?:[.,]\d+)*)\s*\p{L}{0,3}\s*/\s*(?P<d>\d+(?:[.,]\d+)*)\s*\p{L}{0,3}\s*\)?")


def cell_fractions(body: str) -> list[FractionMatch]:
    """The written fractions of a cell; a cell that is only a quotient of measures counts as one."""
    found = find_fractions(body)
    if found:
        return found
    m = _QUOTIENT.fullmatch(body)
    n, d = (parse_vn_decimal(m["n"]), parse_vn_decimal(m["d"])) if m else (None, None)
    if n is None or not d:
        return []
    return [FractionMatch(m.start("n"), m.end("d"), float(n), float(d), m.group(0).strip())]




def _subject(view: TableView, row: Row) -> str | None:
    cell = view.cell(row, "indicator") or view.cell(row, "criterion")
    subject = view.cell_text(cell).strip()
    m = _INDICATOR_NO.match(subject)
    if m:
        subject = subject[m.end():].strip(" .:")
    return subject or None


def indicators_from_tables(tables: Iterable[Table], text: str, period_for: PeriodFor) -> list[IndicatorValue]:
    """A rate per norm cell (role threshold; a plain norm is a minimum, comparator ge) and per
    result cell (role actual), with the row's indicator id and criterion."""
    out: list[IndicatorValue] = []
    for view in read_tables(tables, text):
        columns = [(c, "threshold") for c in view.columns("threshold", "region")]
        columns += [(c, "actual") for c in view.columns("result")]
        if not columns:
            continue
        table_period = _table_period(view, period_for)
        for row in view.rows:
            if row.kind != "body":
                continue
            for col, role in columns:
                cell = row.cells.get(col)
                if cell is None:
                    continue
                out.extend(_cell_rates(view, row, cell, role, table_period, row.cells.get(col + 1)))
    return out


def _cell_rates(view: TableView, row: Row, cell: TableCell, role: str, period: Callable[[str | None], str | None],
                next_cell: TableCell | None = None) -> list[IndicatorValue]:
    """The rates of a cell; a lone rate takes its fraction from the cell or, when that holds only
    the fraction, from the next cell of the row ("91,2%" | "118,3/130")."""
    body = view.cell_text(cell)
    found = []
    percentages = find_percentages(body)
    fractions = cell_fractions(body)
    if not fractions and len(percentages) == 1 and next_cell is not None:
        after = view.cell_text(next_cell)
        if not find_percentages(after):
            fractions = cell_fractions(after)
    for pct in percentages:
        comparator = find_comparator(body, pct) or ("ge" if role == "threshold" else "eq")
        fraction = fractions[0] if len(percentages) == 1 and len(fractions) == 1 else None
        end = cell.char_start + (fraction.end if fraction and fraction.start > pct.end and fraction.end <= len(body)
                                 else pct.end)
        found.append(IndicatorValue(
            cell.char_start + pct.start, end, f"table_{role}_cell", indicator_id=row.indicator_id,
            criterion_no=row.criterion_no, subject=_subject(view, row), value=float(pct.value), unit="%",
            numerator=fraction.numerator if fraction else None,
            denominator=fraction.denominator if fraction else None,
            comparator=comparator, role=role, period=period(None)))
    return found


# ---------------------------------------------------------------- money


@dataclass
class MoneyRow:
    row: Row
    cell: TableCell
    amount_vnd: int
    value: Decimal
    label: str
    share: tuple[TableCell, Decimal] | None = None


def money_rows(view: TableView) -> tuple[MoneyRow | None, list[MoneyRow]]:
    """(the Tổng cộng row, the rows it sums) of a money table: amounts with the header's unit."""
    amount_cols = view.columns("amount")
    if not amount_cols:
        return None, []
    col = amount_cols[0]
    unit = view.units.get(col)
    share_col = next(iter(view.columns("share")), None)
    total, parts = None, []
    for row in view.rows:
        if row.kind == "group":
            continue
        cell = row.cells.get(col) or view.cell_at(row.index, col)
        if cell is None or cell.row != row.index:
            continue
        written = view.cell_text(cell).strip()
        value = parse_vn_decimal(written) if unit else None
        if unit and value is not None:
            amount = int(value * unit)
        else:
            amount = parse_vnd_amount(written) if written else None
            value = Decimal(amount) if amount is not None else None
        if amount is None or value is None:
            continue
        label_cell = view.cell(row, "source") or view.cell(row, "indicator") or view.cell(row, "criterion")
        label = view.cell_text(label_cell).strip() if label_cell is not None and label_cell.row == row.index else ""
        share = None
        if share_col is not None:
            share_cell = view.cell_at(row.index, share_col)
            share_value = parse_vn_decimal(view.cell_text(share_cell).strip().rstrip("%").strip()) if share_cell else None
            if share_value is not None:
                share = (share_cell, share_value)
        money = MoneyRow(row, cell, amount, value, label, share)
        if row.kind == "total" and total is None:
            total = money
        elif row.kind != "total":
            parts.append(money)
    return total, parts


def funding_from_tables(tables: Iterable[Table], text: str, period_for: PeriodFor,
                        source_of: Callable[[str], str | None]) -> list[FundingAmount]:
    """An amount per row of a money table, in đồng with the unit its header names; the Tổng cộng
    row is the total and the other rows its components. `source_of` maps a row's label to a source."""
    out: list[FundingAmount] = []
    for view in read_tables(tables, text):
        total, parts = money_rows(view)
        if not parts and total is None:
            continue
        period = _table_period(view, period_for)(None)
        parent = None
        if total is not None:
            parent = total.cell.char_start
            out.append(FundingAmount(total.cell.char_start, total.cell.char_end, "table_total_row",
                                     amount_vnd=total.amount_vnd, amount_text=view.cell_text(total.cell),
                                     role="total", source=None, purpose=total.label or None,
                                     period=period))
        for part in parts:
            out.append(FundingAmount(part.cell.char_start, part.cell.char_end, "table_amount_row",
                                     amount_vnd=part.amount_vnd, amount_text=view.cell_text(part.cell),
                                     role="component" if parent is not None else "total",
                                     source=source_of(part.label) if part.label else None,
                                     purpose=part.label or None, parent_start=parent,
                                     period=period))
    return out


# ---------------------------------------------------------------- counts


def counts_from_tables(tables: Iterable[Table], text: str, period_for: PeriodFor) -> list[CountClaim]:
    """The Tổng số row of a criteria table with Đạt / Chưa đạt columns: how many criteria each counts."""
    out: list[CountClaim] = []
    for view in read_tables(tables, text):
        if not is_criteria_table(view):
            continue
        table_period = _table_period(view, period_for)
        for row in view.rows:
            if row.kind != "total":
                continue
            for role, status in (("met_mark", "met"), ("unmet_mark", "unmet")):
                for col in view.columns(role):
                    cell = row.cells.get(col)
                    written = view.cell_text(cell).strip() if cell else ""
                    if not written.isdigit():
                        continue
                    out.append(CountClaim(cell.char_start, cell.char_end, "table_total_row", kind="met_total",
                                          value=int(written), total=None, unit="tieu_chi", status=status,
                                          period=table_period(status)))
    return out


# ---------------------------------------------------------------- header block

HEADER_BLOCK_CHARS = 600  # the header block table starts within this many characters


@dataclass
class HeaderBlock:
    """What the two-column header table of a document says, each field with its span."""

    doc_number: tuple[str, int, int] | None = None
    issued_date: str | None = None
    place: str | None = None
    issuer: str | None = None


def header_block(tables: Iterable[Table], text: str, number_pattern: "regex.Pattern[str]") -> HeaderBlock | None:
    """The header block laid out as a table: issuer and "Số: …" on the left, "Place, ngày …" on the
    right. `number_pattern` reads a "Số: …" cell (group `n`)."""
    for table in tables:
        if table.char_start > HEADER_BLOCK_CHARS:
            return None
        if table.n_cols != 2:
            continue
        block = HeaderBlock()
        for cell in table.cells:
            written = text[cell.char_start:cell.char_end]
            m = number_pattern.match(written)
            if m and "/" in m.group("n") and block.doc_number is None:
                block.doc_number = (m.group("n"), cell.char_start + m.start("n"), cell.char_start + m.end("n"))
            parsed = parse_issued_line(written)
            if parsed and block.issued_date is None:
                block.issued_date, block.place = parsed
            if cell.row == 0 and cell.col == 0 and written.strip():
                block.issuer = " ".join(written.split())
        if block.doc_number or block.issued_date:
            return block
    return None


def in_tables(tables: Iterable[Table], start: int, end: int) -> bool:
    return any(t.char_start <= start and end <= t.char_end for t in tables)


def signature_block(tables: Iterable[Table], text: str, titles: list[str],
                    person: "regex.Pattern[str]") -> tuple[str | None, str | None]:
    """(signer, title) of a signature block laid out as the last cell of the document's last table:
    "TM. ỦY BAN NHÂN DÂN CHỦ TỊCH Nguyễn Văn An" — the name after the last title word."""
    tables = list(tables)
    if not tables or tables[-1].char_end < len(text.rstrip()) - HEADER_BLOCK_CHARS:
        return None, None
    last = max(tables[-1].cells, key=lambda c: (c.row, c.col))
    written = text[last.char_start:last.char_end]
    key = folded(written)
    best = None
    for title in titles:
        for m in regex.finditer(rf"(?<![\p{{L}}]){regex.escape(folded(title))}(?![\p{{L}}])", key):
            if best is None or m.end() > best[1]:
                best = (title, m.end())
    if best is None:
        return None, None
    name = written[best[1]:].strip()
    return (name, best[0]) if person.match(name) and not name.isupper() else (None, None)


def merge_table_records(prep, records: dict[str, list]) -> dict[str, list]:
    """Records read from the document's tables join each table's list; what the line-based
    components read from the same cells gives way to them; the document's own number is not a citation."""
    from extract.funding import source_of_label

    tables, text = prep.tables, prep.text
    periods: dict[tuple[str | None, int], str | None] = {}

    def period_for(status: str | None, offset: int) -> str | None:
        if (status, offset) not in periods:
            periods[status, offset] = prep.resolve_period(offset, status)
        return periods[status, offset]

    found = {
        "criteria": criteria_from_tables(tables, text, prep.criteria_set, period_for),
        "indicators": indicators_from_tables(tables, text, period_for),
        "funding": funding_from_tables(tables, text, period_for, source_of_label),
        "counts": counts_from_tables(tables, text, period_for),
    }
    records = dict(records)
    for kind, rows in found.items():
        if not rows:
            continue
        if kind == "criteria":  # one row per criterion replaces whatever was read from the table's lines
            sources = [t for t in tables if any(t.char_start <= r.start and r.end <= t.char_end for r in rows)]
            kept = [r for r in records.get(kind, []) if not in_tables(sources, r.start, r.end)]
        else:  # a value read from a cell replaces the same value read from the cell's line
            kept = [r for r in records.get(kind, []) if not any(r.start < t.end and t.start < r.end for t in rows)]
        records[kind] = sorted(kept + rows, key=lambda r: r.start)
    own = prep.meta.doc_number
    if own and records.get("legal_refs"):
        records["legal_refs"] = [r for r in records["legal_refs"] if getattr(r, "ref_id", None) != own.strip()]
    return records
