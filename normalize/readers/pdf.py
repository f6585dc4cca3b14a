"""PDF files: page text and tables through pypdfium2 (pdfplumber for irregular ruling), scans through OCR.

Design, so that offsets stay sane: `RawDocument.text` is built here once, page
by page, and is the only string offsets refer to.

- Page text comes from pypdfium2 (fast, and the text order Word exports
  give). Line breaks are kept as "\\n"; pages are joined with "\\f".
- A page with ruling lines (cheap pre-check: its path objects) whose ruling is
  one complete grid is read with pdfium alone while the page is open (each
  word goes to the cell its first character lies in: a box per word, not per
  character); any other ruled page is handed to pdfplumber's `find_tables`.
  A page without ruling whose text has a line that reads like a table header
  ("TT Tên tiêu chí … Đánh giá", or without a number column "Tên tiêu chí …",
  words from gazetteer/data/table_headers.yaml) is read by column alignment:
  runs of words separated by wide gaps, in the same columns line after line,
  regrouped into visual lines by height (pdfium writes a wrapped cell as lines
  of its own), a row starting where the number or status column is filled.
  Each table's characters are located in pypdfium2's character list by
  position; the run of characters the table covers is replaced by one line
  per row, cells joined by " | ", so a row such as "3 | Thủy lợi và phòng,
  chống thiên tai | Đạt" is one line for the line-based extractors and is not
  also present as loose cell text, and the table is kept as a `Table` whose
  cells are spans of those lines. A table whose characters are interleaved
  with text outside it keeps pypdfium2's text (nothing is duplicated, nothing
  lost). Tables of consecutive pages with the same columns, the second
  repeating the first's header row, are one table.
- Running headers, footers and page numbers are kept in the text and listed
  in `furniture`, found by their repetition at the first or last lines of
  pages (pypdfium2 puts a Word footer's page number first on the page).
- Font names (legacy-encoding signal) are read from the page's text objects
  through pdfium, on every page, at little cost.
- A page whose text layer is empty or undecodable but which holds a large
  image or many drawn paths is a scan: it is OCR'd when tesseract is there,
  otherwise counted in `repairs["page_needs_ocr"]`; a document with no
  usable page at all raises `ReadError(status="needs_ocr")`.
"""
from __future__ import annotations

import bisect
import ctypes
import itertools
import math
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import regex

from normalize.document import Table, TableCell
from normalize.raw import RawDocument, ReadError
from normalize.readers import ocr
from gazetteer.tables import header_lines, header_role
from normalize.tables import join_continued, line_spans

PAGE_BREAK = "\f"

# A page needs OCR when it has fewer usable characters than this and a scan-like image or drawing.
_MIN_WORD_CHARS = 32
# Share of undecodable characters (controls, private use, U+FFFD) above which a text layer is garbage.
_MAX_GARBAGE_SHARE = 0.3
# Share of the page an image must cover to look like a scanned page.
_SCAN_IMAGE_AREA = 0.4
# Path objects from which a page without text looks drawn (text converted to outlines).
_OUTLINED_TEXT_PATHS = 300
# Path objects from which a page may hold a ruled table.
_TABLE_MIN_PATHS = 6
# How many lines at each edge of a page may be running headers, footers or page numbers.
_EDGE_LINES = 3
# Letters and numbers other than digits a line needs to be a running header or footer.
_MIN_EDGE_WORD_CHARS = 4

_WORD_CHAR = regex.compile(r"[\p{L}\p{N}]")
_WORD_CHAR_NOT_DIGIT = regex.compile(r"[[\p{L}\p{N}]--\d]", regex.V1)
_GARBAGE_CHAR = regex.compile(r"[\p{Cc}\p{Co}\p{Cn}\uFFFD--[\n\t]]", regex.V1)
# Line breaks other than "\n", once "\r\n" is one.
_OTHER_LINE_BREAKS = ("\r", "\f", "\v", "\u2028", "\u2029", "\x85")
_DIGITS = regex.compile(r"\d+")
_SPACES = regex.compile(r"\s+")
# A line that is only a page number: "3", "- 3 -", "Trang 3", "3/12", "Page 3 of 12".
_PAGE_NUMBER_LINE = regex.compile(
    r"\s*(?:(?:trang|page)\s*)?[-–—]?\s*(\d{1,4})\s*[-–—]?\s*(?:(?:/|of|trên)\s*\d{1,4})?\s*",
    regex.IGNORECASE,
)
_SUBSET_PREFIX = regex.compile(r"^[A-Z]{6}\+")
_WORD = regex.compile(r"\S+")
_NONBLANK_LINE = regex.compile(r"[^\n]*\S[^\n]*")  # compiled once: the module's cache lookup is a cost per page


@dataclass
class PageObjects:
    """What pdfium tells about a page's objects."""

    paths: int = 0
    path_bounds: list[tuple[float, float, float, float]] = field(default_factory=list)  # (left, bottom, right, top)
    image_area_share: float = 0.0
    fonts: set[str] = field(default_factory=set)


def read_pdf(path: Path) -> RawDocument:
    _check_signature(path)
    document = _open(path)
    try:
        return _read_document(path, document)
    finally:
        document.close()


def _check_signature(path: Path) -> None:
    """Refuse files that are not PDFs with a message that says what they are."""
    with path.open("rb") as handle:
        head = handle.read(1024)
    if not head.strip():
        raise ReadError("file is empty", status="empty")
    if b"%PDF-" in head:
        return
    kind = describe_content(head)
    raise ReadError(f"not a PDF: {kind}")


