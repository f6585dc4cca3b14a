"""Running headers: a line repeated at the edge of pages is dropped, a page that repeats whole is kept."""
from __future__ import annotations

import pytest

from normalize.pipeline import normalize_raw
from normalize.raw import RawDocument
from normalize.readers.pdf import find_furniture

FORM = [
    "PHIẾU KHẢO SÁT MỨC ĐỘ HÀI LÒNG",
    "Họ và tên người dân được hỏi",
    "Thôn hoặc ấp nơi cư trú hiện nay",
    "Ý kiến về kết quả xây dựng nông thôn mới",
]
HEADER = "Kế hoạch xây dựng xã nông thôn mới năm 2025"


def _document(pages: list[str], furniture=None) -> RawDocument:
    text = "\f".join(pages)
    starts, position = [], 0
    for page in pages[:-1]:
        position += len(page) + 1
        starts.append(position)
    return RawDocument(text=text, file_type="pdf", page_starts=tuple(starts), n_pages=len(pages),
                       furniture=find_furniture(pages) if furniture is None else furniture)


@pytest.mark.parametrize("copies", [2, 5])
def test_identical_pages_keep_their_text_once_per_page(copies):
    doc = normalize_raw(_document(["\n".join(FORM)] * copies))
    for line in FORM:
        assert doc.text.count(line) == copies, line


@pytest.mark.parametrize("copies", [2, 5])
def test_identical_pages_with_page_numbers_keep_their_text(copies):
    pages = ["\n".join([*FORM, f"- {i + 1} -"]) for i in range(copies)]
    doc = normalize_raw(_document(pages))
    for line in FORM:
        assert doc.text.count(line) == copies, line
    assert "- 1 -" not in doc.text  # the page numbers are still furniture


def test_a_running_header_is_still_dropped_beside_repeated_pages():
    bodies = ["Nội dung thứ nhất của kế hoạch", "Nội dung thứ hai khác hẳn", "Phần kết luận và kiến nghị"]
    pages = [f"{HEADER}\n{body}" for body in bodies] + [f"{HEADER}\n" + "\n".join(FORM)] * 2
    doc = normalize_raw(_document(pages))
    assert HEADER not in doc.text
    for body in bodies:
        assert body in doc.text
    assert doc.text.count(FORM[0]) == 2


def test_furniture_never_takes_all_the_words_of_a_page():
    pages = [f"{HEADER}\nMột", f"{HEADER}\n12", HEADER]
    text = "\f".join(pages)
    everything = [(text.index(HEADER, start), text.index(HEADER, start) + len(HEADER)) for start in (0, 10, 70)]
    everything.append((len(pages[0]) + 1 + len(HEADER) + 1, len(pages[0]) + 1 + len(HEADER) + 3))  # the "12"
    doc = normalize_raw(_document(pages, furniture=sorted(set(everything))))
    assert doc.text.count(HEADER) == 2  # pages 2 and 3 would have lost every word; page 1 keeps "Một"
    assert "Một" in doc.text and "12" in doc.text


def _copies(source, path, copies: int):
    import pypdfium2

    out = pypdfium2.PdfDocument.new()
    document = pypdfium2.PdfDocument(str(source))
    for _ in range(copies):
        out.import_pages(document)
    document.close()
    out.save(str(path))
    out.close()
    return path


@pytest.mark.parametrize("copies", [2, 5])
def test_a_pdf_of_identical_pages_keeps_every_page(tmp_path, copies):
    from normalize.pipeline import normalize_path
    from tests.fixtures import build

    problem = build.typesetting_problem()
    if problem:
        pytest.skip(problem)
    form = build.typeset_pdf(tmp_path / "form.pdf", FORM, build.find_vietnamese_font(), header=False,
                             page_numbers=False)
    assert form.n_pages == 1
    doc = normalize_path(_copies(form.path, tmp_path / "forms.pdf", copies))
    assert doc.status == "ok" and doc.n_pages == copies
    for line in FORM:
        assert doc.text.count(line) == copies, line
