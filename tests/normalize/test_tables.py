"""Tables as rows and cells of the normalized text: DOCX, PDF (grid, pdfplumber, column alignment,
continued over pages), pipe tables; pages without a table keep the plain text path."""
from __future__ import annotations

import pytest

from normalize.pipeline import normalize_path, normalize_raw
from normalize.raw import RawDocument
from normalize.tables import find_text_tables, join_continued
from tests.fixtures import build


def grid(doc, table) -> list[list[str]]:
    return [[doc.text[c.char_start:c.char_end] for c in row] for row in table.rows()]


def assert_cells_are_spans(doc):
    for table in doc.tables:
        assert 0 <= table.char_start <= table.char_end <= len(doc.text)
        for cell in table.cells:
            assert table.char_start <= cell.char_start <= cell.char_end <= table.char_end
            quote = doc.text[cell.char_start:cell.char_end]
            assert quote == quote.strip() and "\n" not in quote


@pytest.fixture(scope="module")
def fixtures(tmp_path_factory):
    font = build.find_vietnamese_font()
    folder = tmp_path_factory.mktemp("tables")
    paths = build.table_fixtures(folder, None if build.typesetting_problem() else font)
    return {p.stem: normalize_path(p) for p in paths}


def pdf(fixtures, name):
    if name not in fixtures:
        pytest.skip(build.typesetting_problem() or "no PDF fixture")
    return fixtures[name]


def test_word_table_with_cells_merged_down_and_across(fixtures):
    doc = fixtures["docx_criteria_merged"]
    assert_cells_are_spans(doc)
    header, criteria, signature = doc.tables
    assert grid(doc, header) == [["UBND XÃ TÂN LẬP", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                                 ["Số: 168/BC-UBND", "Tân Lập, ngày 15 tháng 11 năm 2024"]]
    assert criteria.header_rows == 1  # the row marked to repeat on each page
    assert criteria.n_cols == 6
    rows = grid(doc, criteria)
    assert rows[1] == ["I", "QUY HOẠCH"]
    group = criteria.rows()[1][1]
    assert (group.col, group.col_span) == (1, 5)
    giao_thong = next(r for r in criteria.rows() if doc.text[r[0].char_start:r[0].char_end] == "2")
    assert [(c.row_span, doc.text[c.char_start:c.char_end]) for c in giao_thong[:2]] == [(2, "2"), (2, "Giao thông")]
    below = criteria.rows()[giao_thong[0].row + 1]
    assert [c.col for c in below] == [2, 3, 4, 5]
    assert criteria.cell_at(giao_thong[0].row + 1, 1) is giao_thong[1]
    assert doc.text[below[0].char_start:below[0].char_end].startswith("2.2.")
    assert grid(doc, signature)[0][1].endswith("Nguyễn Văn An")


def test_word_header_merged_across_mark_columns_and_a_nested_table(fixtures):
    doc = fixtures["docx_marks_nested_funding"]
    assert_cells_are_spans(doc)
    marks = doc.tables[1]
    top = marks.rows()[0]
    assert [(c.col, c.row_span, c.col_span) for c in top] == [(0, 2, 1), (1, 2, 1), (2, 1, 2), (4, 2, 1)]
    assert grid(doc, marks)[1] == ["Đạt", "Chưa đạt"]
    frame, nested = doc.tables[2], doc.tables[3]
    assert frame.n_rows == 1 and frame.n_cols == 1
    assert grid(doc, nested)[0] == ["TT", "Nguồn vốn", "Số tiền (triệu đồng)", "Tỷ lệ (%)"]
    assert grid(doc, nested)[1] == ["", "Tổng cộng", "12.500", "100"]
    inside = frame.cells[0]
    assert all(inside.char_start <= c.char_start and c.char_end <= inside.char_end for c in nested.cells)


def test_docx_text_is_unchanged_by_the_table_model(tmp_path):
    """The line-based extractors still see one " | "-joined line per row."""
    path = build.docx_with_table(tmp_path / "plan.docx", ["Mở đầu.", "Nội dung.", "Kết quả:"], table_after=2)
    doc = normalize_path(path)
    lines = doc.text.split("\n")
    assert " | ".join(build.CRITERIA_ROWS[2]) in lines
    (table,) = doc.tables
    assert grid(doc, table)[3] == list(build.CRITERIA_ROWS[2])


def test_ruled_pdf_tables_through_pdfplumber_with_a_cell_merged_across(fixtures):
    doc = pdf(fixtures, "pdf_ruled")
    assert_cells_are_spans(doc)
    criteria, money = doc.tables
    assert criteria.source == money.source == "pdf_plumber"  # two tables on the page: not one grid
    assert grid(doc, criteria)[4] == ["4", "Điện", "Chưa hoàn thành", "Chưa đạt"]
    total = money.rows()[1]
    assert [(c.col, c.col_span, doc.text[c.char_start:c.char_end]) for c in total] == [(0, 2, "Tổng cộng"), (2, 1, "25,5")]
    assert criteria.page == 1


def test_ruled_pdf_cells_merged_down_through_pdfplumber(tmp_path):
    if build.typesetting_problem():
        pytest.skip(build.typesetting_problem())
    doc = normalize_path(build.pdf_rowspan_table(tmp_path / "rowspan.pdf", build.find_vietnamese_font()))
    assert_cells_are_spans(doc)
    (table,) = doc.tables
    assert table.source == "pdf_plumber"
    merged = table.rows()[1]
    assert [(c.col, c.row_span, doc.text[c.char_start:c.char_end]) for c in merged[:2]] == [(0, 2, "2"), (1, 2, "Giao thông")]
    assert [c.col for c in table.rows()[2]] == [2, 3]
    assert table.cell_at(2, 1) is merged[1]


def test_table_continued_on_the_next_page_is_one_table(fixtures):
    doc = pdf(fixtures, "pdf_two_pages")
    assert_cells_are_spans(doc)
    (table,) = doc.tables
    assert table.pages == (1, 2) and table.source == "pdf_grid"
    rows = grid(doc, table)
    assert rows[0] == ["TT", "Tên tiêu chí", "Kết quả thực hiện", "Đánh giá"]
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 20)]  # the repeated header row is not a row
    assert doc.text.count("TT | Tên tiêu chí") == 2  # ...but stays in the text