def describe_content(head: bytes) -> str:
    """A clerk's description of a file from its first bytes."""
    signatures = [
        (b"PK\x03\x04", "the file is a ZIP archive (a DOCX or XLSX with the wrong extension?)"),
        (b"\xd0\xcf\x11\xe0", "the file is a legacy Office document (a .doc or .xls with the wrong extension?)"),
        (b"\x89PNG", "the file is a PNG image"),
        (b"\xff\xd8\xff", "the file is a JPEG image"),
        (b"II*\x00", "the file is a TIFF image"),
        (b"MM\x00*", "the file is a TIFF image"),
        (b"{\\rtf", "the file is an RTF document"),
        (b"Rar!", "the file is a RAR archive"),
        (b"7z\xbc\xaf", "the file is a 7-Zip archive"),
    ]
    for magic, description in signatures:
        if head.startswith(magic):
            return description
    stripped = head.lstrip()
    if stripped[:5].lower() in (b"<html", b"<!doc"):
        return "the file is a web page (HTML)"
    try:
        sample = head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut by the sample's end is still text.
        sample = head[: error.start].decode("utf-8") if error.start > len(head) - 4 else None
    if sample and sum(ch.isprintable() or ch.isspace() for ch in sample) >= 0.95 * len(sample):
        return "the file starts with text"
    return "unknown content (first bytes " + head[:8].hex(" ") + ")"


def _open(path: Path) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(str(path))
    except pypdfium2.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError("PDF is encrypted: a password is needed") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError("PDF is encrypted with an unsupported security handler: save an unprotected copy") from None
        if code == pdfium_c.FPDF_ERR_FILE:
            raise ReadError("PDF cannot be opened: the file is missing or unreadable") from None
        raise ReadError("PDF is damaged: the file is truncated or corrupt (re-export or re-download it)") from None


def _read_document(path: Path, document: pypdfium2.PdfDocument) -> RawDocument:
    n_pages = len(document)
    if n_pages == 0:
        raise ReadError("PDF has no pages", status="empty")
    repairs: Counter = Counter()
    fonts: set[str] = set()
    pages: list[str] = []
    scans: list[int] = []
    table_pages: list[int] = []
    page_tables: dict[int, list[Table]] = {}
    for index in range(n_pages):
        try:
            page = document[index]
        except pypdfium2.PdfiumError:
            repairs["page_unreadable"] += 1
            pages.append("")
            continue
        try:
            objects = _scan_objects(page)
            fonts |= objects.fonts
            textpage = page.get_textpage()
            try:
                raw = textpage.get_text_range()
                text = _clean(raw)
                kind = classify_page(text, objects)
                found = None
                if kind == "ruled":  # one complete grid is read here, with the page still open
                    found = _grid_page(page, textpage, raw, objects)
                elif kind == "text" and (starts := header_lines(raw)):  # a header line over columns without ruling
                    found = _page_with_column_table(page, textpage, raw, starts)
                if found is not None:
                    text, page_tables[index] = found
                    kind = "table"
            finally:
                textpage.close()
        finally:
            page.close()
        if kind in ("garbage", "scan"):
            scans.append(index)
            if kind == "garbage":
                text = ""
        elif kind == "ruled":
            table_pages.append(index)
        pages.append(text)

    lossy = False
    if scans:
        problem = ocr.tesseract_problem()
        if problem is None:
            for index, text in ocr.ocr_pdf_pages(document, scans).items():
                if text.strip():
                    pages[index] = text
                    repairs["ocr_page"] += 1
                    lossy = True
                else:
                    repairs["page_needs_ocr"] += 1
        else:
            repairs["page_needs_ocr"] += len(scans)
        if not any(_WORD_CHAR.search(text) for text in pages):
            raise ReadError(problem or "scanned pages could not be read by OCR", status="needs_ocr")
    if not any(_WORD_CHAR.search(text) for text in pages):
        raise ReadError("PDF has no text: its pages are blank", status="empty")

    if table_pages:
        for index, (text, tables) in _pages_with_tables(path, document, table_pages).items():
            pages[index] = text
            page_tables[index] = tables

    text = PAGE_BREAK.join(pages)
    page_starts = _page_starts(pages)
    offsets = (0, *page_starts)
    tables = [replace(table.shifted(offsets[index]), page=index + 1, pages=(index + 1,))
              for index in sorted(page_tables) for table in page_tables[index]]
    return RawDocument(
        text=text,
        file_type="pdf",
        page_starts=page_starts,
        n_pages=n_pages,
        fonts=frozenset(fonts),
        furniture=find_furniture(pages),
        repairs=repairs,
        lossy=lossy,
        tables=join_continued(tables, text),
    )


def classify_page(text: str, objects: PageObjects) -> str:
    """'garbage' (undecodable text layer), 'scan' (an image or drawing with little text),
    'ruled' (text with enough drawn lines to hold a table) or 'text'.

    Text in a legacy font encoding (TCVN3, VNI) decodes to Latin-1 letters and
    symbols, not to control or private-use characters, so it is not garbage.
    """
    garbage = _garbage_count(text)
    # Letters and digits are counted only up to a number from which every test below answers as it
    # would for any larger one: counting all of a clean page's letters is a long way to the same answer.
    enough = _MIN_WORD_CHARS + math.ceil(garbage / _MAX_GARBAGE_SHARE)
    word_chars = sum(1 for _ in itertools.islice(_WORD_CHAR.finditer(text), enough))
    if garbage > _MAX_GARBAGE_SHARE * max(1, word_chars + garbage):
        return "garbage"
    if word_chars < _MIN_WORD_CHARS and (
        objects.image_area_share >= _SCAN_IMAGE_AREA or objects.paths >= _OUTLINED_TEXT_PATHS
    ):
        return "scan"
    if word_chars and objects.paths >= _TABLE_MIN_PATHS:
        return "ruled"
    return "text"


def _garbage_count(text: str) -> int:
    """How many characters `_GARBAGE_CHAR` finds. None, without the pattern's pass, in a text whose
    characters are all printable to Python but its line breaks and tabs, and which holds no U+FFFD:
    no control, private-use or unassigned character is printable."""
    if "\uFFFD" not in text and text.replace("\n", "").replace("\t", "").isprintable():
        return 0
    return len(_GARBAGE_CHAR.findall(text))


