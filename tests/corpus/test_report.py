"""report.html from small synthetic tables: matrix, charts, findings, document pages, language, size."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from corpus.report import (
    PAGES_DIR,
    criteria_matrix,
    labels,
    period_key,
    render_document,
    short_period,
    write_report,
)
from corpus.tables import build_tables

CRITERIA_NAMES = {15: "Y tế", 17: "Môi trường và an toàn thực phẩm", 5: "Trường học"}


def _spanned(text_parts: list[str], quote: str) -> tuple[int, int]:
    """Append `quote` to the growing text and return its span."""
    start = sum(len(p) for p in text_parts)
    text_parts.append(quote)
    text_parts.append(". ")
    return start, start + len(quote)


def synthetic_tables(n_docs: int = 3):
    """Tables for `n_docs` communes (in two districts) with every table filled, and each document's text.

    Commune 0 met criterion 17 in 2023, missed 15 in 2024-Q1 (BHYT 79,9% against ≥ 90%) and targets 15
    for 2024; commune 1 is both met and unmet for 5 in 2023 (a conflict, `unknown` in criteria_status);
    commune 2 has criterion 1 met in 2024-Q1 as inferred from its counts. The count_mismatch finding keeps
    its template and values (`params`), the arithmetic one only its stored message.
    """
    rows = {name: [] for name in ("documents", "criteria", "criteria_status", "counts", "indicators", "funding",
                                  "deadlines", "legal_refs", "findings")}
    texts = {}
    for i in range(n_docs):
        doc_id = f"{i:016x}"
        parts = [f"KẾ HOẠCH xây dựng nông thôn mới xã Số {i}. "]
        prov = lambda s, e, q, rule: dict(doc_id=doc_id, page=None, char_start=s, char_end=e, quote=q, rule=rule)  # noqa: E731

        def add(table, quote, rule="test", **values):
            s, e = _spanned(parts, quote)
            row = prov(s, e, quote, rule) if table != "findings" else dict(
                doc_id=doc_id, page=None, char_start=s, char_end=e, quote=quote, evidence=json.dumps([[s, e]]))
            if table == "criteria_status":
                row["evidence"] = json.dumps([[s, e]])
            row.update(values)
            rows[table].append(row)

        add("criteria", "tiêu chí 17 đã đạt", criterion_no=17, canonical_name=CRITERIA_NAMES[17],
            criteria_set="ntm-2021", level="basic", status="met", period="2023")
        add("criteria", "tiêu chí 15 chưa đạt", criterion_no=15, canonical_name="Y tế", criteria_set="ntm-2021",
            level="basic", status="unmet", period="2024-Q1", indicator_id="15.1")
        add("criteria", "Tiêu chí 15 về Y tế", criterion_no=15, canonical_name="Y tế", criteria_set="ntm-2021",
            level="basic", status="target", period="2024")
        if i == 1:
            add("criteria", "tiêu chí 5 đạt", criterion_no=5, canonical_name="Trường học", criteria_set="ntm-2021",
                level="basic", status="met", period="2023")
            add("criteria", "tiêu chí 5 chưa đạt", criterion_no=5, canonical_name="Trường học",
                criteria_set="ntm-2021", level="basic", status="unmet", period="2023")
        add("criteria_status", "tiêu chí 17 đã đạt", criteria_set="ntm-2021", period="2023", criterion_no=17,
            status="met", basis="stated")
        add("criteria_status", "tiêu chí 15 chưa đạt", criteria_set="ntm-2021", period="2024-Q1", criterion_no=15,
            status="unmet", basis="stated")
        add("criteria_status", "Tiêu chí 15 về Y tế", criteria_set="ntm-2021", period="2024", criterion_no=15,
            status="target", basis="stated")
        if i == 1:
            add("criteria_status", "tiêu chí 5 đạt", criteria_set="ntm-2021", period="2023", criterion_no=5,
                status="unknown", basis="stated")
        if i == 2:
            add("criteria_status", "đạt 17/19 tiêu chí", criteria_set="ntm-2021", period="2024-Q1", criterion_no=1,
                status="met", basis="inferred")
        add("counts", "đạt 17/19 tiêu chí", kind="met_total", value=17, total=19, unit="tieu_chi", status="met",
            period="2024-Q1")
        add("indicators", f"bảo hiểm y tế đạt {79 + 6 * i},9%", indicator_id="15.1", criterion_no=15,
            subject="Tỷ lệ người dân tham gia bảo hiểm y tế", value=79.9 + i * 6, unit="%", comparator="eq",
            role="actual", period="2024-Q1")
        add("indicators", "đạt 90% trở lên", indicator_id="15.1", criterion_no=15,
            subject="Tỷ lệ người dân tham gia bảo hiểm y tế", value=90.0, unit="%", comparator="ge",
            role="threshold")
        add("funding", "Tổng vốn 3.000.000.000 đồng", amount_vnd=3_000_000_000, amount_text="3.000.000.000 đồng",
            role="total", purpose="xây dựng cơ sở hạ tầng", period="2024")
        add("funding", "ngân sách huyện 1 tỷ đồng", amount_vnd=1_000_000_000, amount_text="1 tỷ đồng",
            role="component", source="ngan_sach_huyen", period="2024")
        add("funding", "nhân dân đóng góp 500 triệu đồng", amount_vnd=500_000_000, amount_text="500 triệu đồng",
            role="component", source="dan_gop", period="2024")
        add("deadlines", "hoàn thành trước tháng 10/2024", due="2024-10", precision="month", relation="before",
            task="vận động tham gia BHYT", criterion_no=15, responsible="Trạm Y tế xã")
        add("deadlines", "trong năm 2025", due="2025", precision="year", relation="during", task="giữ vững tiêu chí")
        add("legal_refs", "Quyết định số 318/QĐ-TTg", ref_id="318/QĐ-TTg", ref_type="quyet_dinh", number="318",
            year=2022, issuer="Thủ tướng Chính phủ")
        add("findings", "hai tiêu chí chưa đạt bao gồm: Mục 15.1", check_name="count_mismatch", severity="error",
            message="Declares 2 unmet criteria but lists 1.",
            params=json.dumps({"template": "count_mismatch", "quote": "hai tiêu chí chưa đạt", "declared": 2,
                               "status": "chưa đạt", "period": "2024", "found": 1, "criteria": ": 15"},
                              ensure_ascii=False))
        add("findings", "71/1.784 = 3,97%", check_name="arithmetic", severity="warning",
            message="71/1784 = 3,98%, written 3,97%.")
        text = "".join(parts)
        texts[doc_id] = text
        rows["documents"].append(dict(
            doc_id=doc_id, path=f"/nowhere/{i:04d}.txt", file_type="txt", status="ok", n_chars=len(text),
            repairs="{}", quality="clean", doc_kind="ke_hoach", doc_number=f"{i}/KH-UBND", plan_year=2024,
            commune=f"Xã Số {i}", district="Huyện Một" if i % 2 == 0 else "Huyện Hai", province="Tỉnh Thử",
            programme="ntm", criteria_set="ntm-2021"))
    rows["documents"].append(dict(doc_id="f" * 16, path="/nowhere/broken.pdf", file_type="pdf", status="error",
                                  error="cannot read", n_chars=0))
    return build_tables(rows), texts


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    tables, texts = synthetic_tables(3)
    out = tmp_path_factory.mktemp("report")
    path = write_report(out, tables, texts=texts)
    return out, path.read_text(encoding="utf-8"), tables, texts


def _matrix_row(page: str, commune: str) -> str:
    m = re.search(r'<tr data-s="[^"]*">(?:(?!</tr>).)*?' + re.escape(commune) + r"</td>.*?</tr>", page, re.S)
    assert m, commune
    return m.group(0)


def _cells(row_html: str) -> list[str]:
    """The 19 criterion cells of a matrix row, as their class ('' when empty)."""
    tds = re.findall(r"<td(?: class=\"c ([^\"]*)\")?[^>]*>", row_html)
    return tds[3:]


def test_report_is_written_with_a_page_per_document(written):
    out, page, tables, _ = written
    assert (out / "report.html").exists()
    pages = sorted(p.stem for p in (out / PAGES_DIR).glob("*.html"))
    assert pages == sorted(tables["documents"]["doc_id"])
    assert not list(out.glob(".report*")), "no temporary files left behind"


def test_report_is_self_contained(written):
    out, page, _, _ = written
    for html_text in [page] + [p.read_text(encoding="utf-8") for p in (out / PAGES_DIR).glob("*.html")]:
        assert not re.search(r'(?:src|href)="(?:https?:)?//', html_text), "no network resource"
        assert "<link rel=\"stylesheet\"" not in html_text


def test_matrix_shows_latest_status_with_history_on_hover(written):
    _, page, _, _ = written
    row = _matrix_row(page, "Xã Số 0")
    cells = _cells(row)
    assert len(cells) == 19
    assert cells[16] == "m", "criterion 17 met in 2023"
    assert cells[14] == "t", "criterion 15: the 2024 target is later than the 2024-Q1 status"
    assert cells[0] == "" and cells[4] == ""
    assert "2024-Q1: Chưa đạt" in row and "2024: Mục tiêu" in row
    assert 'href="report/0000000000000000.html#s-' in row


def test_matrix_shows_a_status_stated_both_ways_as_unknown_and_explains_it(written):
    _, page, _, _ = written
    assert _cells(_matrix_row(page, "Xã Số 1"))[4] == "k", "criteria_status says unknown for criterion 5"
    matrix = page[page.index('<section id="matrix">'):page.index('<section id="rates">')]
    lab = labels("vi")
    for note in (lab["legend_blank"], lab["legend_inferred"], lab["legend_unknown"]):
        assert note in matrix


def test_matrix_marks_an_inferred_status(written):
    _, page, _, _ = written
    row = _matrix_row(page, "Xã Số 2")
    assert _cells(row)[0] == "m inf"
    assert "Q1·24*</a>" in row and "Đạt (Suy ra)" in row
    assert _cells(_matrix_row(page, "Xã Số 0"))[0] == "", "no status, no mark"


def _one_commune_two_documents(first: str, second: str, table: str = "criteria_status"):
    rows = {"documents": [], table: []}
    for k, status in enumerate((first, second)):
        doc_id = f"{k:016x}"
        rows["documents"].append(dict(doc_id=doc_id, path=f"/nowhere/{k}.txt", status="ok", commune="Xã Mẫu",
                                      district="Huyện Mẫu", province="Tỉnh Mẫu", criteria_set="ntm-2021"))
        row = dict(doc_id=doc_id, char_start=0, char_end=5, quote="x", rule="t", criteria_set="ntm-2021",
                   period="2023", criterion_no=5, status=status)
        if table == "criteria_status":
            row.update(basis="stated", evidence="[[0, 5]]")
        rows[table].append(row)
    return build_tables(rows)


def test_matrix_marks_met_and_unmet_of_one_period_in_two_documents_as_conflict():
    matrix = criteria_matrix(_one_commune_two_documents("met", "unmet"))
    assert [row.cells[5].status for row in matrix["ntm-2021"]] == ["conflict"]
    matrix = criteria_matrix(_one_commune_two_documents("met", "met"))
    assert [row.cells[5].status for row in matrix["ntm-2021"]] == ["met"]


def test_matrix_of_older_outputs_comes_from_criteria_rows():
    matrix = criteria_matrix(_one_commune_two_documents("met", "unmet", table="criteria"))
    assert [row.cells[5].status for row in matrix["ntm-2021"]] == ["conflict"]
    assert matrix["ntm-2021"][0].cells[5].basis is None


def test_matrix_names_its_set(written):
    _, page, tables, _ = written
    assert '<table class="matrix" data-set="ntm-2021">' in page
    assert "<h3>Bộ tiêu chí 2021–2025</h3>" in page, "the set by its name, not its code"
    assert set(criteria_matrix(tables)) == {"ntm-2021"}


def test_rate_chart_draws_communes_against_threshold(written):
    _, page, _, _ = written
    rates = page[page.index('<section id="rates">'):page.index('<section id="funding">')]
    assert rates.count("<svg") == 1
    assert 'class="threshold"' in rates and "≥90%" in rates
    assert rates.count('class="bar bad"') == 2, "79,9% and 85,9% miss ≥ 90%"
    assert rates.count('class="bar ok"') == 1, "91,9% meets it"


def test_funding_chart_adds_components_by_source_not_totals(written):
    _, page, _, _ = written
    funding = page[page.index('<section id="funding">'):page.index('<section id="deadlines">')]
    assert "<svg" in funding
    assert "Ngân sách huyện: 3 tỷ đồng" in funding, "1 tỷ × 3 communes"
    assert "Nhân dân đóng góp: 1,5 tỷ đồng" in funding
    assert "Tổng vốn 3.000.000.000 đồng" in funding, "totals listed with their quote"


def test_deadlines_timeline_spans_the_months(written):
    _, page, _, _ = written
    deadlines = page[page.index('<section id="deadlines">'):page.index('<section id="findings">')]
    assert 'class="chart timeline"' in deadlines
    assert "<title>10/2024: 3</title>" in deadlines and "<title>12/2025: 3</title>" in deadlines
    table = deadlines[deadlines.index("<table"):]
    assert table.index("trước 2024-10") < table.index("trong 2025"), "table sorted by due date"


def test_findings_grouped_by_severity_with_quotes(written):
    _, page, _, _ = written
    findings = page[page.index('<section id="findings">'):page.index('<section id="documents">')]
    severities = re.findall(r'<details class="sev" data-severity="(\w+)"', findings)
    assert severities == ["error", "warning"]
    assert findings.count("<blockquote>") == 6
    assert "hai tiêu chí chưa đạt bao gồm: Mục 15.1" in findings
    assert "Số khai ≠ số liệt kê" in findings


def test_document_list_is_embedded_compactly(written):
    _, page, tables, _ = written
    data = re.search(r'<script type="application/json" id="doc-index">(.*?)</script>', page, re.S).group(1)
    index = json.loads(data)
    assert len(index) == len(tables["documents"])
    assert {row[0] for row in index} == set(tables["documents"]["doc_id"])


def test_document_page_links_each_figure_to_its_span(written):
    out, _, tables, texts = written
    doc_id = "0000000000000000"
    page = (out / PAGES_DIR / f"{doc_id}.html").read_text(encoding="utf-8")
    text = json.loads(re.search(r'id="doc-text-data">(.*?)</script>', page, re.S).group(1))
    assert text == texts[doc_id]
    spans = {(int(s), int(e)) for s, e in re.findall(r'class="fig" href="#s-\d+-\d+" data-s="(\d+)" data-e="(\d+)"', page)}
    expected = set()
    for name in ("criteria", "counts", "indicators", "funding", "deadlines", "legal_refs"):
        df = tables[name]
        for r in df[df["doc_id"] == doc_id].itertuples():
            expected.add((r.char_start, r.char_end))
            assert text[r.char_start:r.char_end] == r.quote
    assert expected <= spans


def test_document_without_text_still_shows_its_figures(written):
    out, _, _, _ = written
    page = (out / PAGES_DIR / ("f" * 16 + ".html")).read_text(encoding="utf-8")
    assert 'id="doc-text-data"' not in page
    assert labels("vi")["text_missing"] in page
    assert "cannot read" in page


def test_text_cannot_close_its_script_and_offsets_count_utf16():
    text = "Mở đầu 😀 </script><b>x</b> tiêu chí 15 chưa đạt"
    s = text.index("tiêu chí")
    doc = {"doc_id": "a" * 16, "status": "ok", "commune": "Xã <Thử>"}
    rows = {"criteria": [dict(doc_id=doc["doc_id"], char_start=s, char_end=len(text), quote=text[s:], rule="t",
                              criterion_no=15, status="unmet", period="2024")]}
    page = render_document(doc, rows, text)
    assert page.count("</script>") == 2, "the text's </script> is escaped inside the JSON"
    assert "Xã &lt;Thử&gt;" in page
    data = json.loads(re.search(r'id="doc-text-data">(.*?)</script>', page, re.S).group(1))
    assert data == text
    m = re.search(r'data-s="(\d+)" data-e="(\d+)"', page)
    assert (int(m.group(1)), int(m.group(2))) == (s + 1, len(text) + 1), "the emoji is two UTF-16 units"


def test_language_switch(tmp_path):
    tables, texts = synthetic_tables(1)
    vi = write_report(tmp_path / "vi", tables, texts=texts).read_text(encoding="utf-8")
    en = write_report(tmp_path / "en", tables, lang="en", texts=texts).read_text(encoding="utf-8")
    assert '<html lang="vi">' in vi and "Ma trận tiêu chí" in vi and "Criteria matrix" not in vi
    assert '<html lang="en">' in en and "Criteria matrix" in en and "Ma trận tiêu chí" not in en
    assert "District budget" in en
    doc_page = (tmp_path / "en" / PAGES_DIR / "0000000000000000.html").read_text(encoding="utf-8")
    assert "Summary report" in doc_page
    with pytest.raises(ValueError, match="vi"):
        write_report(tmp_path / "xx", tables, lang="xx")


def test_both_languages_label_every_enum_value():
    from corpus.schema import ENUMS

    from corpus.report import languages

    assert languages() == ["en", "vi"]
    shown = {"met", "unmet", "target", "ok", "error", "empty", "needs_ocr", "warning", "info"}
    for (table, column), values in ENUMS.items():
        if column in ("status", "severity", "check", "check_name", "source", "role", "doc_kind", "programme", "kind",
                      "relation", "basis", "criteria_set", "level", "unit", "ref_type", "quality", "precision"):
            shown |= values
    for lang in languages():
        missing = shown - set(labels(lang)["enum"])
        assert not missing, (lang, missing)
    assert set(labels("vi")) == set(labels("en"))


def test_a_rerun_replaces_stale_document_pages(tmp_path):
    tables, texts = synthetic_tables(2)
    write_report(tmp_path, tables, texts=texts)
    (tmp_path / PAGES_DIR / "stale.html").write_text("old", encoding="utf-8")
    write_report(tmp_path, tables, texts=texts)
    assert not (tmp_path / PAGES_DIR / "stale.html").exists()


def test_empty_run_renders():
    from corpus.report import render_summary

    page = render_summary(build_tables({}))
    assert "Ma trận tiêu chí" in page and labels("vi")["no_rows"] in page


def test_thousand_documents_keep_report_modest(tmp_path):
    tables, texts = synthetic_tables(1000)
    path = write_report(tmp_path, tables, texts=texts)
    size = path.stat().st_size
    assert size < 2_500_000, f"report.html is {size} bytes"
    assert len(list((tmp_path / PAGES_DIR).glob("*.html"))) == 1001
    page = path.read_text(encoding="utf-8")
    assert page.count('<div class="finding error">') == 200, "findings listed up to a bound, the rest counted"
    assert "còn 800 dòng không hiển thị" in page


@pytest.mark.parametrize("earlier,later", [("2023", "2024-Q1"), ("2024-Q1", "2024-Q2"), ("2024-Q4", "2024"),
                                          (None, "2020"), ("2024-03", "2024-Q2")])
def test_period_order(earlier, later):
    assert period_key(earlier) < period_key(later)


@pytest.mark.parametrize("period,short", [("2023", "2023"), ("2024-Q1", "Q1·24"), ("2024-05", "5/24"), (None, "·")])
def test_short_period(period, short):
    assert short_period(period) == short


def _as_new_contract(tables):
    """The tables as outputs with `check_name` and `params` write them (the rows of `synthetic_tables`)."""
    from corpus.tables import Tables

    frames = dict(tables.frames)
    findings = frames["findings"].rename(columns={"check": "check_name"}).copy()
    params = {"count_mismatch": json.dumps({"template": "count_mismatch", "quote": "hai tiêu chí chưa đạt",
                                            "declared": 2, "status": "chưa đạt", "period": "2024", "found": 1,
                                            "criteria": ": 15"}, ensure_ascii=False)}
    findings["params"] = [params.get(c) for c in findings["check_name"]]
    frames["findings"] = findings
    return Tables(frames)


def test_finding_messages_are_rebuilt_in_the_report_language(tmp_path):
    from corpus.report import render_summary

    tables, texts = synthetic_tables(1)
    new = _as_new_contract(tables)
    vi, en = html.unescape(render_summary(new, "vi")), html.unescape(render_summary(new, "en"))
    assert "'hai tiêu chí chưa đạt' nêu 2 tiêu chí (chưa đạt, 2024) nhưng danh sách kèm theo kể 1: 15." in vi
    assert "Declares 2 unmet criteria" not in vi
    assert "'hai tiêu chí chưa đạt' declares 2 criteria (chưa đạt, 2024)" in en
    assert "71/1784 = 3,98%, written 3,97%." in vi, "a finding without its values keeps its stored message"
    assert "Số khai ≠ số liệt kê" in vi and "Declared ≠ listed" in en, "the check read from check_name"
    doc = new["documents"].iloc[0].to_dict()
    rows = {"findings": new["findings"].to_dict("records")}
    page = render_document(doc, rows, texts[doc["doc_id"]], "vi")
    assert "nêu 2 tiêu chí (chưa đạt, 2024)" in page and "Số khai ≠ số liệt kê" in page


def _as_old_contract(tables):
    """The tables as outputs written before `check_name`: the check under `check`, no message values."""
    from corpus.tables import Tables

    frames = dict(tables.frames)
    frames["findings"] = frames["findings"].rename(columns={"check_name": "check"}).drop(columns=["params"])
    return Tables(frames)


def test_older_findings_with_check_and_stored_message_still_render():
    from corpus.report import render_summary

    tables, _ = synthetic_tables(1)
    page = html.unescape(render_summary(_as_old_contract(tables), "vi"))
    assert "Declares 2 unmet criteria but lists 1." in page and "Số khai ≠ số liệt kê" in page


def _with_copies(tables, texts):
    """The synthetic run as if document 0 was given three times (two byte copies) and document 1 also as a DOCX."""
    from corpus.tables import Tables

    frames = {name: df.copy() for name, df in tables.frames.items()}
    docs = frames["documents"]
    docs["duplicate_of"] = None
    first, second = docs.iloc[0].to_dict(), docs.iloc[1].to_dict()
    extra = [dict(first, path=f"/nowhere/copy{k}.txt", duplicate_of=first["path"]) for k in (1, 2)]
    docx_id = "d" * 16
    extra.append(dict(second, doc_id=docx_id, path="/nowhere/0001.docx", file_type="docx", duplicate_of=second["path"]))
    import pandas as pd

    frames["documents"] = pd.concat([docs, pd.DataFrame(extra)], ignore_index=True)
    for name in ("criteria", "criteria_status", "counts", "indicators", "funding", "deadlines", "legal_refs",
                 "findings"):
        df = frames[name]
        twin = df[df["doc_id"] == second["doc_id"]].assign(doc_id=docx_id)  # the DOCX reads the same
        frames[name] = pd.concat([df, twin], ignore_index=True)
    return Tables(frames), dict(texts, **{docx_id: texts[second["doc_id"]]})


def test_copies_and_a_second_format_count_once(tmp_path):
    from corpus.report import funding_by_source, rate_groups, render_summary

    tables, texts = synthetic_tables(3)
    copied, _ = _with_copies(tables, texts)
    assert funding_by_source(copied) == funding_by_source(tables)
    assert [len(g["actual"]) for g in rate_groups(copied)] == [len(g["actual"]) for g in rate_groups(tables)]
    assert criteria_matrix(copied) == criteria_matrix(tables)
    page = render_summary(copied)
    plain_page = render_summary(tables)
    section = lambda p, a, b: p[p.index(f'<section id="{a}">'):p.index(f'<section id="{b}">')]  # noqa: E731
    for a, b in (("matrix", "rates"), ("rates", "funding"), ("funding", "deadlines"), ("deadlines", "findings"),
                 ("findings", "documents")):
        assert section(page, a, b) == section(plain_page, a, b), a
    cards = {label: int(n) for n, label in re.findall(r'<div class="card"><b>(\d+)</b>([^<]+)</div>', page)}
    assert cards["Văn bản"] == 7 and cards["Bản trùng"] == 3 and cards["Xã"] == 3
    assert re.search(r'<b>6</b>Phát hiện', page), "the findings of 3 documents, not of the DOCX twin"


def test_document_page_shows_fields_repairs_and_numbers_as_words():
    doc = {"doc_id": "a" * 16, "path": "/nowhere/a.docx", "file_type": "docx", "status": "ok", "quality": "repaired",
           "doc_kind": "ke_hoach", "doc_number": "/KH-UBND | Xã Mẫu Thử, ngày tháng 7 năm 2023",
           "plan_year": 2023.0, "n_pages": 3.0, "criteria_set": "ntm-2021", "programme": "ntm",
           "repairs": json.dumps({"line_join": 12, "u_horn_glyph": 37})}
    page = render_document(doc, {}, "văn bản", "vi")
    meta = re.search(r'<dl class="meta">(.*?)</dl>', page, re.S).group(1)
    shown = re.findall(r"<dt>(.*?)</dt><dd[^>]*>(.*?)</dd>", meta)
    keys = [k for k, _ in shown]
    for code in ("path", "file_type", "doc_kind", "repairs", "plan_year", "criteria_set"):
        assert code not in keys
    values = dict(shown)
    assert values["Loại văn bản"] == "Kế hoạch" and values["Bộ tiêu chí"] == "Bộ tiêu chí 2021–2025"
    assert values["Các chỗ đã sửa"] == "Sửa chữ ư, ơ: 37 · Nối dòng bị ngắt: 12"
    assert values["Số hiệu"] == "/KH-UBND" and values["Năm kế hoạch"] == "2023" and values["Số trang"] == "3"
    assert "· /KH-UBND · 2023</h1>" in page
    en = render_document(doc, {}, "văn bản", "en")
    assert "<dt>Repairs</dt><dd>Letters ư, ơ repaired: 37 · Broken lines joined: 12</dd>" in en


def test_evidence_on_a_page_names_its_page_and_long_cells_collapse():
    text = "x" * 40 + "tiêu chí 15 chưa đạt"
    s = text.index("tiêu chí")
    label = "Các tiêu chí chưa đạt gồm " + "; ".join(f"tiêu chí số {n} còn thiếu một phần" for n in range(1, 9))
    doc = {"doc_id": "b" * 16, "status": "ok", "file_type": "pdf"}
    rows = {"criteria": [dict(doc_id=doc["doc_id"], page=3, char_start=s, char_end=len(text), quote=text[s:],
                              rule="t", criterion_no=15, status="unmet", period="2024", list_label=label)]}
    vi, en = render_document(doc, rows, text, "vi"), render_document(doc, rows, text, "en")
    assert '<span class="pg">trang 3</span>' in vi and '<span class="pg">page 3</span>' in en
    assert f"<summary title=\"{labels('vi')['show_all']}\">" in vi and label in vi
    assert vi.count(label) == 1, "the long list label shown once, its beginning as the summary"
    txt = render_document(dict(doc, file_type="txt"), {"criteria": [dict(rows["criteria"][0], page=None)]}, text, "vi")
    assert 'class="pg"' not in txt, "no page for a source without pages"


def test_chart_labels_are_whole_and_lettered_at_readable_size():
    from corpus.report import FONT_PX, bar_labels, place_of, svg_hbars

    assert FONT_PX >= 12
    names = ["Xã Nam Phong Thượng", "Xã Đông Hòa", "Thị trấn Bắc Sơn Hạ"]
    svg = str(svg_hbars([(n, 50.0, "50%", "n") for n in names], max_value=100))
    for n in names:
        assert f">{n}</text>" in svg
    width = int(re.search(r'width="(\d+)"', svg).group(1))
    assert f'viewBox="0 0 {width} ' in svg and f'font-size="{FONT_PX}"' in svg
    long = "Xã " + "Rất Dài " * 20
    svg = str(svg_hbars([(long.strip(), 10.0, "10%", "n")]))
    assert f"<title>{long.strip()}: 10%</title>" in svg and "…</text>" in svg, "shortened, whole on hover"
    places = [place_of({"commune": "Xã A", "district": "Huyện B"}), place_of({"commune": "Xã A", "district": "Huyện C"}),
              place_of({"commune": "Xã D", "district": "Huyện B"})]
    assert list(bar_labels(places).values()) == ["Xã A, Huyện B", "Xã A, Huyện C", "Xã D"]


from tests.extract.helpers import load_cases  # noqa: E402


@pytest.mark.parametrize("case", load_cases("report_numbers"))
def test_number_column_shows_the_document_number_only(case):
    from corpus.report import display_number

    assert display_number(case["number"]) == case["shown"]


def test_long_lists_of_the_summary_start_collapsed(tmp_path):
    from corpus.report import LONG_LIST, render_summary

    few = render_summary(synthetic_tables(3)[0])
    many = render_summary(synthetic_tables(LONG_LIST + 1)[0])
    for page, is_open in ((few, True), (many, False)):
        funding = page[page.index('<section id="funding">'):page.index('<section id="deadlines">')]
        deadlines = page[page.index('<section id="deadlines">'):page.index('<section id="findings">')]
        for part in (funding, deadlines):
            tag = re.search(r'<details class="list"[^>]*>', part).group(0)
            assert (" open" in tag) == is_open


def test_both_languages_name_every_column_and_repair():
    from corpus.schema import TABLES

    from corpus.report import languages

    shown = {c for cols in TABLES.values() for c, _ in cols} | {"duplicate_of", "check_name", "params"}
    from normalize.document import LAYOUT_REPAIRS, REVERSIBLE_REPAIRS

    repairs = set(LAYOUT_REPAIRS) | set(REVERSIBLE_REPAIRS) | {"syllable_repair", "syllable_join", "syllable_split"}
    for lang in languages():
        lab = labels(lang)
        assert not shown - set(lab["fields"]), (lang, shown - set(lab["fields"]))
        assert repairs <= set(lab["repairs"]), lang
        assert not {t for t in TABLES} - set(lab["tables"]), lang
    assert set(labels("vi")["fields"]) == set(labels("en")["fields"])
    assert set(labels("vi")["repairs"]) == set(labels("en")["repairs"])


def test_page_float_columns_are_the_schema_float_columns():
    """A worker's page types a whole number in a float column as the table does, without pyarrow."""
    import pyarrow as pa

    from corpus.report import _float_columns
    from corpus.schema import TABLES

    derived = _float_columns()
    for table, cols in TABLES.items():
        assert derived.get(table, frozenset()) == {c for c, kind in cols if pa.types.is_floating(kind)}, table
    assert any(derived.values())


def test_rendering_a_page_imports_no_table_library():
    import subprocess
    import sys

    code = ("import sys; from corpus.report import render_shard_page; "
            "render_shard_page({'doc_id': 'd', 'path': 'a.txt'}, {'indicators': [{'value': 3}]}, 'x', 'vi'); "
            "print(sorted(m for m in ('pyarrow', 'pandas', 'duckdb') if m in sys.modules))")
    shown = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           cwd=Path(__file__).resolve().parents[2])
    assert shown.stdout.strip() == "[]"
