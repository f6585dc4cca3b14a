"""DOCX reader: paragraphs and tables in document order, furniture skipped, bombs refused."""
from __future__ import annotations

import docx
import pytest

from normalize.raw import ReadError
from normalize.readers import doc as doc_reader
from normalize.readers.docx import read_docx
from tests.fixtures import build


@pytest.fixture(scope="module")
def paragraphs():
    return build.sample_paragraphs(limit=12)


@pytest.fixture(scope="module")
def plan_docx(tmp_path_factory, paragraphs):
    return build.docx_with_table(tmp_path_factory.mktemp("docx") / "plan.docx", paragraphs, table_after=2)


def test_paragraphs_and_table_rows_come_in_document_order(plan_docx, paragraphs):
    lines = read_docx(plan_docx).text.split("\n")
    table = [" | ".join(row) for row in (build.CRITERIA_HEADER, *build.CRITERIA_ROWS)]
    assert lines == [*paragraphs[:3], *table, *paragraphs[3:]]


def test_section_header_and_footer_are_left_out(plan_docx):
    text = read_docx(plan_docx).text
    assert build.RUNNING_HEADER not in text
    assert "Trang 1" not in text


def test_raw_document_has_no_pages(plan_docx):
    raw = read_docx(plan_docx)
    assert (raw.file_type, raw.n_pages, raw.page_starts, raw.furniture) == ("docx", None, (), [])


def test_fonts_named_in_runs_are_reported(tmp_path):
    document = docx.Document()
    run = document.add_paragraph().add_run("Ch\u00adong tr×nh")
    run.font.name = ".VnTime"
    document.save(str(tmp_path / "legacy.docx"))
    assert ".VnTime" in read_docx(tmp_path / "legacy.docx").fonts


def test_merged_cells_appear_once_per_row(tmp_path):
    document = docx.Document()
    document.add_paragraph("Bảng tổng hợp")
    table = document.add_table(rows=3, cols=3)
    table.cell(0, 0).merge(table.cell(0, 2)).text = "Kết quả thực hiện"
    for r, values in enumerate([("1", "Quy hoạch", "Đạt"), ("2", "Giao thông", "Chưa đạt")], start=1):
        for c, value in enumerate(values):
            table.cell(r, c).text = value
    table.cell(1, 2).merge(table.cell(2, 2)).text = "Đạt"
    document.save(str(tmp_path / "merged.docx"))
    lines = read_docx(tmp_path / "merged.docx").text.split("\n")
    assert lines == ["Bảng tổng hợp", "Kết quả thực hiện", "1 | Quy hoạch | Đạt", "2 | Giao thông | "]


def test_line_breaks_inside_a_paragraph_become_lines(tmp_path):
    document = docx.Document()
    paragraph = document.add_paragraph("Nơi nhận:")
    paragraph.add_run().add_break()
    paragraph.add_run("- UBND huyện;")
    document.save(str(tmp_path / "breaks.docx"))
    assert read_docx(tmp_path / "breaks.docx").text == "Nơi nhận:\n- UBND huyện;"


def test_encrypted_docx_asks_for_a_password(tmp_path):
    # Office stores a password-protected DOCX as an OLE file holding an "EncryptedPackage" stream.
    path = tmp_path / "locked.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64)
    with pytest.raises(ReadError, match="DOCX is encrypted: a password is needed"):
        read_docx(path)


def test_legacy_doc_named_docx_goes_to_the_doc_reader(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    path = tmp_path / "old.docx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024)
    with pytest.raises(ReadError) as caught:
        read_docx(path)
    assert str(caught.value) == doc_reader.INSTALL_HINT


def test_large_but_honest_archive_is_read(tmp_path, paragraphs):
    # Many paragraphs compress well but stay far below the bomb ratio.
    path = build.docx_with_table(tmp_path / "long.docx", paragraphs * 200)
    assert read_docx(path).text.count(paragraphs[0]) == 200


def _rewrite_document_xml(source, target, edit):
    import zipfile

    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = edit(data)
            zout.writestr(item, data)
    return target


def test_text_after_an_entity_reference_is_kept(tmp_path):
    source = build.docx_with_table(tmp_path / "plan.docx", ["Xã Tân Lập đạt ĐOẠN_CUỐI chuẩn"], table_after=0)
    outside = tmp_path / "secret.txt"
    outside.write_text("MẬT KHẨU", encoding="utf-8")

    def edit(data: bytes) -> bytes:
        head, rest = data.split(b"?>", 1)
        doctype = (b'<!DOCTYPE w:document [<!ENTITY ten "X"><!ENTITY tep SYSTEM "' + outside.as_uri().encode()
                   + b'">]>')
        return head + b"?>" + doctype + rest.replace("ĐOẠN_CUỐI".encode(), b"&ten;&tep; ti\xc3\xaau ch\xc3\xad")

    path = _rewrite_document_xml(source, tmp_path / "entity.docx", edit)
    text = read_docx(path).text
    assert "Xã Tân Lập đạt" in text and "tiêu chí chuẩn" in text.replace("  ", " ")
    assert "MẬT KHẨU" not in text  # an external entity is never read