def _clean(text: str) -> str:
    """pdfium text with "\\n" line breaks only (no form feed: it separates pages), no blanks at line ends."""
    text = text.replace("\r\n", "\n")
    for line_break in _OTHER_LINE_BREAKS:  # str.replace: a page has a line break on every line
        text = text.replace(line_break, "\n")
    text = text.replace("\x02", "-").replace("\x00", "")
    return "\n".join([line.rstrip(" \t") for line in text.split("\n")])  # a regex pass took three times as long


def _page_starts(pages: list[str]) -> tuple[int, ...]:
    starts = []
    offset = 0
    for text in pages[:-1]:
        offset += len(text) + len(PAGE_BREAK)
        starts.append(offset)
    return tuple(starts)


# --- page objects -----------------------------------------------------------

_ADDRESS = ctypes.c_void_p


def _by_address(function, restype, *argtypes):
    """pdfium's `function` called with plain addresses and integers. pypdfium2's binding converts
    and checks each typed pointer it is given, on every call: as long as the call itself where it is
    made for every object or character of a page."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(function, _ADDRESS).value)


def _address(handle) -> int:
    """The address a pypdfium2 handle (a typed pointer) points to."""
    return ctypes.cast(handle, _ADDRESS).value


_count_objects = _by_address(pdfium_c.FPDFPage_CountObjects, ctypes.c_int, _ADDRESS)
_page_object = _by_address(pdfium_c.FPDFPage_GetObject, _ADDRESS, _ADDRESS, ctypes.c_int)
_count_form_objects = _by_address(pdfium_c.FPDFFormObj_CountObjects, ctypes.c_int, _ADDRESS)
_form_object = _by_address(pdfium_c.FPDFFormObj_GetObject, _ADDRESS, _ADDRESS, ctypes.c_ulong)
_object_type = _by_address(pdfium_c.FPDFPageObj_GetType, ctypes.c_int, _ADDRESS)
_object_bounds = _by_address(pdfium_c.FPDFPageObj_GetBounds, ctypes.c_int, *[_ADDRESS] * 5)  # left, bottom, right, top
_text_font = _by_address(pdfium_c.FPDFTextObj_GetFont, _ADDRESS, _ADDRESS)
_font_base_name = _by_address(pdfium_c.FPDFFont_GetBaseFontName, ctypes.c_size_t, _ADDRESS, _ADDRESS, ctypes.c_size_t)
_char_box = _by_address(pdfium_c.FPDFText_GetCharBox, ctypes.c_int, _ADDRESS, ctypes.c_int,
                        *[_ADDRESS] * 4)  # left, right, bottom, top


class _Floats:
    """Four C floats or doubles that pdfium writes into, with their addresses."""

    def __init__(self, kind=ctypes.c_double):
        self.values = [kind() for _ in range(4)]
        self.addresses = [ctypes.addressof(v) for v in self.values]

    def read(self) -> tuple[float, float, float, float]:
        a, b, c, d = self.values
        return a.value, b.value, c.value, d.value


def _scan_objects(page: pypdfium2.PdfPage) -> PageObjects:
    """Count path objects, measure images and collect font names, through pdfium's raw calls."""
    scan = PageObjects()
    width, height = page.get_size()
    page_area = max(1.0, width * height)
    seen_fonts: set[int] = set()
    image_area = 0.0
    bounds = _Floats(ctypes.c_float)

    def visit(owner: int, count: int, get_object, depth: int) -> None:
        nonlocal image_area
        for i in range(count):
            obj = get_object(owner, i)
            kind = _object_type(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_TEXT:
                font = _text_font(obj)
                if font and font not in seen_fonts:
                    seen_fonts.add(font)
                    name = _font_name(font)
                    if name:
                        scan.fonts.add(name)
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                scan.paths += 1
                if depth < 2 and _object_bounds(obj, *bounds.addresses):
                    scan.path_bounds.append(bounds.read())
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                if _object_bounds(obj, *bounds.addresses):
                    left, bottom, right, top = bounds.read()
                    image_area += max(0.0, right - left) * max(0.0, top - bottom)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 3:
                visit(obj, _count_form_objects(obj), _form_object, depth + 1)

    raw = _address(page.raw)
    visit(raw, _count_objects(raw), _page_object, 0)
    scan.image_area_share = min(1.0, image_area / page_area)
    return scan


def _font_name(font: int) -> str:
    size = _font_base_name(font, None, 0)
    if size <= 1:
        return ""
    buffer = ctypes.create_string_buffer(size)
    _font_base_name(font, buffer, size)
    name = buffer.value.decode("utf-8", errors="replace")
    return _SUBSET_PREFIX.sub("", name)


# --- tables -----------------------------------------------------------------

GRID_SNAP_PT = 2.0  # ruling lines closer than this are one boundary (stroke widths, shared cell edges)
THIN_PT = 3.0  # a path thinner than this is a ruling line, not a box
MIN_RULE_PT = 5.0  # shorter marks are not ruling lines


def _snap(values: list[float]) -> list[float]:
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= GRID_SNAP_PT:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _closes(on_boundary: dict[float, list], across: list[float]) -> bool:
    """Does every boundary's ruling cover the middle of every interval between the `across` boundaries?
    A boundary's segments (position, low, high), widened by the snap distance, are merged into runs
    and each middle is looked up among them."""
    middles = [(a + b) / 2 for a, b in zip(across, across[1:])]
    for segments in on_boundary.values():
        runs: list[list[float]] = []
        for _, low, high in sorted(segments, key=lambda seg: seg[1]):
            low, high = low - GRID_SNAP_PT, high + GRID_SNAP_PT
            if runs and low <= runs[-1][1]:
                runs[-1][1] = max(runs[-1][1], high)
            else:
                runs.append([low, high])
        starts = [run[0] for run in runs]
        for middle in middles:
            k = bisect.bisect_right(starts, middle) - 1
            if k < 0 or middle > runs[k][1]:
                return False
    return True


def _cells_from_words(raw: str, boxes, xs: list[float], ys: list[float]) -> list[list[str]]:
    """The text of each cell of a grid (top row first): each word of the lines that reach the grid's
    band goes to the cell its first character's centre lies in, words of a cell joined by a space.
    (A cell's words never run into the next cell's: the ruling and padding between them are a gap
    pdfium writes as a blank.)"""
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    cells: list[list[list[str]]] = [[[] for _ in range(n_cols)] for _ in range(n_rows)]
    low, high = ys[0] - GRID_SNAP_PT, ys[-1] + GRID_SNAP_PT
    for a, b in line_spans(raw):
        words = list(_WORD.finditer(raw, a, b))
        if not words:
            continue
        ends = (boxes[words[0].start()], boxes[words[-1].end() - 1])
        if not any(low <= (box[1] + box[3]) / 2 <= high for box in ends):
            continue
        for word in words:
            left, bottom, right, top = boxes[word.start()]
            j = bisect.bisect_right(xs, (left + right) / 2) - 1
            k = bisect.bisect_right(ys, (bottom + top) / 2) - 1
            if 0 <= j < n_cols and 0 <= k < n_rows:
                cells[n_rows - 1 - k][j].append(word.group())
    return [[" ".join(parts) for parts in row] for row in cells]


class _BoundedText:
    """pdfium's text inside a rectangle, through the raw call with one buffer for the whole page
    (the helper asks pdfium twice per rectangle: once for the size)."""

    def __init__(self, textpage):
        self._raw = textpage.raw
        self._size = textpage.count_chars() + 1
        self._buffer = (ctypes.c_ushort * self._size)()

    def __call__(self, left: float, bottom: float, right: float, top: float) -> str:
        n = pdfium_c.FPDFText_GetBoundedText(self._raw, left, top, right, bottom, self._buffer, self._size)
        if n <= 0:
            return ""
        text = ctypes.string_at(self._buffer, 2 * n).decode("utf-16-le", errors="ignore")
        return text[:-1] if text.endswith("\x00") else text  # the count includes the terminating NUL


def _at_boundaries(segments: list[tuple[float, float, float]], boundaries: list[float]) -> dict[float, list]:
    """The segments lying on each boundary (sorted), so that a coverage test looks at those only."""
    out: dict[float, list] = {at: [] for at in boundaries}
    for seg in segments:
        k = bisect.bisect_left(boundaries, seg[0] - GRID_SNAP_PT)
        while k < len(boundaries) and boundaries[k] <= seg[0] + GRID_SNAP_PT:
            out[boundaries[k]].append(seg)
            k += 1
    return out


def _pdfium_grid(page: pypdfium2.PdfPage, textpage=None, path_bounds=None, words=None,
                 raw: str | None = None) -> list | None:
    """A page's one regular ruled table read with pdfium alone, as pdfplumber's (bbox, lines); None when the
    ruling is anything but one complete grid (merged cells, several tables), so pdfplumber decides.
    With `words` (the text page's `_CharBoxes`) each word goes to the cell its first character's centre
    lies in; without, a cell's text is pdfium's bounded text of its rectangle. A caller that has the text
    page's text passes it as `raw`."""
    horizontal: list[tuple[float, float, float]] = []  # (y, x_low, x_high)
    vertical: list[tuple[float, float, float]] = []  # (x, y_low, y_high)
    if path_bounds is None:
        path_bounds = [obj.get_bounds() for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=2)]
    for left, bottom, right, top in path_bounds:
        width, height = right - left, top - bottom
        if height <= THIN_PT and width >= MIN_RULE_PT:
            horizontal.append(((bottom + top) / 2, left, right))
        elif width <= THIN_PT and height >= MIN_RULE_PT:
            vertical.append(((left + right) / 2, bottom, top))
        elif width >= MIN_RULE_PT and height >= MIN_RULE_PT:  # a stroked cell box
            horizontal += [(bottom, left, right), (top, left, right)]
            vertical += [(left, bottom, top), (right, bottom, top)]
    xs, ys = _snap([v[0] for v in vertical]), _snap([h[0] for h in horizontal])
    if len(xs) < 3 or len(ys) < 3:
        return None
    # Every cell must be closed on all four sides: one complete grid.
    if not (_closes(_at_boundaries(vertical, xs), ys) and _closes(_at_boundaries(horizontal, ys), xs)):
        return None
    own = textpage is None
    textpage = page.get_textpage() if own else textpage
    try:
        raw = textpage.get_text_range() if raw is None else raw
        if words is not None and len(raw) == textpage.count_chars():
            rows = _cells_from_words(raw, words, xs, ys)
        else:
            rows = []
            bounded = _BoundedText(textpage)
            for i in range(len(ys) - 1, 0, -1):  # top row first
                rows.append([bounded(xs[j], ys[i - 1], xs[j + 1], ys[i]) for j in range(len(xs) - 1)])
    finally:
        if own:
            textpage.close()
    page_height = page.get_height()
    bbox = (xs[0], page_height - ys[-1], xs[-1], page_height - ys[0])
    return [_table_entry(bbox, rows)]


