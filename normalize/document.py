"""The normalized document every extractor reads, and the offset-keeping text it is built from.

Every span in every output table points into `NormalizedDoc.text`; `MappedText`
keeps, for each character of that text, the offset of the source character it
came from, so an edit (a glyph repair, a joined line, a dropped markdown mark)
never loses the way back to the page.
"""
from __future__ import annotations

import bisect
from array import array as Offsets
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable, Sequence

import numpy as np
import regex

# Repairs that only change layout or markup: they do not make a document "repaired".
LAYOUT_REPAIRS = frozenset({
    "line_join", "space_collapse", "markdown_markup", "markdown_escape", "latex_math",
    "page_furniture", "blank_line", "nfc", "control_char",
})
# Repairs that are exact inversions of a known corruption (the text loses nothing).
REVERSIBLE_REPAIRS = frozenset({
    "u_horn_glyph", "d_bar_glyph", "tcvn3", "vni", "viscii", "cp1252_mojibake",
})
# Anything else (syllable guesses, OCR) is lossy: counts may be unreliable.

OFFSET_TYPE = "q"  # the `array` type of an offset map: a signed 64-bit integer, as NumPy's int64


@dataclass(frozen=True, slots=True)
class MappedText:
    """A string plus, for each character, the offset of its source character.

    `src` has one entry per character, and one more for the end, so that the
    span [i, j) of the text maps to the source span [src[i], src[j]). It is an array of machine
    integers: an edit copies its unchanged stretches as blocks of memory, not int by int.
    """

    text: str
    src: Offsets

    @classmethod
    def identity(cls, text: str) -> "MappedText":
        return cls(text, Offsets(OFFSET_TYPE, np.arange(len(text) + 1, dtype=np.int64).tobytes()))

    def __len__(self) -> int:
        return len(self.text)

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> "MappedText":
        """Apply non-overlapping (start, end, replacement) edits, sorted by start.

        A replacement of the same length as its span maps character by
        character; otherwise every new character maps to the span's start.
        """
        text, src = self.text, self.src
        parts: list[str] = []
        offs = Offsets(OFFSET_TYPE)
        pos = 0
        for start, end, repl in edits:
            if start < pos:
                raise ValueError(f"overlapping edit at {start} (previous ended at {pos})")
            parts.append(text[pos:start])
            offs.extend(src[pos:start])
            parts.append(repl)
            if len(repl) == end - start:
                offs.extend(src[start:end])
            else:
                offs.extend(Offsets(OFFSET_TYPE, [src[start]]) * len(repl))
            pos = end
        parts.append(text[pos:])
        offs.extend(src[pos:])
        return MappedText("".join(parts), offs)

    def sub(self, pattern: "regex.Pattern[str]", repl: str | Callable[["regex.Match[str]"], str]) -> tuple["MappedText", int]:
        """`pattern.sub` that keeps the offset map; returns the new text and the number of changes."""
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
        if not edits:
            return self, 0
        return self.edit(edits), len(edits)


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) of `text` without the blanks around it."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True, slots=True)
class TableCell:
    """One cell of a table: its place in the grid and its span of the text.

    `char_start`/`char_end` index the text the table belongs to (the source
    text in a reader's `RawDocument`, the normalized text in a `NormalizedDoc`);
    an empty cell has an empty span. A merged cell is one cell with spans > 1.
    """

    row: int
    col: int
    char_start: int
    char_end: int
    row_span: int = 1
    col_span: int = 1


@dataclass(frozen=True, slots=True)
class Table:
    """A table as rows and columns of cells, each a span of the document's text.

    `header_rows` leading rows are column headers; `page` is the 1-based page
    the table starts on (None for unpaged sources); `source` names the reader
    path that found it (`docx`, `pdf_grid`, `pdf_plumber`, `pdf_columns`, `pipe`).
    """

    cells: tuple[TableCell, ...]
    n_rows: int
    n_cols: int
    header_rows: int = 0
    page: int | None = None
    source: str = ""
    char_start: int = 0
    char_end: int = 0
    pages: tuple[int, ...] = ()

    def rows(self) -> list[list[TableCell]]:
        """Cells grouped by the row they start in, left to right."""
        out: list[list[TableCell]] = [[] for _ in range(self.n_rows)]
        for cell in self.cells:
            out[cell.row].append(cell)
        for row in out:
            row.sort(key=lambda c: c.col)
        return out

    def cell_at(self, row: int, col: int) -> TableCell | None:
        """The cell covering grid position (row, col), merged cells included."""
        for cell in self.cells:
            if cell.row <= row < cell.row + cell.row_span and cell.col <= col < cell.col + cell.col_span:
                return cell
        return None

    def shifted(self, offset: int) -> "Table":
        """The same table with every span moved by `offset` (a page's text inside the document's)."""
        cells = tuple(TableCell(c.row, c.col, c.char_start + offset, c.char_end + offset, c.row_span, c.col_span)
                      for c in self.cells)
        return Table(cells, self.n_rows, self.n_cols, self.header_rows, self.page, self.source,
                     self.char_start + offset, self.char_end + offset, self.pages)

    def mapped(self, src: Sequence[int], text: str) -> "Table":
        """The table with source spans turned into spans of the text `src` maps (a `MappedText`).

        A cell's normalized span is every character whose source lies inside
        the cell's source span, trimmed of surrounding whitespace.
        """
        limit = len(text)

        def to_text(start: int, end: int) -> tuple[int, int]:
            a = bisect.bisect_left(src, start, 0, limit)
            return trimmed_span(text, a, bisect.bisect_left(src, end, a, limit))

        start, end = to_text(self.char_start, self.char_end)
        cells = []
        for c in self.cells:
            a, b = to_text(c.char_start, c.char_end)
            a, b = min(max(a, start), end), min(max(b, start), end)  # an empty last cell whose blank was trimmed
            cells.append(TableCell(c.row, c.col, a, b, c.row_span, c.col_span))
        return Table(tuple(cells), self.n_rows, self.n_cols, self.header_rows, self.page, self.source, start, end,
                     self.pages)


@dataclass
class NormalizedDoc:
    """One input file as clean text: what `ntm normalize FILE` prints and every span indexes."""

    doc_id: str
    path: str
    file_type: str
    text: str
    src: Offsets = field(default_factory=lambda: Offsets(OFFSET_TYPE))
    page_starts: tuple[int, ...] = ()  # source offsets where pages 2, 3, ... begin
    n_pages: int | None = None
    repairs: Counter = field(default_factory=Counter)
    status: str = "ok"
    error: str | None = None
    source_text: str = ""
    lossy: bool = False
    tables: tuple[Table, ...] = ()

    @property
    def quality(self) -> str:
        if self.lossy or any(k not in LAYOUT_REPAIRS and k not in REVERSIBLE_REPAIRS for k in self.repairs):
            return "lossy"
        if any(k in REVERSIBLE_REPAIRS for k in self.repairs):
            return "repaired"
        return "clean"

    def page_at(self, i: int) -> int | None:
        """1-based page of normalized offset `i`, or None for a source without pages."""
        if not self.n_pages:
            return None
        if not self.src:
            return 1
        s = self.src[min(max(i, 0), len(self.src) - 1)]
        return bisect.bisect_right(self.page_starts, s) + 1
