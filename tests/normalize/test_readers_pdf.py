"""PDF reader: page text and page offsets, running headers and page numbers, tables, scans."""
from __future__ import annotations

import pytest
import regex
from hypothesis import given
from hypothesis import strategies as st

from normalize.raw import ReadError
from normalize.readers.pdf import (
    _GARBAGE_CHAR, _SPACES, PageObjects, _clean, _collapsed_spaces, _edge_lines, _garbage_count, classify_page,
    describe_content, find_furniture, read_pdf,
)
from tests.fixtures import build


@pytest.fixture(scope="module")
def font():
    problem = build.typesetting_problem()
    if problem:
        pytest.skip(problem)
    return build.find_vietnamese_font()


@pytest.fixture(scope="module")
def plan(tmp_path_factory, font):
    folder = tmp_path_factory.mktemp("pdf")
    return build.typeset_pdf(folder / "plan.pdf", build.sample_paragraphs(), font, min_pages=5)


@pytest.fixture(scope="module")
def plan_raw(plan):
    return read_pdf(plan.path)


@pytest.fixture(scope="module")
def table_pdf(tmp_path_factory, font):
    folder = tmp_path_factory.mktemp("pdf_table")
    return build.typeset_pdf(folder / "table.pdf", build.sample_paragraphs(limit=40), font, table_after=8)



def _pages(raw):
    bounds = [0, *raw.page_starts, len(raw.text) + 1]
    return [raw.text[bounds[i]:bounds[i + 1] - 1] for i in range(len(bounds) - 1)]


def _without_furniture(raw) -> str:
    text = raw.text
    for start, end in sorted(raw.furniture, reverse=True):
        text = text[:start] + text[end:]
    return text


def _collapse(text: str) -> str:
    return regex.sub(r"\s+", " ", text).strip()


def test_every_page_is_read_and_page_starts_point_after_each_form_feed(plan, plan_raw):
    assert plan_raw.n_pages == plan.n_pages >= 5
    assert len(plan_raw.page_starts) == plan.n_pages - 1
    assert plan_raw.text.count("\f") == plan.n_pages - 1
    assert all(plan_raw.text[start - 1] == "\f" for start in plan_raw.page_starts)


def test_each_paragraph_begins_on_the_page_it_was_typeset_on(plan, plan_raw):
    pages = [_collapse(page) for page in _pages(plan_raw)]
    for page_number, paragraph in plan.paragraph_pages:
        opening = " ".join(paragraph.split()[:4])
        assert opening in pages[page_number - 1], (page_number, opening)


def test_text_without_furniture_holds_every_sentence_of_the_sample(plan, plan_raw):
    body = _collapse(_without_furniture(plan_raw))
    missing = [p for _, p in plan.paragraph_pages if _collapse(p) not in body]
    assert missing == []


def test_running_header_and_page_numbers_are_furniture_and_nothing_else(plan, plan_raw):
    found = [plan_raw.text[start:end].strip() for start, end in plan_raw.furniture]
    expected = [build.RUNNING_HEADER] * (plan.n_pages - 1) + [str(n) for n in range(1, plan.n_pages + 1)]
    assert sorted(found) == sorted(expected)


def test_furniture_spans_stay_inside_their_page(plan_raw):
    starts = [0, *plan_raw.page_starts]
    for start, end in plan_raw.furniture:
        assert "\f" not in plan_raw.text[start:end]
        assert start in starts or plan_raw.text[start - 1] in "\n\f"


def test_font_names_are_reported_without_subset_prefix(plan_raw):
    assert any(name.startswith("DejaVuSans") for name in plan_raw.fonts)


def test_ruled_table_becomes_one_line_per_row(table_pdf):
    raw = read_pdf(table_pdf.path)
    lines = raw.text.replace("\f", "\n").split("\n")
    expected = [" | ".join(row) for row in build.CRITERIA_ROWS]
    assert [line for line in lines if line in expected] == expected
    assert " | ".join(build.CRITERIA_HEADER) in lines
    assert raw.text.count("Thủy lợi và phòng, chống thiên tai") == 1


def test_table_rows_sit_between_the_paragraphs_around_the_table(table_pdf):
    raw = read_pdf(table_pdf.path)
    paragraphs = build.sample_paragraphs(limit=40)
    text = _collapse(raw.text)
    before, after = text.index(_collapse(paragraphs[8])), text.index(_collapse(paragraphs[9]))
    assert before < text.index("3 | Thủy lợi và phòng, chống thiên tai | Đạt") < after


