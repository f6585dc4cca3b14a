"""OCR of scans and image files; the tests that run tesseract skip where it is not installed."""
from __future__ import annotations

import pytest
import regex

from normalize.raw import ReadError
from normalize.readers import ocr, read_path
from normalize.readers.pdf import read_pdf
from tests.fixtures import build

TESSERACT_PROBLEM = ocr.tesseract_problem()
needs_tesseract = pytest.mark.skipif(TESSERACT_PROBLEM is not None, reason=f"tesseract is not usable here: {TESSERACT_PROBLEM}")


@pytest.fixture(scope="module")
def typeset(tmp_path_factory):
    problem = build.typesetting_problem()
    if problem:
        pytest.skip(problem)
    font = build.find_vietnamese_font()
    folder = tmp_path_factory.mktemp("ocr")
    return build.typeset_pdf(folder / "plan.pdf", build.sample_paragraphs(limit=45), font, header=False)



def _words(text: str) -> list[str]:
    return regex.findall(r"\p{L}+", text.lower())


def _recall(expected: str, found: str) -> float:
    """Share of the expected words that OCR found (as a multiset)."""
    pool = _words(found)
    hits = 0
    for word in _words(expected):
        if word in pool:
            pool.remove(word)
            hits += 1
    return hits / max(1, len(_words(expected)))


@needs_tesseract
def test_scanned_pdf_is_read_by_ocr_page_by_page(typeset, tmp_path):
    scan = build.scan_pdf(typeset.path, tmp_path / "scan.pdf", dpi=150)
    raw = read_pdf(scan)
    assert raw.lossy and raw.repairs["ocr_page"] == typeset.n_pages == raw.n_pages
    assert len(raw.page_starts) == typeset.n_pages - 1
    first_page = raw.text[: raw.page_starts[0]] if raw.page_starts else raw.text
    expected = " ".join(p for page, p in typeset.paragraph_pages if page == 1)
    assert _recall(expected, first_page) > 0.9


@needs_tesseract
@pytest.mark.parametrize("suffix", [".png", ".jpg", ".tif"])
def test_image_file_is_a_one_page_scan(typeset, tmp_path, suffix):
    image = build.scan_image(typeset.path, tmp_path / f"page{suffix}")
    raw = read_path(image)
    assert (raw.n_pages, raw.lossy, raw.repairs["ocr_page"], raw.file_type) == (1, True, 1, suffix[1:])
    expected = " ".join(p for page, p in typeset.paragraph_pages if page == 1)
    assert _recall(expected, raw.text) > 0.9


def test_image_without_tesseract_needs_ocr(typeset, tmp_path, without_tesseract):
    image = build.scan_image(typeset.path, tmp_path / "page.png", dpi=72)
    with pytest.raises(ReadError) as caught:
        read_path(image)
    assert (caught.value.status, str(caught.value)) == ("needs_ocr", "scanned pages need OCR: apt-get install tesseract-ocr tesseract-ocr-vie")


def test_tesseract_without_the_vietnamese_model_is_named(monkeypatch, tmp_path):
    fake = build.fake_tool(tmp_path / "bin", "tesseract", output='List of available languages in "/x" (2):\neng\nosd')
    monkeypatch.setattr(ocr.shutil, "which", lambda name: str(fake) if name == "tesseract" else None)
    ocr.tesseract_problem.cache_clear()
    try:
        assert ocr.tesseract_problem() == "scanned pages need OCR in Vietnamese: apt-get install tesseract-ocr-vie"
    finally:
        ocr.tesseract_problem.cache_clear()