def _grid_page(page: pypdfium2.PdfPage, textpage, raw: str, objects: PageObjects) -> tuple[str, list[Table]] | None:
    """The page text and table of a page whose ruling is one complete grid, read with pdfium alone
    (about 100× cheaper than pdfplumber's layout pass); None for any other page. `raw` is the text
    page's text."""
    try:
        if page.get_rotation() % 360:
            return None
        n_chars = textpage.count_chars()
        boxes = _CharBoxes(textpage, n_chars)
        tables = _pdfium_grid(page, textpage, objects.path_bounds, boxes, raw)
        if not tables:
            return None
        height = page.get_height()
        if len(raw) != n_chars:  # characters and text that do not line up one to one: every character is measured
            return _text_with_tables(page, height, tables, "pdf_grid", textpage)
        x0, top, x1, bottom = tables[0][0]
        placed = _placed_lines(raw, boxes, (x0, height - bottom, x1, height - top))
        return _text_with_tables(page, height, tables, "pdf_grid", textpage, placed, raw)
    except pypdfium2.PdfiumError:
        return None


def _pages_with_tables(path: Path, document: pypdfium2.PdfDocument, indices: list[int]) -> dict[int, tuple[str, list[Table]]]:
    """Page texts with each ruled table replaced by one " | "-joined line per row, and the tables
    (spans of the page text), through pdfplumber: the pages whose ruling is not one complete grid."""
    results: dict[int, tuple[str, list[Table]]] = {}
    try:
        import pdfplumber  # noqa: PLC0415 - only needed for pages with irregular ruling
    except ImportError:
        return results
    try:
        plumber = pdfplumber.open(path)
    except Exception:  # noqa: BLE001 - pdfminer fails in many ways on odd files; pdfium's text stands
        return results
    with plumber:
        for index in indices:
            try:
                plumber_page = plumber.pages[index]
                tables = plumber_page.find_tables()
                if not tables:
                    continue
                rows_by_table = []
                for table in tables:
                    rows = table.extract()
                    rows_by_table.append(_table_entry(table.bbox, rows, _plumber_spans(table)))
                height = float(plumber_page.height)
            except Exception:  # noqa: BLE001 - same: keep pdfium's text for this page
                continue
            page = document[index]
            try:
                if page.get_rotation() % 360:
                    continue
                text = _text_with_tables(page, height, rows_by_table)
            finally:
                page.close()
            if text is not None:
                results[index] = text
    return results