def test_pdf_restricted_only_by_an_owner_password_is_read(tmp_path, font):
    paragraphs = build.sample_paragraphs(limit=20)
    made = build.typeset_pdf(tmp_path / "owner.pdf", paragraphs, font, encrypt_owner_password="owner")
    assert _collapse(paragraphs[-1]) in _collapse(read_pdf(made.path).text)


def test_scanned_pdf_without_tesseract_needs_ocr(tmp_path, table_pdf, without_tesseract):
    scan = build.scan_pdf(table_pdf.path, tmp_path / "scan.pdf")
    with pytest.raises(ReadError) as caught:
        read_pdf(scan)
    assert caught.value.status == "needs_ocr"
    assert str(caught.value) == "scanned pages need OCR: apt-get install tesseract-ocr tesseract-ocr-vie"


def test_mixed_pdf_without_tesseract_keeps_text_pages_and_counts_the_scans(tmp_path, table_pdf, without_tesseract):
    scan = build.scan_pdf(table_pdf.path, tmp_path / "scan.pdf")
    mixed = build.mixed_pdf(table_pdf.path, scan, tmp_path / "mixed.pdf")
    raw = read_pdf(mixed)
    assert raw.n_pages == 2 * table_pdf.n_pages
    assert raw.repairs["page_needs_ocr"] == table_pdf.n_pages
    assert "3 | Thủy lợi và phòng, chống thiên tai | Đạt" in raw.text
    assert not raw.lossy


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        (["- 1 -\nMở đầu văn bản\nNội dung một", "- 2 -\nNội dung hai\nNội dung ba", "- 3 -\nNội dung bốn"], ["- 1 -", "- 2 -", "- 3 -"]),
        (["Nội dung một\nTrang 1/3", "Nội dung hai\nTrang 2/3", "Nội dung ba\nTrang 3/3"], ["Trang 1/3", "Trang 2/3", "Trang 3/3"]),
        (["Báo cáo số 12 năm 2024\nMột", "Báo cáo số 12 năm 2024\nHai", "Ba"], ["Báo cáo số 12 năm 2024", "Báo cáo số 12 năm 2024"]),
        (["1. Mục tiêu\nNội dung", "2. Nhiệm vụ\nNội dung khác", "Kết luận\nHết"], []),
        (["12\nchỉ một trang"], []),
    ],
    ids=["dashed-numbers-first", "trang-x-of-n-last", "repeated-header", "numbered-headings-are-body", "single-page"],
)
def test_find_furniture(pages, expected):
    text = "\f".join(pages)
    assert [text[start:end].strip() for start, end in find_furniture(pages)] == expected


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"PK\x03\x04rest", "ZIP archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "legacy Office"),
        ("Kế hoạch số 12".encode(), "starts with text"),
        (b"<!DOCTYPE html><html>", "web page"),
        (b"\x00\x01\x02\x03\xfe\xff", "unknown content"),
    ],
)
def test_describe_content_names_what_a_misnamed_file_is(head, expected):
    assert expected in describe_content(head)


BODY = "Năm 2023 UBND xã đã rà soát các tiêu chí nông thôn mới cụ thể đến từng chỉ tiêu.\n"


@pytest.mark.parametrize(
    ("text", "objects", "expected"),
    [
        (BODY * 5, PageObjects(), "text"),
        (BODY * 5, PageObjects(paths=40), "ruled"),
        ("", PageObjects(image_area_share=0.95), "scan"),
        ("- 3 -", PageObjects(image_area_share=0.95), "scan"),
        ("", PageObjects(paths=2000), "scan"),
        ("", PageObjects(), "text"),
        (BODY * 5, PageObjects(image_area_share=0.95), "text"),
        ("\x03\x04\x05\x06\x07\ue001\ue002 ab\n" * 20, PageObjects(), "garbage"),
        ("KÕ ho¹ch x©y dùng n«ng th«n míi n¨m 2024 cña UBND x·\n" * 5, PageObjects(), "text"),
        ("\x03" * 30 + "a" * 70 + BODY * 20, PageObjects(), "text"),
        ("\x03" * 30 + "a" * 70, PageObjects(), "text"),
        ("\x03" * 31 + "a" * 69, PageObjects(), "garbage"),
    ],
    ids=["text", "text-with-rules", "blank-scan", "scan-with-page-number", "outlined-text",
         "blank-page", "text-with-photo", "undecodable-layer", "tcvn3-legacy-text",
         "some-garbage-in-much-text", "garbage-at-the-share", "garbage-over-the-share"],
)
def test_classify_page(text, objects, expected):
    assert classify_page(text, objects) == expected


