"""extract.tables and the table audit: golden cases (tests/cases/tables.yaml) and the table fixtures scored."""
from __future__ import annotations

import subprocess
import sys

import pytest

from extract.audit.tables import table_findings
from extract.prepare import prepare
from extract.registry import checks as registry_checks, extract_document, run_components
from extract.tables import header_block, read_table
from gazetteer.tables import cell_status, header_role, is_mark, money_unit
from normalize.pipeline import normalize_path, normalize_raw
from normalize.raw import RawDocument
from normalize.tables import find_text_tables
from tests.extract.helpers import load_cases
from tests.fixtures import build

ROOT = build.ROOT
SCORER = ROOT.parent / "shared" / "tools" / "score.py"
GOLD = ROOT / "tests" / "fixtures" / "tables_gold"
TABLE_RULES = {"table_criteria_row", "table_total_row", "table_amount_row", "table_threshold_cell", "table_actual_cell"}


def markdown_doc(text: str):
    return normalize_raw(RawDocument(text=text, file_type="md", markup="markdown", tables=find_text_tables(text)),
                         doc_id="case", path="case.md")


def text_file_doc(text: str, tmp_path):
    path = tmp_path / "case.txt"
    path.write_text(text, encoding="utf-8")
    return normalize_path(path)


@pytest.mark.parametrize("case", load_cases("tables"))
def test_table_case(case, tmp_path):
    kind = case["kind"]
    if kind == "header":
        assert header_role(case["cell"]) == case["role"]
    elif kind == "unit":
        assert money_unit(case["cell"]) == case["unit"]
    elif kind == "status":
        assert cell_status(case["cell"]) == case["status"]
    elif kind == "mark":
        assert is_mark(case["cell"]) == case["mark"]
    else:
        doc = markdown_doc(case["text"]) if kind == "doc" else text_file_doc(case["text"], tmp_path)
        extraction = extract_document(doc)
        from_tables = {k: [r for r in rows if r.rule in TABLE_RULES] for k, rows in extraction.records.items()}
        if "criteria" in case:
            assert [[r.criterion_no, r.status] for r in from_tables["criteria"]] == case["criteria"]
        if "funding" in case:
            assert [[r.amount_vnd, r.role, r.source] for r in from_tables["funding"]] == case["funding"]
        if "indicators" in case:
            assert [[r.value, r.role, r.comparator, r.indicator_id, r.criterion_no]
                    for r in from_tables["indicators"]] == case["indicators"]
        if "counts" in case:
            assert [[r.value, r.status] for r in from_tables["counts"]] == case["counts"]
        if "findings" in case:
            checks = [f.check for f in extraction.findings if f.evidence
                      and any(t.char_start <= f.evidence[0][0] < t.char_end for t in doc.tables)]
            assert checks == case["findings"]
        if "checks" in case:  # which audit check makes them: each claim is found once
            prep = prepare(doc)
            records = run_components(prep)
            made = sorted((f.evidence[0], c.name) for c in registry_checks() for f in c.run(prep, records)
                          if f.evidence and any(t.char_start <= f.evidence[0][0] < t.char_end for t in doc.tables))
            assert [name for _, name in made] == case["checks"]


def test_every_record_from_a_table_quotes_its_cell():
    text = ("| TT | Tên tiêu chí | Nội dung tiêu chí | Chỉ tiêu | Kết quả thực hiện | Đánh giá |\n|---|---|---|---|---|---|\n"
            "| 1 | **Quy hoạch** | 1.1. Quy hoạch chung | Đạt | Đạt | Đạt |\n"
            "| 2 | Giao thông | 2.1. Tỷ lệ đường xã được cứng hóa | ≥ 70% | 65% | Chưa đạt |\n"
            "| 3 | Điện | 3.1. Tỷ lệ hộ dùng điện an toàn | ≥ 98% | 99,2% | Đạt |\n")
    doc = markdown_doc(text)
    records = extract_document(doc).records
    rows = [r for kind in ("criteria", "indicators") for r in records[kind] if r.rule in TABLE_RULES]
    assert {r.criterion_no for r in records["criteria"]} == {1, 2, 3}
    assert [(r.value, r.role, r.comparator, r.indicator_id) for r in records["indicators"]] == [
        (70, "threshold", "ge", "2.1"), (65, "actual", "eq", "2.1"), (98, "threshold", "ge", "3.1"),
        (99.2, "actual", "eq", "3.1")]
    cells = {(c.char_start, c.char_end) for t in doc.tables for c in t.cells}
    for r in rows:
        assert any(a <= r.start and r.end <= b for a, b in cells), doc.text[r.start:r.end]
    assert doc.text[records["criteria"][0].start:records["criteria"][0].end] == "Quy hoạch"