def test_pdf_table_without_ruling_lines_by_column_alignment(fixtures):
    doc = pdf(fixtures, "pdf_unruled")
    assert_cells_are_spans(doc)
    (table,) = doc.tables
    assert table.source == "pdf_columns"
    rows = grid(doc, table)
    assert rows[0] == ["TT", "Tên tiêu chí", "Kết quả thực hiện", "Đánh giá"]
    assert rows[10] == ["10", "Thu nhập", "Chưa hoàn thành", "Chưa đạt"]
    assert "10 | Thu nhập | Chưa hoàn thành | Chưa đạt" in doc.text


def test_unruled_table_without_a_number_column_with_wrapped_cells(fixtures):
    doc = pdf(fixtures, "pdf_unruled_wrapped")
    assert_cells_are_spans(doc)
    (table,) = doc.tables
    assert (table.source, table.n_rows, table.n_cols) == ("pdf_columns", 20, 3)
    rows = grid(doc, table)
    assert rows[0] == ["Tên tiêu chí", "Kết quả thực hiện", "Đánh giá"]
    assert rows[13] == ["Tổ chức sản xuất và phát triển kinh tế nông thôn",
                        "Chưa hoàn thành các nội dung theo quy định của tỉnh", "Chưa đạt"]  # wrapped over lines
    assert rows[10] == ["Thu nhập", "Đang thực hiện", "Phấn đấu đạt năm 2025"]
    assert "Trên đây là báo cáo" in doc.text and "Trên đây" not in doc.text[table.char_start:table.char_end]


