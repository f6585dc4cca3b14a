"""DOCX files through python-docx: body paragraphs and tables in document order.

One line per paragraph; a table gives one line per row with its cells joined
by " | ", so that a criteria row ("1 | Quy hoạch | Đạt") is one line for the
line-based extractors, and is also kept as a `Table` whose cells are spans of
those lines (merged cells once, with their row and column spans; a nested
table as its own table inside its cell's text; rows marked to repeat as
header rows). Section headers and footers are skipped (they are page
furniture). The ZIP is checked before parsing so that a decompression bomb
is refused instead of filling memory.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import regex

from normalize.document import Table, TableCell
from normalize.raw import RawDocument, ReadError
from normalize.tables import join_split

# Refuse archives that expand beyond this, or members that expand more than this ratio.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Members smaller than this cannot be bombs whatever their ratio (a tiny, repetitive XML part).
_RATIO_CHECK_FROM_BYTES = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = regex.compile(r"[ \t\u00a0]+")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def read_docx(path: Path) -> RawDocument:
    with path.open("rb") as handle:
        head = handle.read(8)
        if not head:
            raise ReadError("file is empty", status="empty")
        if head.startswith(_OLE_MAGIC):
            handle.seek(0)
            if _ENCRYPTED_PACKAGE in handle.read(1 << 20):
                raise ReadError("DOCX is encrypted: a password is needed (save an unprotected copy)")
            from normalize.readers.doc import read_doc  # noqa: PLC0415 - a legacy .doc named .docx

            return read_doc(path)
    check_zip(path, required="word/document.xml", kind="DOCX")

    import docx  # noqa: PLC0415 - python-docx is heavy to import; only DOCX needs it

    try:
        document = docx.Document(str(path))
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on damaged parts
        raise ReadError(f"DOCX is damaged: {_one_line(error)}") from None
    body = document.element.body
    out = _Lines()
    _block_lines(body, out)
    text = "\n".join(out.lines)
    if not regex.search(r"[\p{L}\p{N}]", text):
        raise ReadError("document has no text", status="empty")
    return RawDocument(text=text, file_type="docx", fonts=frozenset(_fonts(document)),
                       tables=join_split(out.tables, text))


def check_zip(path: Path, required: str, kind: str) -> None:
    """Refuse non-ZIPs, ZIPs without the `required` part, and decompression bombs."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        from normalize.readers.pdf import describe_content  # noqa: PLC0415

        with path.open("rb") as handle:
            head = handle.read(1024)
        if head.startswith(b"PK"):
            raise ReadError(f"{kind} is damaged: the ZIP container is truncated or corrupt") from None
        raise ReadError(f"not a {kind}: {describe_content(head)}") from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if required not in names:
            raise ReadError(f"not a {kind}: the ZIP archive has no {required} (another kind of ZIP?)")
        total = sum(member.file_size for member in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ReadError(f"{kind} refused: it would expand to {total // (1024 * 1024)} MB (limit {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB)")
        for member in members:
            if member.file_size >= _RATIO_CHECK_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(1, member.compress_size):
                raise ReadError(f"{kind} refused: part {member.filename} expands {member.file_size // max(1, member.compress_size)}× (a decompression bomb?)")


class _Lines:
    """The document's lines as they are produced, with the tables found in them (spans of the joined text)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.position = 0
        self.tables: list[Table] = []

    def add(self, line: str) -> int:
        start = self.position
        self.lines.append(line)
        self.position += len(line) + 1
        return start


def _block_lines(container, out: _Lines) -> None:
    """Lines of the paragraphs and tables directly in a body, cell or content control, in order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            for line in _paragraph_text(child).split("\n"):
                out.add(line)
        elif tag == _W + "tbl":
            _table_lines(child, out)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                _block_lines(content, out)


def _paragraph_text(paragraph) -> str:
    """Text of a w:p: runs, hyperlinks, tabs and line breaks, without deleted text."""
    parts: list[str] = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen"):
        if _inside_deleted(node, paragraph):
            continue
        tag = node.tag
        if tag == _W + "t":
            # An entity reference (left unresolved) is a child: the text after it is its tail.
            parts.append(node.text or "")
            parts.extend(child.tail or "" for child in node)
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        else:
            parts.append("-")
    return "".join(parts)


def _inside_deleted(node, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (_W + "del", _W + "moveFrom"):
            return True
        parent = parent.getparent()
    return False


def _cell_text(cell) -> str:
    texts = [_paragraph_text(p) for p in cell.iter(_W + "p")]
    return _SPACES.sub(" ", " ".join(t.replace("\n", " ") for t in texts)).strip()


def _table_lines(table, out: _Lines) -> None:
    """One line per row: the cells' text joined by " | " (a merged cell once); the table's cells as spans."""
    holders: list[tuple[object, TableCell]] = []
    cells, n_rows, header_rows = _table_cells(table, out.add, holders)
    if cells:
        out.tables.append(_grid(cells, n_rows, header_rows, "docx"))
    for inner, cell in holders:
        nested, rows, header = _table_cells(inner, None, [], within=(cell.char_start, out))
        if nested:
            out.tables.append(_grid(nested, rows, header, "docx"))


def _table_cells(table, add, holders: list, within=None):
    """Cells of a table's rows with their spans; `add` emits each row's line and gives its offset;
    `holders` receives (nested table, cell) for each cell that holds a table.

    With `within` = (offset, lines), the table is nested in a cell whose text starts at
    that offset: its cells are found, in order, inside the cell's text instead of emitted.
    """
    cells: list[TableCell] = []
    header_rows = 0
    open_merges: dict[int, int] = {}  # grid column -> index in `cells` of the cell a vertical merge continues
    row_index = 0
    search_from = within[0] if within else 0
    joined = "\n".join(within[1].lines) if within else ""
    for row in table.iterchildren(_W + "tr"):
        col = _grid_before(row)
        parts: list[tuple[int, int, str, object]] = []  # (col, span, text, element or None for a continuation)
        for cell in row.iterchildren(_W + "tc"):
            span = _grid_span(cell)
            if _continues_vertical_merge(cell):
                parts.append((col, span, "", None))
            else:
                parts.append((col, span, _cell_text(cell), cell))
            col += span
        texts = [text for _, _, text, _ in parts]
        if not any(texts):
            continue
        if within is None:
            line = " | ".join(texts)
            start = add(line)
            offsets, position = [], start
            for text in texts:
                offsets.append(position)
                position += len(text) + 3
        else:
            offsets = []
            for text in texts:
                found = joined.find(text, search_from) if text else -1
                offsets.append(found if found >= 0 else search_from)
                if found >= 0:
                    search_from = found + len(text)
        for (col, span, text, element), offset in zip(parts, offsets):
            if element is None:
                if col in open_merges:
                    merged = cells[open_merges[col]]
                    cells[open_merges[col]] = TableCell(merged.row, merged.col, merged.char_start, merged.char_end,
                                                        merged.row_span + 1, merged.col_span)
                continue
            if _starts_vertical_merge(element):
                open_merges[col] = len(cells)
            else:
                open_merges.pop(col, None)
            cells.append(TableCell(row_index, col, offset, offset + len(text), 1, span))
            holders.extend((inner, cells[-1]) for inner in element.iterchildren(_W + "tbl"))
        if header_rows == row_index and _repeats_as_header(row):
            header_rows += 1
        row_index += 1
    return cells, row_index, header_rows


def _grid(cells: list[TableCell], n_rows: int, header_rows: int, source: str) -> Table:
    n_cols = max(c.col + c.col_span for c in cells)
    return Table(tuple(cells), n_rows, n_cols, header_rows, None, source,
                 min(c.char_start for c in cells), max(c.char_end for c in cells))


def _count_property(element, properties_tag: str, tag: str, default: int) -> int:
    """An integer property of a cell or row (w:gridSpan, w:gridBefore); `default` when absent or bad."""
    properties = element.find(_W + properties_tag)
    found = properties.find(_W + tag) if properties is not None else None
    try:
        return max(default, int(found.get(_W + "val"))) if found is not None else default
    except (TypeError, ValueError):
        return default


def _grid_span(cell) -> int:
    return _count_property(cell, "tcPr", "gridSpan", 1)


def _grid_before(row) -> int:
    return _count_property(row, "trPr", "gridBefore", 0)


def _repeats_as_header(row) -> bool:
    properties = row.find(_W + "trPr")
    header = properties.find(_W + "tblHeader") if properties is not None else None
    return header is not None and header.get(_W + "val") not in ("0", "false", "off")


def _starts_vertical_merge(cell) -> bool:
    properties = cell.find(_W + "tcPr")
    merge = properties.find(_W + "vMerge") if properties is not None else None
    return merge is not None and merge.get(_W + "val") == "restart"


def _continues_vertical_merge(cell) -> bool:
    properties = cell.find(_W + "tcPr")
    merge = properties.find(_W + "vMerge") if properties is not None else None
    return merge is not None and merge.get(_W + "val") in (None, "continue")


def _fonts(document) -> set[str]:
    """Font names named in the body and the styles (legacy-encoding signal, e.g. '.VnTime')."""
    names: set[str] = set()
    roots = [document.element]
    try:
        roots.append(document.styles.element)
    except (KeyError, AttributeError):
        pass
    for root in roots:
        for fonts in root.iter(_W + "rFonts"):
            for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
                value = fonts.get(_W + attribute)
                if value:
                    names.add(value)
    return names


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:200] or type(error).__name__
