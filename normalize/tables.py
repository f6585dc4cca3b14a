"""Tables written in the text itself: pipe tables (markdown, or rows of cells joined by "|").

    | TT | Tên tiêu chí | Kết quả |
    |----|--------------|---------|
    | 1  | Quy hoạch    | Đạt     |

A run of at least two consecutive lines that each hold a "|" between cells is
one table; a separator line of dashes marks the lines above it as header rows
and is not a row. Each cell is the span of its text between the bars, trimmed,
so `text[cell.char_start:cell.char_end]` is the cell as written.
"""
from __future__ import annotations

import bisect
from typing import Callable

import regex

from normalize.document import Table, TableCell, trimmed_span

_SEPARATOR = regex.compile(r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
_BAR = "|"
_MIN_ROWS = 2


def line_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each line of `text`, line breaks excluded."""
    spans, position = [], 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _cells(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """(start, end) of each cell of the line text[start:end], outer bars dropped, trimmed."""
    line = text[start:end]
    left, right = 0, len(line)
    stripped = line.strip()
    if stripped.startswith(_BAR):  # outer bars come in pairs: "a | b |" ends with an empty cell
        left = line.index(_BAR) + 1
        if stripped.endswith(_BAR) and len(stripped) > 1:
            right = line.rindex(_BAR)
    spans = []
    position = left
    while True:
        bar = line.find(_BAR, position, right)
        a, b = trimmed_span(line, position, bar if bar >= 0 else right)
        spans.append((start + a, start + b))
        if bar < 0:
            return spans
        position = bar + 1


def _is_row(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return _BAR in line and len(line.strip()) > 1 and len(_cells(text, start, end)) >= 2


def find_text_tables(text: str) -> list[Table]:
    """Every pipe table in `text`, in order."""
    lines = line_spans(text)
    tables: list[Table] = []
    run: list[tuple[int, int]] = []
    header_rows = 0
    for start, end in [*lines, (len(text) + 1, len(text) + 1)]:
        if start <= len(text) and _SEPARATOR.fullmatch(text, start, end) and run and _BAR in text[start:end]:
            header_rows = len(run)
            continue
        if start <= len(text) and _is_row(text, start, end):
            run.append((start, end))
            continue
        if len(run) >= _MIN_ROWS:
            tables.append(_table(text, run, header_rows))
        run, header_rows = [], 0
    return tables


def _table(text: str, rows: list[tuple[int, int]], header_rows: int) -> Table:
    cells = []
    n_cols = 0
    for index, (start, end) in enumerate(rows):
        spans = _cells(text, start, end)
        n_cols = max(n_cols, len(spans))
        cells.extend(TableCell(index, col, a, b) for col, (a, b) in enumerate(spans))
    return Table(tuple(cells), len(rows), n_cols, header_rows, None, "pipe", rows[0][0], rows[-1][1])


def _row_texts(table: Table, row: int, text: str) -> list[str]:
    return [" ".join(text[c.char_start:c.char_end].split()) for c in table.rows()[row]]


MAX_EDGE_LINES = 3  # lines (running header or footer, page number) between a table and its page's edge


def _lines_between(text: str, start: int, end: int) -> int:
    return sum(1 for line in text[start:end].split("\n") if line.strip())


def _at_page_edges(previous: Table, table: Table, text: str) -> bool:
    """Does `previous` end its page and `table` start the next, with only page furniture between?"""
    page_break = text.find("\f", previous.char_end, table.char_start)
    return (page_break >= 0 and _lines_between(text, previous.char_end, page_break) <= MAX_EDGE_LINES
            and _lines_between(text, page_break + 1, table.char_start) <= MAX_EDGE_LINES)


def _looks_like_header(table: Table, text: str) -> bool:
    from gazetteer.tables import header_role  # noqa: PLC0415 - the header words are gazetteer data

    return sum(1 for cell in table.rows()[0] if header_role(text[cell.char_start:cell.char_end])) >= 2


def _joined(previous: Table, table: Table, text: str) -> Table | None:
    """`previous` continued by `table` as one table, when they have the same columns and `table`
    repeats `previous`'s header row (the repeated row is dropped) or starts straight with a body row
    of as many cells (not a header of its own); else None."""
    if previous.n_cols != table.n_cols or not table.n_rows or not previous.n_rows:
        return None
    first = _row_texts(table, 0, text)
    repeated = first == _row_texts(previous, 0, text)
    if not repeated and (len(first) != len(_row_texts(previous, previous.n_rows - 1, text))
                         or _looks_like_header(table, text)):
        return None
    skip = 1 if repeated else 0
    shift = previous.n_rows - skip
    cells = previous.cells + tuple(TableCell(c.row + shift, c.col, c.char_start, c.char_end, c.row_span, c.col_span)
                                   for c in table.cells if c.row >= skip)
    return Table(cells, previous.n_rows + table.n_rows - skip, previous.n_cols, previous.header_rows,
                 previous.page, previous.source, previous.char_start, table.char_end,
                 previous.pages + table.pages)


def _join_adjacent(tables: list[Table], text: str, belong: Callable[[Table, Table], bool]) -> list[Table]:
    """Each table joined to the one before it, as `_joined` says, where `belong(previous, table)`."""
    out: list[Table] = []
    for table in tables:
        joined = _joined(out[-1], table, text) if out and belong(out[-1], table) else None
        if joined is None:
            out.append(table)
        else:
            out[-1] = joined
    return out


def join_continued(tables: list[Table], text: str) -> list[Table]:
    """Tables of consecutive pages that are one table continued: the last table of a page and the
    first of the next, with only page furniture between them, joined as `_joined` says."""
    return _join_adjacent(tables, text, lambda previous, table: bool(
        previous.pages and table.pages and table.pages[0] == previous.pages[-1] + 1
        and _at_page_edges(previous, table, text)))


def join_split(tables: list[Table], text: str) -> list[Table]:
    """Tables an author split by hand (a Word table broken in two, with only blank lines or a page
    break between the parts), joined as `_joined` says. A table nested in another's cell is left
    alone."""
    return _join_adjacent(tables, text, lambda previous, table: (
        previous.char_end <= table.char_start and not text[previous.char_end:table.char_start].strip()))


# --- tables flattened to one cell per line ------------------------------------
# A table copied from a web page or a converter often arrives with each cell on its
# own line: cells separated by blank lines (a line holding only a no-break space is
# an empty cell), or by lines that hold only "|". Its header is a run of cells that
# are header words ("TT", "Tên tiêu chí", …); its rows start at a criterion number
# followed by a name, at a numbered item ("1.1. …", "2. …"), a group heading ("II. …")
# or a total ("Tổng cộng", "Cộng …"). A row that starts at a numbered item or a total
# fills the columns from the first content column on (the cells to its left are
# merged down from the row above).

_BLANK = regex.compile(r"[ \t]*")
_ITEM = regex.compile(r"\s*\d{1,2}(?:\.\d{1,2})*\.\s+\S.*", regex.DOTALL)
_NUMBER_ONLY = regex.compile(r"\s*\d{1,2}\s*")
_GROUP = regex.compile(r"\s*[IVX]{1,4}\.?(?:\s+\P{Ll}+)?\s*")
_HAS_LETTER = regex.compile(r"\p{L}")
MIN_HEADER_CELLS = 4
MIN_HEADER_ROLES = 3
MAX_CELL_CHARS = 400
DEFAULT_CONTENT_COLUMN = 2


def _cell_chunks(text: str, lines: list[tuple[int, int]], first: int, bars: bool) -> list[tuple[int, int]]:
    """Cells from line `first` on: between "|" lines, or between blank lines; stops where the form ends."""
    cells: list[tuple[int, int]] = []
    k = first
    if bars:
        start = None
        while k < len(lines):
            a, b = lines[k]
            if text[a:b].strip() == _BAR:
                cells.append(trimmed_span(text, start, lines[k - 1][1]) if start is not None else (a, a))
                start = None
            elif start is None:
                if cells and k > first and text[lines[k - 1][0]:lines[k - 1][1]].strip() != _BAR:
                    break
                start = a
            k += 1
        return cells
    while k < len(lines):
        a, b = lines[k]
        if a == b:  # an empty line separates cells; a line of blanks is an empty cell
            k += 1
            continue
        end = k
        while end + 1 < len(lines) and lines[end + 1][0] < lines[end + 1][1] and not (
                _BLANK.fullmatch(text, *lines[end + 1]) or _BLANK.fullmatch(text, *lines[end])):
            end += 1
        span = trimmed_span(text, a, lines[end][1])
        if span[1] - span[0] > MAX_CELL_CHARS:
            break
        cells.append(span if span[0] < span[1] else (a, a))
        k = end + 1
    return cells


def find_cell_line_tables(text: str) -> list[Table]:
    """Tables flattened to one cell per line (see above), in order."""
    from gazetteer.tables import header_role  # noqa: PLC0415 - the header words are gazetteer data

    lines = line_spans(text)
    tables: list[Table] = []
    k = 0
    while k < len(lines):
        a, b = lines[k]
        if b - a > 12 or header_role(text[a:b]) != "number" or (tables and a < tables[-1].char_end):
            k += 1
            continue
        bars = k + 1 < len(lines) and text[lines[k + 1][0]:lines[k + 1][1]].strip() == _BAR
        cells = _cell_chunks(text, lines, k, bars)
        table = _cell_line_table(text, cells, header_role)
        if table is not None:
            tables.append(table)
        k += 1
    return tables


def _cell_line_table(text: str, cells: list[tuple[int, int]], header_role) -> Table | None:
    header = 0
    roles: list[str | None] = []
    while header < len(cells) and cells[header][0] < cells[header][1]:
        written = text[cells[header][0]:cells[header][1]]
        if header and (_GROUP.fullmatch(written) or _NUMBER_ONLY.fullmatch(written) or _ITEM.match(written)
                       or not _HAS_LETTER.search(written)):
            break
        roles.append(header_role(written))
        header += 1
    if header < MIN_HEADER_CELLS or len({r for r in roles if r}) < MIN_HEADER_ROLES:
        return None
    n_cols = header
    content = roles.index("indicator") if "indicator" in roles else min(DEFAULT_CONTENT_COLUMN, n_cols - 1)
    rows: list[tuple[int, list[tuple[int, int]]]] = [(0, cells[:header])]
    body = cells[header:]
    from gazetteer.tables import is_total_label  # noqa: PLC0415

    for i, (a, b) in enumerate(body):
        written = text[a:b]
        following = text[body[i + 1][0]:body[i + 1][1]] if i + 1 < len(body) else ""
        if _NUMBER_ONLY.fullmatch(written) and _HAS_LETTER.search(following) and not _ITEM.match(following):
            rows.append((0, [(a, b)]))
        elif _GROUP.fullmatch(written) and written.strip():
            rows.append((0, [(a, b)]))
        elif _ITEM.match(written) or (written.strip() and is_total_label(written)):
            rows.append((content, [(a, b)]))
        elif len(rows) > 1:
            rows[-1][1].append((a, b))
        else:
            return None  # body text before any row: not this form
    if len(rows) < 3:
        return None
    out = []
    for index, (start_col, spans) in enumerate(rows):
        for offset, (a, b) in enumerate(spans):
            col = start_col + offset
            if col < n_cols:
                out.append(TableCell(index, col, a, b))
    last = max(b for _, spans in rows for _, b in spans)
    return Table(tuple(out), len(rows), n_cols, 1, None, "cell_lines", cells[0][0], last)


# --- norm tables flattened into text, one line per wrapped row ---------------
# An OCR'd or copied norm table with one column per region ("Chỉ tiêu theo vùng":
# Chỉ tiêu chung | TDMN | ĐB sông Hồng | …) arrives as wrapped lines: the indicator's
# words over several lines, its norms as a run of percentages at the end of one of
# them ("be tong hoa dat chuan theo 100% 100% 100% …"). Its header is found by its
# region words (two within a few lines); its value rows are the lines that hold a
# run of at least `MIN_REGION_VALUES` percentages. Each value row is one table row:
# column 0 the indicator number ("2.1.", merged down over the next line's values
# when they continue the same indicator), column 1 the words before the values, and
# one column per value in written order.

NORM_ROWS = "norm_rows"  # Table.source of this form: columns number, indicator, then one per region
MIN_REGION_VALUES = 3
HEADER_WINDOW_LINES = 4  # the lines over which the header's region words are looked for
MAX_HEADER_LINE_CHARS = 200  # a longer line is prose, not a header line
_REGION_VALUE = regex.compile(r"(?<![\d.,])\d{1,3}(?:,\d{1,2})?\s?%")
_NORM_INDICATOR = regex.compile(r"[ \t]*(\d{1,2}\.\d{1,2})\.?(?=\s)")
_ROMAN_HEADING = regex.compile(r"[ \t]*[IVX]{1,4}\s*\.")


def _region_headers(text: str, lines: list[tuple[int, int]]) -> list[int]:
    """Indexes of the last line of each region header (two or more region words within a few lines)."""
    from gazetteer.tables import region_header_words  # noqa: PLC0415 - the header words are gazetteer data

    found: list[set[str]] = [set() for _ in lines]
    starts = [a for a, _ in lines]
    for offset, word in region_header_words(text):
        k = bisect.bisect_right(starts, offset) - 1
        if lines[k][1] - lines[k][0] < MAX_HEADER_LINE_CHARS:
            found[k].add(word)
    ends = []
    k = 0
    while k < len(lines):
        if not found[k]:
            k += 1
            continue
        window = range(k, min(len(lines), k + HEADER_WINDOW_LINES))
        words = set().union(*(found[j] for j in window))
        if len(words) >= 2:
            last = max(j for j in window if found[j])
            ends.append(last)
            k = last + 1
        else:
            k += 1
    return ends


def find_norm_row_tables(text: str) -> list[Table]:
    """Region norm tables flattened into wrapped lines (see above), in order."""
    lines = line_spans(text)
    headers = _region_headers(text, lines)
    tables = []
    for n, header in enumerate(headers):
        stop = headers[n + 1] if n + 1 < len(headers) else len(lines)
        table = _norm_row_table(text, lines, header + 1, stop)
        if table is not None:
            tables.append(table)
    return tables


def _norm_row_table(text: str, lines: list[tuple[int, int]], first: int, stop: int) -> Table | None:
    cells: list[TableCell] = []
    row = 0
    label_start: int | None = None  # where the words of the current indicator begin
    number: list | None = None  # [row, start, end] of the current indicator's number cell
    previous_value_line = None
    for k in range(first, stop):
        a, b = lines[k]
        if _ROMAN_HEADING.match(text, a, b) and row:
            break  # the next part of the document
        m = _NORM_INDICATOR.match(text, a, b)
        if m:
            if number is not None:
                cells.append(TableCell(number[0], 0, number[1], number[2], row - number[0], 1))
            number = [row, m.start(1), m.end(1)]
            label_start = m.end()
        values = list(_REGION_VALUE.finditer(text, a, b))
        if len(values) < MIN_REGION_VALUES:
            if label_start is None and not m:
                label_start = a
            continue
        if not m and number is not None and row > number[0] and previous_value_line != k - 1:
            cells.append(TableCell(number[0], 0, number[1], number[2], row - number[0], 1))
            number = None  # values that do not continue the indicator above: a row of its own
        start = label_start if label_start is not None else a
        label = trimmed_span(text, start, values[0].start())
        if label[0] < label[1]:
            cells.append(TableCell(row, 1, *label))
        cells.extend(TableCell(row, 2 + i, v.start(), v.end()) for i, v in enumerate(values))
        row += 1
        previous_value_line = k
        label_start = None
    if number is not None and row > number[0]:
        cells.append(TableCell(number[0], 0, number[1], number[2], row - number[0], 1))
    if row < 2:
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    n_cols = max(c.col + c.col_span for c in cells)
    return Table(tuple(cells), row, n_cols, 0, None, NORM_ROWS, min(c.char_start for c in cells),
                 max(c.char_end for c in cells))