@pytest.mark.parametrize("v_align", ["TOP", "MIDDLE"])
def test_unruled_cells_wrapped_over_three_lines_aligned_to_top_or_centred(tmp_path, v_align):
    if build.typesetting_problem():
        pytest.skip(build.typesetting_problem())
    doc = normalize_path(build.pdf_unruled_aligned(tmp_path / "t.pdf", build.find_vietnamese_font(), v_align))
    (table,) = doc.tables
    assert grid(doc, table)[1:] == [
        ["1", "Quy hoạch", "Hoàn thành", "Đạt"],
        ["13", "Tổ chức sản xuất và phát triển kinh tế nông thôn", "Chưa hoàn thành việc xây dựng", "Chưa đạt"],
        ["17", "Môi trường và an toàn thực phẩm", "Chưa hoàn thành", "Chưa đạt"],
        ["18", "Hệ thống chính trị", "Hoàn thành", "Đạt"]]


def test_word_tables_split_by_hand_are_one_table_each(fixtures):
    doc = fixtures["docx_split_by_hand"]
    assert_cells_are_spans(doc)
    criteria = next(t for t in doc.tables if t.n_cols == 4)
    rows = grid(doc, criteria)
    assert criteria.n_rows == 20 and rows[0] == ["TT", "Tên tiêu chí", "Kết quả thực hiện", "Đánh giá"]
    assert [r[0] for r in rows[1:]] == [str(n) for n in range(1, 20)]  # the repeated header is not a row
    money = next(t for t in doc.tables if t.n_cols == 3)
    assert [r[1] for r in grid(doc, money)] == ["Nguồn vốn", "Ngân sách huyện", "Ngân sách xã", "Vốn lồng ghép",
                                                 "Nhân dân đóng góp", "Tổng cộng"]  # split without a header


@pytest.mark.parametrize("between, second, joined", [
    ("\n\n", "| TT | Tên tiêu chí | Đánh giá |\n| 3 | Điện | Đạt |\n| 4 | Trường học | Đạt |\n", True),
    ("\n\n", "| 3 | Điện | Đạt |\n| 4 | Trường học | Đạt |\n", True),
    ("\n\n", "| TT | Nguồn vốn | Số tiền |\n| 1 | Ngân sách xã | 100 |\n", False),  # a header of its own
    ("\n\nBảng 2. Kinh phí\n\n", "| 3 | Điện | Đạt |\n| 4 | Trường học | Đạt |\n", False),  # text between
    ("\n\n", "| 3 | Điện |\n| 4 | Trường học |\n", False),  # other columns
])
def test_tables_split_by_hand(between, second, joined):
    from normalize.tables import join_split

    text = "| TT | Tên tiêu chí | Đánh giá |\n| 1 | Quy hoạch | Đạt |\n| 2 | Giao thông | Đạt |" + between + second
    tables = find_text_tables(text)
    assert len(tables) == 2
    out = join_split(tables, text)
    assert len(out) == (1 if joined else 2)
    if joined:
        assert [text[r[0].char_start:r[0].char_end] for r in out[0].rows()] == ["TT", "1", "2", "3", "4"]


def test_header_lines_without_a_number_column():
    from gazetteer.tables import header_lines

    text = "Bảng tự đánh giá\nTên tiêu chí  Kết quả thực hiện  Đánh giá\nQuy hoạch  Hoàn thành  Đạt\n"
    assert header_lines(text) == [text.index("Tên tiêu chí")]
    prose = "Kết quả thực hiện các tiêu chí được đánh giá như sau.\n"
    assert header_lines(prose) == []  # roles enough, but the line opens no column
    assert header_lines("TT Tên tiêu chí Kết quả Đánh giá\n") == [0]


def test_pages_without_tables_stay_on_the_text_path(tmp_path, monkeypatch):
    if build.typesetting_problem():
        pytest.skip(build.typesetting_problem())
    from normalize.readers import pdf as pdf_reader

    calls = []
    monkeypatch.setattr(pdf_reader, "_pages_with_tables", lambda *a: calls.append("ruled") or {})
    monkeypatch.setattr(pdf_reader, "_page_with_column_table", lambda *a: calls.append("columns"))
    made = build.typeset_pdf(tmp_path / "plain.pdf", build.sample_paragraphs(limit=12), build.find_vietnamese_font())
    doc = normalize_path(made.path)
    assert doc.status == "ok" and doc.tables == ()
    assert calls == []