def _table_entry(bbox: tuple, rows: list[list[str | None]], spans=None) -> tuple:
    """(bbox, lines, cells) of a table read from a page: its `_table_rows` and one line per row,
    the cells joined by " | "."""
    cells = _table_rows(rows, spans)
    return bbox, [" | ".join(text for _, text, _, _ in row) for row in cells], cells


def _table_rows(rows: list[list[str | None]], spans=None) -> list[list[tuple[int, str, int, int]]]:
    """The rows that hold text, each a list of (column, text, row span, column span); a None cell
    (covered by a merged one) is left out. `spans` gives each cell's (row span, column span)."""
    out = []
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            if cell is None:
                continue
            row_span, col_span = spans[i][j] if spans else (1, 1)
            cells.append((j, _collapsed_spaces(cell), row_span, col_span))
        if any(text for _, text, _, _ in cells):
            out.append(cells)
    return out


def _plumber_spans(table) -> list[list[tuple[int, int]]]:
    """(row span, column span) of each cell of a pdfplumber table, from the cells' boxes."""
    xs = sorted({round(c[0], 1) for c in table.cells} | {round(c[2], 1) for c in table.cells})
    ys = sorted({round(c[1], 1) for c in table.cells} | {round(c[3], 1) for c in table.cells})
    out = []
    for row in table.rows:
        spans = []
        for box in row.cells:
            if box is None:
                spans.append((1, 1))
                continue
            x0, top, x1, bottom = (round(v, 1) for v in box)
            col_span = max(1, sum(1 for x in xs if x0 < x <= x1))
            row_span = max(1, sum(1 for y in ys if top < y <= bottom))
            spans.append((row_span, col_span))
        out.append(spans)
    return out


def _page_table(rows: list[list[tuple[int, str, int, int]]], start: int, source: str) -> Table:
    """The table whose row lines begin at offset `start` of the page text."""
    cells = []
    position = start
    for index, row in enumerate(rows):
        for col, text, row_span, col_span in row:
            cells.append(TableCell(index, col, position, position + len(text), row_span, col_span))
            position += len(text) + 3
        position += 1 - 3  # the line break instead of a last " | "
    n_cols = max((c.col + c.col_span for c in cells), default=0)
    return Table(tuple(cells), len(rows), n_cols, 0, None, source, start, max(start, position - 1))


def _char_boxes(textpage, n_chars: int) -> list[tuple[float, float, float, float]]:
    """(left, bottom, right, top) of every character, through the raw call with one reused set of
    doubles (a third cheaper than `get_charbox`)."""
    raw = _address(textpage.raw)
    box = _Floats()
    boxes = []
    for i in range(n_chars):
        _char_box(raw, i, *box.addresses)
        left, right, bottom, top = box.read()
        boxes.append((left, bottom, right, top))
    return boxes


def _placed_chars(textpage, n_chars: int) -> list[tuple[int, int, int, tuple[float, float]]]:
    """Each character with a box, placed at its box's centre, as `_placed_lines` gives lines; a
    generated space or line break (an empty box) is left out. pdfplumber's x is pdfium's; its `top`
    is the MediaBox height minus pdfium's y."""
    return [(i, i, 1, ((left + right) / 2, (bottom + top) / 2))
            for i, (left, bottom, right, top) in enumerate(_char_boxes(textpage, n_chars))
            if not (right <= left and top <= bottom)]


class _CharBoxes:
    """(left, bottom, right, top) of a text page's characters, each asked of pdfium when first read:
    a table page measures the ends of its lines and words, not every character of the page."""

    def __init__(self, textpage, n_chars: int):
        self._raw, self._n = _address(textpage.raw), n_chars
        self._boxes: list[tuple[float, float, float, float] | None] = [None] * n_chars
        self._box = _Floats()  # left, right, bottom, top

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, i: int) -> tuple[float, float, float, float]:
        box = self._boxes[i]
        if box is None:
            _char_box(self._raw, i, *self._box.addresses)
            left, right, bottom, top = self._box.read()
            box = self._boxes[i] = (left, bottom, right, top)
        return box


_OUTSIDE = (-math.inf, -math.inf)  # the centre given to a line outside the table


