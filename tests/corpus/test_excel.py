"""ntm.xlsx: a sheet per table in the run's language, the wide criteria sheet, frozen header, autofilter,
sensible widths, text and money kept, the document's place beside doc_id."""
from __future__ import annotations

import pytest
from openpyxl import load_workbook

from corpus.excel import (
    MAX_WIDTH,
    MIN_WIDTH,
    PLACE_COLUMNS,
    STATUS_FILL,
    WIDE_SHEET,
    column_title,
    fold_status,
    sheet_title,
    write_xlsx,
)
from corpus.report import labels
from corpus.schema import TABLE_NAMES, columns
from corpus.tables import build_tables
from tests.corpus.test_report import _with_copies, synthetic_tables
from tests.extract.helpers import load_cases


def _sheet_order(lang: str) -> list[str]:
    names = [sheet_title(n, lang) for n in TABLE_NAMES]
    return names[:1] + [sheet_title(WIDE_SHEET, lang)] + names[1:]


def _header(ws) -> list:
    return [c.value for c in ws[1]]


def test_one_sheet_per_table_with_frozen_filtered_header_in_words(tmp_path):
    tables, _ = synthetic_tables(3)
    path = write_xlsx(tmp_path, tables)
    assert path == tmp_path / "ntm.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == _sheet_order("vi")
    assert wb.sheetnames[:2] == ["Văn bản", "Ma trận tiêu chí"]
    for name in TABLE_NAMES:
        ws = wb[sheet_title(name)]
        header = _header(ws)
        shown = columns(name) if name == "documents" else [c for c in columns(name) if c != "doc_id"]
        assert {column_title(name, c) for c in shown} <= set(header)
        assert not set(header) & (set(columns(name)) - {"doc_id"}), ("no contract code as a header", name)
        assert ws["A1"].font.bold
        assert ws.freeze_panes == "A2"
        n = len(tables[name])
        assert ws.max_row == n + 1
        assert ws.auto_filter.ref.startswith("A1:") and ws.auto_filter.ref.endswith(str(max(1, n + 1)))
        for letter, dim in ws.column_dimensions.items():
            # xlsxwriter stores a width with its cell padding (0.71 of a character) added
            assert MIN_WIDTH <= dim.width <= MAX_WIDTH + 1, (name, letter, dim.width)


def test_english_workbook_has_english_sheets_headers_and_words(tmp_path):
    tables, _ = synthetic_tables(1)
    wb = load_workbook(write_xlsx(tmp_path, tables, lang="en"))
    assert wb.sheetnames == _sheet_order("en") and wb.sheetnames[:2] == ["Documents", "Criteria matrix"]
    ws = wb["Funding"]
    header = _header(ws)
    assert "Amount (VND)" in header and "Source" in header
    sources = {ws.cell(row=r, column=header.index("Source") + 1).value for r in range(2, ws.max_row + 1)}
    assert "District budget" in sources and "ngan_sach_huyen" not in sources
    with pytest.raises(ValueError, match="vi"):
        write_xlsx(tmp_path / "xx", tables, lang="xx")


def test_values_keep_vietnamese_money_nulls_and_show_enums_as_words(tmp_path):
    tables, _ = synthetic_tables(1)
    wb = load_workbook(write_xlsx(tmp_path, tables))
    ws = wb["Nguồn vốn"]
    header = _header(ws)
    amount = ws.cell(row=2, column=header.index("Số tiền (đồng)") + 1)
    assert amount.value == 3_000_000_000 and amount.number_format == "#,##0"
    assert ws.cell(row=2, column=header.index("Nguồn vốn") + 1).value is None
    assert ws.cell(row=3, column=header.index("Nguồn vốn") + 1).value == "Ngân sách huyện"
    assert ws.cell(row=2, column=header.index("Vai trò") + 1).value == "Tổng"
    docs = wb["Văn bản"]
    dh = _header(docs)
    assert docs.cell(row=2, column=dh.index("Xã") + 1).value == "Xã Số 0"
    assert docs.cell(row=2, column=dh.index("Loại văn bản") + 1).value == "Kế hoạch"
    assert docs.cell(row=2, column=dh.index("Trạng thái đọc") + 1).value == "Đọc được"
    findings = wb["Phát hiện"]
    fh = _header(findings)
    assert findings.cell(row=2, column=fh.index("Kiểm tra") + 1).value == "Số khai ≠ số liệt kê"
    assert findings.cell(row=2, column=fh.index("Mức độ") + 1).value == "Lỗi"