def test_pipe_tables_in_markdown_keep_cells_through_markup_stripping():
    text = ("Bảng 1\n\n| TT | Tên tiêu chí | Kết quả |\n|:--|---|--:|\n| 1 | **Quy hoạch** | Đạt |\n"
            "| 2 | Giao thông | Chưa đạt |\nHết.\n")
    doc = normalize_raw(RawDocument(text=text, file_type="md", markup="markdown", tables=find_text_tables(text)))
    (table,) = doc.tables
    assert_cells_are_spans(doc)
    assert table.header_rows == 1 and table.source == "pipe"
    assert grid(doc, table) == [["TT", "Tên tiêu chí", "Kết quả"], ["1", "Quy hoạch", "Đạt"], ["2", "Giao thông", "Chưa đạt"]]


@pytest.mark.parametrize("text", [
    "Một dòng | có một vạch.\nDòng sau không có.",
    "| chỉ một dòng | bảng |\n\nđoạn văn",
    "a || b",
    "",
])
def test_text_that_is_not_a_pipe_table(text):
    assert find_text_tables(text) == []


def test_rows_without_outer_bars_and_empty_cells():
    text = "TT | Tên | Kết quả\n1 | Quy hoạch |\n2 | | Đạt"
    (table,) = find_text_tables(text)
    assert [[text[c.char_start:c.char_end] for c in row] for row in table.rows()] == [
        ["TT", "Tên", "Kết quả"], ["1", "Quy hoạch", ""], ["2", "", "Đạt"]]


def test_tables_on_far_pages_or_of_other_widths_are_not_joined():
    from normalize.document import Table, TableCell

    text = "a | b\nc | d\fa | b\ne | f"

    def table(offset, page, cols=2):
        cells = tuple(TableCell(r, c, offset + 6 * r + 4 * c, offset + 6 * r + 4 * c + 1) for r in range(2) for c in range(cols))
        return Table(cells, 2, cols, 0, page, "pdf_grid", offset, offset + 11, (page,))

    assert len(join_continued([table(0, 1), table(12, 2)], text)) == 1
    assert len(join_continued([table(0, 1), table(12, 3)], text)) == 2
    assert len(join_continued([table(0, 1), table(12, 2, cols=1)], text)) == 2
    # prose between the first table and the page's end: two tables
    prose = "a | b\nc | d\nMột.\nHai.\nBa.\nBốn.\fa | b\ne | f"
    assert len(join_continued([table(0, 1), table(len(prose) - 11, 2)], prose)) == 2


def test_a_new_table_with_its_own_header_on_the_next_page_is_not_joined():
    from normalize.document import Table, TableCell

    text = "1 | Quy hoạch\n2 | Điện\fTT | Nguồn vốn\n1 | Ngân sách xã"
    first = Table((TableCell(0, 0, 0, 1), TableCell(0, 1, 4, 13), TableCell(1, 0, 14, 15), TableCell(1, 1, 18, 22)),
                  2, 2, 0, 1, "pdf_grid", 0, 22, (1,))
    b = text.index("TT")
    second = Table((TableCell(0, 0, b, b + 2), TableCell(0, 1, b + 5, b + 14), TableCell(1, 0, b + 15, b + 16),
                    TableCell(1, 1, b + 19, len(text))), 2, 2, 0, 2, "pdf_grid", b, len(text), (2,))
    assert text[b + 5:b + 14] == "Nguồn vốn"
    assert len(join_continued([first, second], text)) == 2
    body = text.replace("TT | Nguồn vốn", "3 | Y tế\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0")
    assert len(join_continued([first, second], body)) == 1  # a body row of as many cells continues it