def _placed_lines(raw: str, boxes, bbox: tuple[float, float, float, float]) -> list[tuple[int, int, int, tuple[float, float]]]:
    """(first, last, count, centre) of each line that holds text: its first and last non-blank
    characters, how many non-blank characters it has, and where they are, at the cost of two
    characters a line: a line whose first and last characters lie in `bbox` (left, bottom, right,
    top) is placed at its first character's centre, any other line outside. Enough to tell which
    run of characters a table covers and whether other text is interleaved with it (a line partly
    inside counts outside)."""
    left, bottom, right, top = bbox
    placed = []
    for a, b in line_spans(raw):
        line = raw[a:b]
        count = len("".join(line.split()))  # str.split's blanks are str.isspace's
        if not count:
            continue
        first, last = a + len(line) - len(line.lstrip()), a + len(line.rstrip()) - 1
        ends = [((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) for box in (boxes[first], boxes[last])]
        inside = all(left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1 for x, y in ends)
        placed.append((first, last, count, ends[0] if inside else _OUTSIDE))
    return placed


def _text_with_tables(page: pypdfium2.PdfPage, height: float, tables, source: str = "pdf_plumber",
                      textpage=None, placed=None, raw: str | None = None) -> tuple[str, list[Table]] | None:
    """Replace each table's run of characters in pdfium's character list with its row lines; the
    page text and its tables. A caller that has the page's text page open passes it, and may pass
    where its characters are (`_placed_lines`; else every character is measured) and its text
    when that lines up with the characters one to one (a run's text is then a slice of it)."""
    own = textpage is None
    textpage = page.get_textpage() if own else textpage
    try:
        n_chars = textpage.count_chars()
        placed = _placed_chars(textpage, n_chars) if placed is None else placed

        def run_text(start: int, end: int) -> str:
            return _clean(raw[start:end] if raw is not None else textpage.get_text_range(start, end - start))

        regions = []
        for (x0, top, x1, bottom), lines, cells in tables:
            y_low, y_high = height - bottom, height - top
            inside = [k for k, (_, _, _, (x, y)) in enumerate(placed)
                      if x0 - 1 <= x <= x1 + 1 and y_low - 1 <= y <= y_high + 1]
            if not inside or not lines:
                continue
            first, last = placed[inside[0]][0], placed[inside[-1]][1]
            n_inside = sum(placed[k][2] for k in inside)
            outside = sum(count for _, _, count, _ in placed[inside[0]:inside[-1] + 1]) - n_inside
            if outside > 0.02 * n_inside:
                continue  # the table's characters are interleaved with other text: keep pdfium's order
            regions.append((first, last, lines, cells))
        if not regions:
            return None
        regions.sort(key=lambda region: region[:2])
        parts: list[str] = []
        found: list[Table] = []
        length = 0
        position = 0
        for first, last, lines, cells in regions:
            if first < position:
                continue
            before = run_text(position, first) if first > position else ""
            if before and not before.endswith("\n"):
                before += "\n"
            found.append(_page_table(cells, length + len(before), source))
            block = before + "\n".join(lines) + "\n"
            parts.append(block)
            length += len(block)
            position = last + 1
        after = run_text(position, n_chars) if position < n_chars else ""
        parts.append(after.lstrip("\n"))
        return ("".join(parts).rstrip("\n") if not after else "".join(parts)), found
    finally:
        if own:
            textpage.close()


# --- tables without ruling lines ---------------------------------------------

COLUMN_GAP_PT = 8.0  # a horizontal gap wider than this between two words of a line separates cells
JUSTIFIED_GAP_SHARE = 1.5  # ... and, on a line of `MIN_JUSTIFIED_GAPS` blanks or more, than this times its narrowest
MIN_JUSTIFIED_GAPS = 3
MIN_COLUMN_ROWS = 2  # body rows under the header line for a table
NARROW_CELL_SHARE = 0.5  # a line that is one run of words wider than this share of the header is prose
SAME_LINE_SHARE = 0.5  # words whose heights on the page differ by less than this share of a line are one line
ANCHOR_ROLES = ("number", "assessment", "met_mark", "unmet_mark")  # columns whose cells do not wrap
_GROUP_LABEL = regex.compile(r"[IVX]{1,4}\s*[.)]\s")  # a group row of a table: "II. HẠ TẦNG KINH TẾ - XÃ HỘI"


def _page_with_column_table(page: pypdfium2.PdfPage, textpage, raw: str | None = None,
                            starts: list[int] | None = None) -> tuple[str, list[Table]] | None:
    """The page text and its table when a header line starts a block of lines whose cells
    (runs of characters separated by wide gaps) fall into the same columns."""
    try:
        if page.get_rotation() % 360:
            return None
        boxes = _CharBoxes(textpage, textpage.count_chars())
        raw = textpage.get_text_range() if raw is None else raw
        found = _column_table(textpage, page.get_height(), boxes, raw, starts)
        if not found:
            return None
        height = page.get_height()
        _, top, _, bottom = found[0]
        placed = _placed_lines(raw, boxes, (found[0][0], height - bottom, found[0][2], height - top))
        return _text_with_tables(page, height, [found], "pdf_columns", textpage, placed, raw)  # found: they line up
    except pypdfium2.PdfiumError:
        return None


def _line_segments(boxes, raw: str, start: int, end: int) -> list[tuple[float, float, int, int]]:
    """(x0, x1, first, last) of each run of words in raw[start:end] with no wide gap between them.
    A gap wide enough to separate cells comes with a blank in pdfium's text (a generated space), so
    only each word's first and last characters are measured. A justified line stretches every blank
    alike: when its narrowest blank is wide, a gap must be wider than `JUSTIFIED_GAP_SHARE` times it."""
    words = []
    for m in _WORD.finditer(raw, start, end):
        first, last = m.start(), m.end() - 1
        words.append((boxes[first][0], max(boxes[first][2], boxes[last][2]), first, last))
    gaps = [b[0] - a[1] for a, b in zip(words, words[1:])]
    limit = COLUMN_GAP_PT
    if len(gaps) >= MIN_JUSTIFIED_GAPS:
        limit = max(limit, JUSTIFIED_GAP_SHARE * min(gaps))
    segments: list[list] = []
    for k, (left, right, first, last) in enumerate(words):
        if segments and gaps[k - 1] <= limit:
            segments[-1][1], segments[-1][3] = max(segments[-1][1], right), last
        else:
            segments.append([left, right, first, last])
    return [tuple(s) for s in segments]


def _column_table(textpage, height: float, boxes=None, raw: str | None = None, starts: list[int] | None = None):
    """(bbox, row lines, rows) of the first table found by column alignment under a header line, or None.
    A caller that has the page's raw text and its header lines (`header_lines(raw)`) passes them.

    The table's words are placed by position: pdfium's lines from the header on, while they read like
    table lines (several cells, or one narrow cell), are regrouped into visual lines by their words'
    height on the page, since pdfium writes a row whose cells wrap as one line per cell. Columns are
    the runs of x the cells of lines with several cells cover. A visual line that leaves the anchor
    column (the one most lines fill: a number or status column, which never wraps) empty continues
    the row above (a wrapped cell), unless it opens a group ("II. …")."""
    raw = textpage.get_text_range() if raw is None else raw
    if len(raw) != textpage.count_chars():
        return None  # characters and text do not line up one to one
    if boxes is None:
        boxes = _CharBoxes(textpage, len(raw))
    starts = header_lines(raw) if starts is None else starts
    if not starts:
        return None
    lines = line_spans(raw)
    for header_start in starts:
        first = next(k for k, (a, b) in enumerate(lines) if a <= header_start <= b)
        found = _column_block(raw, boxes, lines, first)
        if found is not None:
            visual, runs = found
            rows = _column_rows(raw, visual, runs)
            if len(rows) < 1 + MIN_COLUMN_ROWS:
                continue
            ends = [boxes[i] for line in visual for _, _, a, b in line[1] for i in (a, b)]
            x0 = min(b[0] for b in ends) - 1
            x1 = max(b[2] for b in ends) + 1
            y_low = min(b[1] for b in ends) - 1
            y_high = max(b[3] for b in ends) + 1
            return _table_entry((x0, height - y_high, x1, height - y_low), rows)
    return None


def _column_block(raw: str, boxes, lines: list[tuple[int, int]], first: int):
    """(visual lines top first, each (y, segments); column runs) of the table whose header is pdfium
    line `first`, or None."""
    header = _line_segments(boxes, raw, *lines[first])
    if len(header) < 2:
        return None
    width = header[-1][1] - header[0][0]
    words = []
    for a, b in lines[first:]:
        segments = _line_segments(boxes, raw, a, b)
        if not segments:
            continue
        if len(segments) == 1 and segments[0][1] - segments[0][0] > NARROW_CELL_SHARE * width:
            break  # a line of prose: the table has ended
        for x0, x1, i, j in segments:
            words.append(((boxes[i][1] + boxes[i][3]) / 2, boxes[i][3] - boxes[i][1], x0, x1, i, j))
    visual: list[list] = []  # [y, height, segments]
    for y, h, x0, x1, i, j in sorted(words, key=lambda w: (-w[0], w[2])):
        if visual and abs(visual[-1][0] - y) <= SAME_LINE_SHARE * max(h, visual[-1][1]):
            visual[-1][2].append((x0, x1, i, j))
        else:
            visual.append([y, h, [(x0, x1, i, j)]])
    lines_out = [(y, sorted(segments)) for y, _, segments in visual]
    runs: list[list[float]] = []
    for x0, x1 in sorted((seg[0], seg[1]) for _, segments in lines_out if len(segments) >= 2 for seg in segments):
        if runs and x0 <= runs[-1][1] + 1.0:
            runs[-1][1] = max(runs[-1][1], x1)
        else:
            runs.append([x0, x1])
    if len(runs) < 2:
        return None
    kept = []
    for y, segments in lines_out:  # a lone cell must sit in one column: else the table has ended
        cols = [_run_of(runs, seg) for seg in segments]
        if None in cols:
            break
        kept.append((y, segments))
    return kept, runs


def _anchor_column(header: dict[int, list[str]], filled: list[set[int]], n_cols: int) -> int:
    """The column every row fills on its first line and no cell wraps in: the number column, else a
    status column, by the header's words; else the column most lines fill."""
    roles = {col: header_role(" ".join(words)) for col, words in header.items()}
    for wanted in ANCHOR_ROLES:
        col = next((c for c in sorted(roles) if roles[c] == wanted), None)
        if col is not None:
            return col
    counts = Counter(col for cols in filled for col in cols)
    return max(range(n_cols), key=lambda col: (counts[col], -col))


def _run_of(runs: list[list[float]], segment) -> int | None:
    """The column run a segment starts in, when it does not reach into the next run."""
    x0, x1 = segment[0], segment[1]
    for k, (r0, r1) in enumerate(runs):
        if r0 - 1.0 <= x0 <= r1:
            following = runs[k + 1][0] if k + 1 < len(runs) else math.inf
            return k if x1 < following else None
    return None


def _column_rows(raw: str, visual, runs) -> list[list[str]]:
    """The table's rows. A row begins at each visual line that fills the anchor column (the header's
    line, the number or status column) or opens a group ("II. …"); any other line belongs to a wrapped
    cell: to the row above when cells are aligned to the top, to the nearest row when they are centred
    (an anchor cell between two lines of one cell says so)."""
    filled = [{_run_of(runs, seg) for seg in segments} for _, segments in visual]
    lines = []
    for segments in (segments for _, segments in visual):
        texts: dict[int, list[str]] = {}
        for seg in segments:
            texts.setdefault(_run_of(runs, seg), []).append(_collapsed_spaces(raw[seg[2]:seg[3] + 1]))
        lines.append(texts)
    anchor = _anchor_column(lines[0], filled, len(runs))
    starts = [k for k, (texts, cols) in enumerate(zip(lines, filled))
              if k == 0 or anchor in cols or _GROUP_LABEL.match(" ".join(texts.get(min(cols), [])))]
    ys = [y for y, _ in visual]
    centred = _centred(ys, filled, starts)
    owner = []
    for k, y in enumerate(ys):
        above = max((s for s in starts if s <= k), default=0)
        below = min((s for s in starts if s > k), default=None)
        if centred and below is not None and k not in starts and abs(ys[below] - y) < abs(ys[above] - y):
            owner.append(below)
        else:
            owner.append(above)
    rows: dict[int, list[list[str]]] = {s: [[] for _ in runs] for s in starts}
    for k, texts in enumerate(lines):
        for col, parts in texts.items():
            rows[owner[k]][col].extend(parts)
    return [[" ".join(parts) for parts in rows[s]] for s in starts]


def _centred(ys: list[float], filled: list[set[int]], starts: list[int]) -> bool:
    """Are the table's cells centred vertically: does a row's anchor line lie between two lines of
    one of its cells (lines of no anchor right above and below it, in a column the anchor line leaves
    empty)? When cells are aligned to the top, the anchor line holds each cell's first line."""
    start_set = set(starts)
    for s in starts[1:]:
        before = s - 1 if s - 1 >= 0 and s - 1 not in start_set else None
        after = s + 1 if s + 1 < len(ys) and s + 1 not in start_set else None
        if before is not None and after is not None and (filled[before] & filled[after]) - filled[s]:
            return True
    return False


# --- running headers, footers and page numbers ------------------------------

def find_furniture(pages: list[str]) -> list[tuple[int, int]]:
    """Spans of `"\\f".join(pages)` that are running headers, footers or page numbers.

    A span covers the line and its line break. Lines qualify only among the
    first and last `_EDGE_LINES` non-empty lines of a page, and only when they
    repeat: the same text (digits ignored) at the same edge on several pages,
    or a lone number that follows the page index.
    """
    if len(pages) < 2:
        return []
    page_offsets = [0, *_page_starts(pages)]
    edge_lines: list[list[tuple[str, int, int]]] = []  # per page: (edge, start, end) with global offsets
    for page_index, text in enumerate(pages):
        top, bottom = _edge_lines(text)
        chosen = [("top", *span) for span in top]
        chosen += [("bottom", *span) for span in bottom if span not in top]
        base = page_offsets[page_index]
        edge_lines.append([(edge, base + start, base + end) for edge, start, end in chosen])
    text = PAGE_BREAK.join(pages)

    spans: set[tuple[int, int]] = set()
    # Page numbers: a lone number whose difference to the page index is the same on many pages.
    numbered = []
    for page_index, lines in enumerate(edge_lines):
        for _, start, end in lines:
            match = _PAGE_NUMBER_LINE.fullmatch(text, start, end)
            if match:
                numbered.append((int(match.group(1)) - page_index, start, end))
    if numbered:
        shift, support = Counter(shift for shift, _, _ in numbered).most_common(1)[0]
        if support >= max(2, math.ceil(0.3 * len(pages))):
            spans |= {(start, end) for s, start, end in numbered if s == shift}
    # Running headers and footers: the same line, digits ignored, at the same edge of many pages.
    # Pages that are the same throughout (a form printed twice) are counted once: they repeat
    # as a whole, which says nothing about their edges.
    keyed = Counter()
    occurrences: dict[tuple[str, str], list[tuple[int, int]]] = {}
    repeated = _repeated_pages(pages)
    for page_repeated, lines in zip(repeated, edge_lines):
        seen_here = set()
        for edge, start, end in lines:
            line = _collapsed_spaces(text[start:end])
            if sum(1 for _ in itertools.islice(_WORD_CHAR_NOT_DIGIT.finditer(line), _MIN_EDGE_WORD_CHARS)) \
                    < _MIN_EDGE_WORD_CHARS:
                continue
            key = (edge, _DIGITS.sub("#", line))
            occurrences.setdefault(key, []).append((start, end))
            if key not in seen_here and not page_repeated:
                keyed[key] += 1
                seen_here.add(key)
    distinct_pages = repeated.count(False)
    threshold = max(2, math.ceil(0.3 * distinct_pages))
    for key, count in keyed.items():
        if count >= threshold:
            spans |= set(occurrences[key])
    return sorted((start, end + 1 if text[end:end + 1] == "\n" else end) for start, end in spans)


def _edge_lines(text: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Spans of a page's first and of its last `_EDGE_LINES` non-blank lines (they may overlap on a
    short page), without reading the lines in between: the last are looked for from a line start
    that enough line breaks before the end, further back while too few of them hold text."""
    top = [m.span() for m in itertools.islice(_NONBLANK_LINE.finditer(text), _EDGE_LINES)]
    start = len(text)
    while True:
        for _ in range(_EDGE_LINES):
            start = text.rfind("\n", 0, start) if start > 0 else -1
        bottom = [m.span() for m in _NONBLANK_LINE.finditer(text, start + 1)]
        if len(bottom) >= _EDGE_LINES or start < 0:
            return top, bottom[-_EDGE_LINES:]


# Letters a page's text keeps whatever its spaces and digits: pages that differ in how many of
# them they hold differ, spaces and digits aside.
_COUNTED_LETTERS = "nhtg"


def _repeated_pages(pages: list[str]) -> list[bool]:
    """Whether each page is the same as an earlier one, spaces and digits aside. Pages are
    compared in full only with the earlier pages that hold as many of each of a few letters."""
    by_letters: dict[tuple[int, ...], list[int]] = {}
    for index, page in enumerate(pages):
        by_letters.setdefault(tuple(page.count(letter) for letter in _COUNTED_LETTERS), []).append(index)
    repeated = [False] * len(pages)
    for indices in by_letters.values():
        if len(indices) > 1:
            seen: set[str] = set()
            for index in indices:
                key = _DIGITS.sub("#", _collapsed_spaces(pages[index]))
                repeated[index] = key in seen
                seen.add(key)
    return repeated


# Whitespace to str.split but not to the regular expressions' \s (nor to `_SPACES`).
_SPLIT_ONLY_SPACE = regex.compile("[\x1c-\x1f]")


def _collapsed_spaces(text: str) -> str:
    """`_SPACES.sub(" ", text).strip()`, through str.split when the two agree on what a space is
    (the regular expression's substitution is the slower, on a page as on a cell)."""
    if _SPLIT_ONLY_SPACE.search(text):  # one scan, not a search per separator
        return _SPACES.sub(" ", text).strip()
    return " ".join(text.split())