def test_header_rows_are_found_without_a_separator_and_numbering_rows_are_headers():
    text = ("| TT | Tên tiêu chí | Đánh giá |\n| (1) | (2) | (3) |\n| 1 | Quy hoạch | Đạt |\n| 2 | Giao thông | Đạt |\n")
    doc = markdown_doc(text)
    view = read_table(doc.tables[0], doc.text)
    assert view.header_rows == 2
    assert view.roles == {0: "number", 1: "criterion", 2: "assessment"}
    assert [r.criterion_no for r in view.rows] == [1, 2]


def test_prose_count_that_the_table_contradicts_is_a_finding():
    rows = "".join(f"| {n} | Tiêu chí {n} | {'Chưa đạt' if n > 15 else 'Đạt'} |\n" for n in range(1, 20))
    text = "Đến nay xã đã đạt 17/19 tiêu chí.\n\n| TT | Tên tiêu chí | Đánh giá |\n|---|---|---|\n" + rows
    doc = markdown_doc(text)
    records = extract_document(doc).records
    findings = table_findings(doc.tables, doc.text, records)
    assert [f.check for f in findings] == ["count_mismatch"]
    assert "17" in findings[0].message and "15" in findings[0].message
    agreeing = markdown_doc(text.replace("17/19", "15/19"))
    assert table_findings(agreeing.tables, agreeing.text, extract_document(agreeing).records) == []


def test_header_block_table_gives_number_date_and_place(tmp_path):
    path = build.docx_criteria_report(tmp_path / "report.docx")
    doc = normalize_path(path)
    import regex

    block = header_block(doc.tables, doc.text, regex.compile(r"^\s*(?i:số)\s*[:.]?\s*(?P<n>[^\s].*?)\s*$"))
    assert block.doc_number[0] == "168/BC-UBND"
    assert doc.text[block.doc_number[1]:block.doc_number[2]] == "168/BC-UBND"
    assert (block.issued_date, block.place) == ("2024-11-15", "Tân Lập")
    extraction = extract_document(doc)
    assert (extraction.meta.doc_number, extraction.meta.issued_date, extraction.meta.commune,
            extraction.meta.signer) == ("168/BC-UBND", "2024-11-15", "Tân Lập", "Nguyễn Văn An")
    assert all(r.ref_id != "168/BC-UBND" for r in extraction.records["legal_refs"])