def test_table_flattened_to_one_cell_per_line_between_blank_lines(tmp_path):
    from normalize.tables import find_cell_line_tables

    text = ("TT\n\nTên tiêu chí\n\nNội dung tiêu chí\n\nĐVT\n\nĐánh giá\n\nI. QUY HOẠCH\n\n \n\n1\n\nQuy hoạch\n\n \n\n"
            "1.1. Có quy hoạch\n\n \n\nĐạt\n\n1.2. Công bố\nquy hoạch\n\n%\n\nĐạt\n")
    (table,) = find_cell_line_tables(text)
    rows = [[(c.col, text[c.char_start:c.char_end]) for c in row] for row in table.rows()]
    assert rows[0] == [(0, "TT"), (1, "Tên tiêu chí"), (2, "Nội dung tiêu chí"), (3, "ĐVT"), (4, "Đánh giá")]
    assert rows[1] == [(0, "I. QUY HOẠCH"), (1, "")]  # a line of blanks is an empty cell
    assert rows[2] == [(0, "1"), (1, "Quy hoạch"), (2, "")]
    assert rows[3] == [(2, "1.1. Có quy hoạch"), (3, ""), (4, "Đạt")]  # an item row starts at the content column
    assert rows[4] == [(2, "1.2. Công bố\nquy hoạch"), (3, "%"), (4, "Đạt")]
    path = tmp_path / "flat.txt"
    path.write_text(text, encoding="utf-8")
    doc = normalize_path(path)
    assert_cells_are_spans_allowing_lines(doc)


def assert_cells_are_spans_allowing_lines(doc):
    for table in doc.tables:
        for cell in table.cells:
            assert table.char_start <= cell.char_start <= cell.char_end <= table.char_end
            quote = doc.text[cell.char_start:cell.char_end]
            assert quote == quote.strip()


def test_table_flattened_with_bar_lines_between_cells():
    from normalize.tables import find_cell_line_tables

    text = "TT\n|\nTên tiêu chí\n|\nNội dung tiêu\nchí\n|\nĐiểm chuẩn\n|\n1\n|\nQuy hoạch\n|\n1. Lập nhiệm vụ\n|\n15\n|\n|\n"
    (table,) = find_cell_line_tables(text)
    rows = [[text[c.char_start:c.char_end] for c in row] for row in table.rows()]
    assert rows == [["TT", "Tên tiêu chí", "Nội dung tiêu\nchí", "Điểm chuẩn"], ["1", "Quy hoạch"], ["1. Lập nhiệm vụ", "15"]]
    assert find_cell_line_tables("TT\n|\nmột\n|\nhai\n") == []


def test_region_norm_table_flattened_into_wrapped_lines(tmp_path):
    from normalize.tables import NORM_ROWS, find_norm_row_tables

    text = ("Chi tieu theo vung\nTT Ten tieu chi Noi dung tieu chi Chi tieu\nchung TDMN Dong bang Tay Nguyen\n"
            "6.1. Ty le thon co\nnha van hoa dat chuan 80% 60% 100% 70%\nva duoc su dung (50% (30% (60% (40%\n"
            "6 Van hoa\n6.2. Ty le xa co san the thao 90% 80% 95% 85%\n")
    (table,) = find_norm_row_tables(text)
    assert (table.source, table.n_rows, table.n_cols, table.header_rows) == (NORM_ROWS, 3, 6, 0)
    rows = [[(c.col, c.row_span, text[c.char_start:c.char_end]) for c in row] for row in table.rows()]
    assert rows[0] == [(0, 2, "6.1"), (1, 1, "Ty le thon co\nnha van hoa dat chuan"), (2, 1, "80%"), (3, 1, "60%"),
                       (4, 1, "100%"), (5, 1, "70%")]
    assert rows[1][0] == (1, 1, "va duoc su dung (")  # the values of the next line continue 6.1: its number spans both
    assert [v for _, _, v in rows[1][1:]] == ["50%", "30%", "60%", "40%"]
    assert rows[2][:2] == [(0, 1, "6.2"), (1, 1, "Ty le xa co san the thao")]
    path = tmp_path / "norms.txt"
    path.write_text(text, encoding="utf-8")
    assert_cells_are_spans_allowing_lines(normalize_path(path))
    assert find_norm_row_tables(text.replace("TDMN", "").replace("Dong bang", "").replace("Tay Nguyen", "")) == []
