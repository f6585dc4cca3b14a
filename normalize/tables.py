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

import regex

from normalize.document import Table, TableCell

_SEPARATOR = regex.compile(r"[ \t]*\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?[ \t]*")
_BAR = "|"
_MIN_ROWS = 2


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
        cell_end = bar if bar >= 0 else right
        a, b = position, cell_end
        while a < b and line[a].isspace():
            a += 1
        while b > a and line[b - 1].isspace():
            b -= 1
        spans.append((start + a, start + b))
        if bar < 0:
            return spans
        position = bar + 1


def _is_row(text: str, start: int, end: int) -> bool:
    line = text[start:end]
    return _BAR in line and len(line.strip()) > 1 and len(_cells(text, start, end)) >= 2


def find_text_tables(text: str) -> list[Table]:
    """Every pipe table in `text`, in order."""
    lines = []
    position = 0
    for line in text.split("\n"):
        lines.append((position, position + len(line)))
        position += len(line) + 1
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


def join_continued(tables: list[Table], text: str) -> list[Table]:
    """Tables of consecutive pages that are one table continued: the last table of a page and
    the first of the next with the same columns, where the second repeats the first's header
    row (the repeated row is dropped) or starts straight with a body row of as many cells."""
    out: list[Table] = []
    for table in tables:
        previous = out[-1] if out else None
        if (previous is None or not previous.pages or not table.pages or table.pages[0] != previous.pages[-1] + 1
                or previous.n_cols != table.n_cols or not table.n_rows or not previous.n_rows):
            out.append(table)
            continue
        first = _row_texts(table, 0, text)
        repeated = first == _row_texts(previous, 0, text)
        if not repeated and len(first) != len(_row_texts(previous, previous.n_rows - 1, text)):
            out.append(table)
            continue
        skip = 1 if repeated else 0
        shift = previous.n_rows - skip
        cells = previous.cells + tuple(TableCell(c.row + shift, c.col, c.char_start, c.char_end, c.row_span, c.col_span)
                                       for c in table.cells if c.row >= skip)
        out[-1] = Table(cells, previous.n_rows + table.n_rows - skip, previous.n_cols, previous.header_rows,
                        previous.page, previous.source, previous.char_start, table.char_end,
                        previous.pages + table.pages)
    return out