def test_every_sheet_of_facts_shows_the_place_of_its_document_beside_doc_id(tmp_path):
    tables, _ = synthetic_tables(2)
    wb = load_workbook(write_xlsx(tmp_path, tables))
    for name in TABLE_NAMES:
        if name == "documents":
            continue
        ws = wb[sheet_title(name)]
        header = _header(ws)
        at = header.index(column_title(name, "doc_id"))
        assert header[at + 1:at + 1 + len(PLACE_COLUMNS)] == [column_title(name, c) for c in PLACE_COLUMNS], name
        for row in range(2, ws.max_row + 1):
            doc_id = ws.cell(row=row, column=at + 1).value
            i = int(doc_id, 16)
            assert ws.cell(row=row, column=at + 2).value == f"Xã Số {i}"
            assert ws.cell(row=row, column=at + 3).value == ("Huyện Một" if i % 2 == 0 else "Huyện Hai")
            assert ws.cell(row=row, column=at + 4).value == "Tỉnh Thử"
            assert ws.cell(row=row, column=at + 5).value == 2024


def _wide(ws) -> dict:
    header = _header(ws)
    out = {}
    for r in range(2, ws.max_row + 1):
        commune = ws.cell(row=r, column=3).value
        if commune is None:
            continue
        period = ws.cell(row=r, column=5).value
        cells = {int(h): ws.cell(row=r, column=j + 1) for j, h in enumerate(header) if str(h).isdigit()}
        out[(commune, period)] = (cells, ws.cell(row=r, column=header.index(labels("vi")["met_count"]) + 1).value)
    return out


def test_wide_criteria_sheet_one_row_per_commune_set_and_period_coloured(tmp_path):
    tables, _ = synthetic_tables(3)
    ws = load_workbook(write_xlsx(tmp_path, tables))["Ma trận tiêu chí"]
    header = _header(ws)
    assert header[:5] == ["Tỉnh", "Huyện", "Xã", "Bộ tiêu chí", "Kỳ"]
    assert header[5:24] == [str(n) for n in range(1, 20)]
    assert ws.freeze_panes == "D2"
    rows = _wide(ws)
    assert set(rows) == {(f"Xã Số {i}", p) for i in range(3) for p in ("2023", "2024-Q1", "2024")}
    cells, met = rows[("Xã Số 0", "2023")]
    assert cells[17].value == "Đạt" and cells[17].fill.fgColor.rgb.endswith(STATUS_FILL["met"][1:])
    assert cells[1].value is None and met == 1
    assert rows[("Xã Số 0", "2024-Q1")][0][15].value == "Chưa đạt"
    assert rows[("Xã Số 0", "2024")][0][15].value == "Mục tiêu"
    unknown = rows[("Xã Số 1", "2023")][0][5]
    assert unknown.value == "Không rõ" and unknown.fill.fgColor.rgb.endswith(STATUS_FILL["unknown"][1:])
    inferred = rows[("Xã Số 2", "2024-Q1")][0][1]
    assert inferred.value == "Đạt*" and inferred.font.italic
    assert not rows[("Xã Số 0", "2023")][0][17].font.italic
    assert ws.cell(row=2, column=4).value == "Bộ tiêu chí 2021–2025"
    notes = {ws.cell(row=r, column=1).value for r in range(1, ws.max_row + 1)}
    assert labels("vi")["legend_blank"] in notes and labels("vi")["legend_inferred"] in notes


def test_wide_sheet_counts_copies_and_a_second_format_once(tmp_path):
    tables, texts = synthetic_tables(3)
    copied, _ = _with_copies(tables, texts)
    plain = load_workbook(write_xlsx(tmp_path / "plain", tables))["Ma trận tiêu chí"]
    twice = load_workbook(write_xlsx(tmp_path / "copied", copied))["Ma trận tiêu chí"]
    assert [[c.value for c in row] for row in plain.iter_rows()] == [[c.value for c in row] for row in twice.iter_rows()]
    docs = load_workbook(tmp_path / "copied" / "ntm.xlsx")["Văn bản"]
    assert docs.max_row == len(copied["documents"]) + 1, "every input file listed"


