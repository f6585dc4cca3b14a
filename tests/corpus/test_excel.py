"""ntm.xlsx: a sheet per table, frozen header, autofilter, sensible widths, text and money kept."""
from __future__ import annotations

from openpyxl import load_workbook

from corpus.excel import MAX_WIDTH, MIN_WIDTH, write_xlsx
from corpus.schema import TABLE_NAMES, columns
from corpus.tables import build_tables
from tests.corpus.test_report import synthetic_tables


def test_one_sheet_per_table_with_frozen_filtered_header(tmp_path):
    tables, _ = synthetic_tables(3)
    path = write_xlsx(tmp_path, tables)
    assert path == tmp_path / "ntm.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == list(TABLE_NAMES)
    for name in TABLE_NAMES:
        ws = wb[name]
        assert [c.value for c in ws[1]] == columns(name)
        assert ws["A1"].font.bold
        assert ws.freeze_panes == "A2"
        n = len(tables[name])
        assert ws.max_row == n + 1
        assert ws.auto_filter.ref.startswith("A1:") and ws.auto_filter.ref.endswith(str(max(1, n + 1)))
        for letter, dim in ws.column_dimensions.items():
            assert MIN_WIDTH <= dim.width <= MAX_WIDTH, (name, letter, dim.width)


def test_values_keep_vietnamese_money_and_nulls(tmp_path):
    tables, _ = synthetic_tables(1)
    ws = load_workbook(write_xlsx(tmp_path, tables))["funding"]
    header = [c.value for c in ws[1]]
    amount = ws.cell(row=2, column=header.index("amount_vnd") + 1)
    assert amount.value == 3_000_000_000 and amount.number_format == "#,##0"
    assert ws.cell(row=2, column=header.index("source") + 1).value is None
    docs = load_workbook(tmp_path / "ntm.xlsx")["documents"]
    assert docs.cell(row=2, column=columns("documents").index("commune") + 1).value == "Xã Số 0"


def test_characters_a_cell_cannot_hold_are_dropped(tmp_path):
    tables = build_tables({"documents": [{"doc_id": "a" * 16, "path": "x\x01y.txt", "status": "ok"}]})
    ws = load_workbook(write_xlsx(tmp_path, tables))["documents"]
    assert ws.cell(row=2, column=2).value == "xy.txt"


def test_empty_tables_still_get_their_sheets(tmp_path):
    wb = load_workbook(write_xlsx(tmp_path, build_tables({})))
    assert wb.sheetnames == list(TABLE_NAMES)
    assert [c.value for c in wb["criteria"][1]] == columns("criteria")
