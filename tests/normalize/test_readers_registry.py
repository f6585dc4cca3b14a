"""Reader registry: dispatch by extension, and every bad file refused with its status and message."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from normalize.raw import ReadError
from normalize.readers import READERS, SUPPORTED_EXTENSIONS, file_type_of, read_path
from tests.fixtures import build

BAD_FILES = yaml.safe_load((Path(build.__file__).parent / "bad_files.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sources")
    font = None if build.typesetting_problem() else build.find_vietnamese_font()
    paragraphs = build.sample_paragraphs(limit=40)
    pdf = build.typeset_pdf(folder / "plan.pdf", paragraphs, font).path if font else None
    return {"pdf": pdf, "docx_file": build.docx_with_table(folder / "plan.docx", paragraphs), "font": font}


def test_archive_formats_are_registered():
    assert {".pdf", ".docx", ".doc", ".png", ".jpg", ".jpeg", ".tif", ".tiff", ".txt", ".md"} <= SUPPORTED_EXTENSIONS
    assert set(READERS) == SUPPORTED_EXTENSIONS


def test_file_type_is_the_lowercase_extension():
    assert (file_type_of(Path("KH 12.PDF")), file_type_of(Path("README"))) == ("pdf", "unknown")


def test_docx_is_dispatched_by_extension_case_insensitively(sources, tmp_path):
    upper = tmp_path / "KE HOACH.DOCX"
    upper.write_bytes(sources["docx_file"].read_bytes())
    assert read_path(upper).file_type == "docx"


@pytest.mark.parametrize("case", BAD_FILES, ids=[case["name"] for case in BAD_FILES])
def test_bad_file_is_refused_with_status_and_message(case, sources, tmp_path):
    needs_pdf = case["builder"] in ("truncated_copy", "encrypted_pdf")
    if needs_pdf and sources["font"] is None:
        pytest.skip(build.typesetting_problem())
    path = build.make_bad_file(case["builder"], tmp_path / case["name"], **sources)
    with pytest.raises(ReadError) as caught:
        read_path(path)
    assert caught.value.status == case["status"]
    assert case["message"] in str(caught.value)
    assert "\n" not in str(caught.value)