@pytest.fixture(scope="module")
def fixture_run(tmp_path_factory):
    font = build.find_vietnamese_font()
    if build.typesetting_problem():
        pytest.skip(build.typesetting_problem())
    folder = tmp_path_factory.mktemp("table_fixtures")
    build.table_fixtures(folder / "in", font)
    out = folder / "out"
    run = subprocess.run([sys.executable, "-m", "corpus.cli", "run", str(folder / "in"), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT, env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    assert run.returncode == 0, run.stderr[-2000:]
    return out


def test_table_fixtures_score_at_least_095(fixture_run):
    """criteria, funding and findings read from the table fixtures, against their golden expectations."""
    if not SCORER.is_file():
        pytest.skip("the scorer is not beside the project")
    result = subprocess.run([sys.executable, str(SCORER), "--out", str(fixture_run), "--gold", str(GOLD)],
                            capture_output=True, text=True, check=True)
    f1 = {}
    for line in result.stdout.splitlines():
        parts = line.split()
        if len(parts) == 7 and parts[0] in ("criteria", "funding", "findings", "indicators", "counts"):
            f1[parts[0]] = float(parts[6])
    assert f1["criteria"] >= 0.95 and f1["funding"] >= 0.95 and f1["findings"] >= 0.95, result.stdout
    assert "docs_missing=0" in result.stdout


def test_rates_read_from_a_quotient_cell_are_plain_numbers(tmp_path):
    """Regression: a quotient cell's parts were Decimals, which the table writers refuse (the document failed)."""
    text = ("TT\n\nTên tiêu chí\n\nNội dung tiêu chí\n\nKết quả thực hiện\n\nKết quả\n\nĐánh giá\n\n"
            "1\n\nThủy lợi\n\n1.1. Tỷ lệ được tưới\n\n91,2%\n\n118,3/130\n\nĐạt\n\n"
            "2\n\nĐiện\n\n2.1. Tỷ lệ hộ dùng điện\n\n99%\n\nĐạt\n\nĐạt\n\n3\n\nY tế\n\n3.1. Trạm y tế\n\nĐạt\n\nĐạt\n\nĐạt\n")
    records = extract_document(text_file_doc(text, tmp_path)).records
    (rate,) = [r for r in records["indicators"] if r.rule == "table_actual_cell" and r.value == 91.2]
    assert (rate.numerator, rate.denominator, rate.indicator_id) == (118.3, 130.0, "1.1")
    assert type(rate.numerator) is float and type(rate.denominator) is float


@pytest.mark.parametrize("text, template", [
    ("| TT | Nguồn vốn | Số tiền (triệu đồng) | Tỷ lệ (%) |\n|---|---|---|---|\n| | Tổng cộng | 1.000 | 100 |\n"
     "| 1 | Ngân sách xã | 600 | 60 |\n| 2 | Nhân dân đóng góp | 400 | 45 |\n", "table_share"),
    ("| TT | Tên tiêu chí | Kết quả thực hiện | Số liệu | Đánh giá |\n|---|---|---|---|---|\n| 1 | Quy hoạch | Đạt | | Đạt |\n"
     "| 2 | Giao thông | 80% số tuyến | 12/20 | Chưa đạt |\n| 3 | Điện | 99% số hộ | 99/100 | Đạt |\n", "table_cell_rate"),
    ("| TT | Nội dung | Điểm |\n|---|---|---|\n| 1 | 1. Lập nhiệm vụ | 20 |\n| 2 | 2. Đồ án | 50 |\n| 3 | 3. Công bố | 30 |\n"
     "| | Cộng (1 + 2) | 100 |\n", "table_named_parts_left_out"),
])
def test_table_findings_come_from_their_templates_in_both_languages(text, template):
    from extract.audit.messages import message, templates

    doc = markdown_doc(text)
    (finding,) = table_findings(doc.tables, doc.text, extract_document(doc).records)
    assert finding.params["template"] == template
    assert (finding.check, finding.severity) == (templates()[template]["check"], templates()[template]["severity"])
    assert finding.message == message(finding, "en") != message(finding, "vi")


def test_declared_count_against_the_table_speaks_both_languages():
    from extract.audit.messages import message

    rows = "".join(f"| {n} | Tiêu chí {n} | {'Chưa đạt' if n > 15 else 'Đạt'} |\n" for n in range(1, 20))
    doc = markdown_doc("Đến nay xã đã đạt 17/19 tiêu chí.\n\n| TT | Tên tiêu chí | Đánh giá |\n|---|---|---|\n" + rows)
    (finding,) = table_findings(doc.tables, doc.text, extract_document(doc).records)
    assert finding.params["template"] == "table_declared_met"
    assert "17" in message(finding, "vi") and "15" in message(finding, "vi") and "19" in message(finding, "vi")