def test_no_character_the_garbage_pattern_finds_passes_for_printable():
    """The count of undecodable characters skips the pattern on printable text: it must find none there."""
    every = "".join(chr(cp) for cp in range(0x110000) if not 0xD800 <= cp <= 0xDFFF)
    found = set(_GARBAGE_CHAR.findall(every))
    assert found and all(not ch.isprintable() or ch == "\uFFFD" for ch in found)


@given(st.text(alphabet=st.sampled_from("ab \t\n\x01\ue001\ufffd\xa0\u0378\u00ad")))
def test_garbage_count_is_the_patterns(text):
    assert _garbage_count(text) == len(_GARBAGE_CHAR.findall(text))


@given(st.lists(st.sampled_from(["", " ", "\t", "Trang 2", "  - 3 -  ", "Nội dung"]), max_size=12))
def test_edge_lines_are_the_first_and_last_non_blank_lines(lines):
    text = "\n".join(lines)
    spans = [m.span() for m in regex.finditer(r"[^\n]*\S[^\n]*", text)]
    assert _edge_lines(text) == (spans[:3], spans[-3:])


def test_complete_grid_read_by_pdfium_matches_pdfplumber(table_pdf):
    """The fast path (pdfium alone) gives the rows pdfplumber gives for the same ruled table."""
    import pdfplumber
    import pypdfium2

    from normalize.readers.pdf import _pdfium_grid, _table_entry

    document = pypdfium2.PdfDocument(str(table_pdf.path))
    with pdfplumber.open(str(table_pdf.path)) as plumber:
        compared = 0
        for index in range(len(document)):
            page = document[index]
            fast = _pdfium_grid(page)
            page.close()
            slow = plumber.pages[index].find_tables()
            if not slow:
                assert fast is None
                continue
            assert fast is not None
            assert fast[0][1] == _table_entry(slow[0].bbox, slow[0].extract())[1]
            compared += 1
    document.close()
    assert compared == 1


def test_a_run_of_characters_reads_as_the_slice_of_the_page_text(table_pdf):
    """Where the page text lines up with the character list, the text around a table is cut from it
    rather than asked of pdfium again: the two must agree."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(table_pdf.path))
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        raw, n_chars = textpage.get_text_range(), textpage.count_chars()
        if len(raw) == n_chars:
            for start in range(0, n_chars, max(1, n_chars // 7)):
                end = min(n_chars, start + 2 * (n_chars // 5) + 1)
                assert textpage.get_text_range(start, end - start) == raw[start:end]
        textpage.close()
    document.close()


def test_ruling_that_is_not_one_grid_is_left_to_pdfplumber(tmp_path, font):
    """Rules with no vertical lines (underlines, separators) are no grid: the fast path declines."""
    import pypdfium2
    from fpdf import FPDF

    from normalize.readers.pdf import _pdfium_grid

    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.add_font("body", fname=str(font))
    pdf.set_font("body", size=12)
    for k in range(6):
        pdf.line(20, 40 + 10 * k, 190, 40 + 10 * k)
        pdf.text(22, 38 + 10 * k, f"Dòng {k}")
    pdf.line(20, 40, 20, 60)  # a vertical that covers only part of the rows
    pdf.output(str(tmp_path / "rules.pdf"))
    document = pypdfium2.PdfDocument(str(tmp_path / "rules.pdf"))
    assert _pdfium_grid(document[0]) is None
    document.close()


@given(st.text(alphabet=st.sampled_from("ab1 \t\n\r\f\v\x1c\x1d\x1e\x1f\x85\xa0\u2028\u3000\u200b")))
def test_collapsed_spaces_are_the_regular_expressions(text):
    """Pages are compared with their spaces collapsed; str.split is used only where it agrees with `\\s`."""
    assert _collapsed_spaces(text) == _SPACES.sub(" ", text).strip()


def test_page_text_has_one_kind_of_line_break_and_no_trailing_blank():
    assert _clean("a \r\nb\r\rc\fd\u2028e\x85f\x02g\x00 \t") == "a\nb\n\nc\nd\ne\nf-g"


@given(st.text(alphabet=st.sampled_from("a \t\n\r\xa0")))
def test_page_text_loses_only_the_blanks_and_tabs_before_a_line_break(text):
    assert _clean(text) == regex.sub(r"[ \t]+(?=\n|$)", "", text.replace("\r\n", "\n").replace("\r", "\n"))