@pytest.mark.parametrize("case", load_cases("report_status_fold"))
def test_status_of_two_documents_folds_in_either_order(case):
    held, new, expect = tuple(case["held"]), tuple(case["new"]), tuple(case["expect"])
    assert fold_status(held, new) == expect
    assert fold_status(new, held)[0] == expect[0]
    assert fold_status(None, new) == new


def test_characters_a_cell_cannot_hold_are_dropped(tmp_path):
    tables = build_tables({"documents": [{"doc_id": "a" * 16, "path": "x\x01y.txt", "status": "ok"}]})
    ws = load_workbook(write_xlsx(tmp_path, tables))["Văn bản"]
    assert ws.cell(row=2, column=_header(ws).index("Đường dẫn tệp") + 1).value == "xy.txt"


def test_empty_tables_still_get_their_sheets(tmp_path):
    wb = load_workbook(write_xlsx(tmp_path, build_tables({})))
    assert wb.sheetnames == _sheet_order("vi")
    assert _header(wb["Tiêu chí"])[:1] == [column_title("criteria", "doc_id")]
    assert wb["Ma trận tiêu chí"].max_row == 5, "the header, a blank row and the three notes"


def test_wide_sheet_of_older_outputs_comes_from_criteria_rows(tmp_path):
    from tests.corpus.test_report import _one_commune_two_documents

    tables = _one_commune_two_documents("met", "met", table="criteria")
    ws = load_workbook(write_xlsx(tmp_path, tables))["Ma trận tiêu chí"]
    assert [ws.cell(row=2, column=c).value for c in (3, 5, 10)] == ["Xã Mẫu", "2023", "Đạt"]
    assert ws.cell(row=3, column=3).value is None, "two documents of one commune and period make one row"


@pytest.mark.parametrize("inline_max", [0, 10**9], ids=["own-process", "here"])
def test_workbook_job_writes_in_the_run_language(tmp_path, monkeypatch, inline_max):
    import corpus.views
    from corpus.tables import write_tables
    from corpus.views import ViewJob

    monkeypatch.setattr(corpus.views, "INLINE_MAX_PARQUET_BYTES", inline_max)
    tables, _ = synthetic_tables(1)
    out = tmp_path / "out"
    write_tables(tables, out)
    job = ViewJob("ntm.xlsx", write_xlsx, out, out, out, "en")
    assert (job.process is None) == (inline_max > 0)
    assert job.wait() is None
    job.cancel()  # after wait: nothing left to stop
    assert load_workbook(out / "ntm.xlsx").sheetnames == _sheet_order("en")


def _failing_view(out_dir, source, lang="vi"):
    """A view that cannot be written (a module-level function, as a view's process needs)."""
    raise OSError(f"disk full ({lang})")


@pytest.mark.parametrize("inline_max", [0, 10**9], ids=["own-process", "here"])
def test_a_view_that_fails_is_told_by_wait(tmp_path, monkeypatch, inline_max):
    import corpus.views
    from corpus.tables import write_tables
    from corpus.views import ViewJob

    monkeypatch.setattr(corpus.views, "INLINE_MAX_PARQUET_BYTES", inline_max)
    tables, _ = synthetic_tables(1)
    write_tables(tables, tmp_path / "out")
    problem = ViewJob("ntm.xlsx", _failing_view, tmp_path / "out", tmp_path / "out", tmp_path / "out", "vi").wait()
    assert problem is not None and "disk full (vi)" in problem
    assert not (tmp_path / "out" / "ntm.xlsx").exists()


def test_small_tables_are_written_at_once(tmp_path):
    from corpus.tables import write_tables
    from corpus.views import INLINE_MAX_PARQUET_BYTES, ViewJob, parquet_bytes

    tables, _ = synthetic_tables(1)
    out = tmp_path / "out"
    write_tables(tables, out)
    assert 0 < parquet_bytes(out) <= INLINE_MAX_PARQUET_BYTES
    calls = []
    ViewJob("ntm.xlsx", lambda *args: calls.append(args), out, out, "vi")
    assert calls == [(out, "vi")], "written before the job is handed back"
