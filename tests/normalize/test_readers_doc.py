"""Legacy .doc reader: converter found at run time, run without a shell, tables rewritten."""
from __future__ import annotations

import pytest

from normalize.raw import ReadError
from normalize.readers import doc as doc_reader
from normalize.readers.doc import read_doc
from tests.fixtures import build

ANTIWORD_OUTPUT = """KẾ HOẠCH
Thực hiện Chương trình xây dựng nông thôn mới năm 2024
|TT  |Tên tiêu chí                       |Kết quả   |
|3   |Thủy lợi và phòng, chống thiên tai |Đạt       |
Nơi nhận:"""


@pytest.fixture
def only_tools(monkeypatch, tmp_path):
    """Make only the given fake converters visible, whatever this machine has installed."""

    def install(**tools):
        folder = tmp_path / "bin"
        found = {name: str(build.fake_tool(folder, name, **spec)) for name, spec in tools.items()}
        monkeypatch.setattr(doc_reader.shutil, "which", lambda name: found.get(name))
        return found

    return install


@pytest.fixture
def odd_name(tmp_path):
    # A name a shell would expand: it must reach the converter as one literal argument.
    path = tmp_path / "-kế hoạch $(touch pwned) ;x.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    return path


def test_without_converters_the_message_names_the_package(monkeypatch, odd_name):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    with pytest.raises(ReadError) as caught:
        read_doc(odd_name)
    assert (caught.value.status, str(caught.value)) == ("error", "legacy .doc needs antiword or LibreOffice: apt-get install antiword")


def test_antiword_gets_the_path_as_one_argument_and_tables_become_rows(only_tools, odd_name, tmp_path):
    record = tmp_path / "arguments.txt"
    only_tools(antiword={"output": ANTIWORD_OUTPUT, "record": record})
    raw = read_doc(odd_name)
    assert record.read_text(encoding="utf-8").splitlines()[-1] == str(odd_name.resolve())
    assert not (tmp_path / "pwned").exists()
    assert raw.text.split("\n")[2:4] == ["TT | Tên tiêu chí | Kết quả", "3 | Thủy lợi và phòng, chống thiên tai | Đạt"]
    assert raw.file_type == "doc"


def test_antiword_failure_is_reported_in_one_line(only_tools, odd_name):
    only_tools(antiword={"output": "", "exit_code": 1})
    with pytest.raises(ReadError) as caught:
        read_doc(odd_name)
    assert str(caught.value).startswith("legacy .doc could not be converted: antiword: exit code 1")
    assert "\n" not in str(caught.value)


# ---------------------------------------------------------------- a .doc that is something else

LINES = ["Kế hoạch xây dựng nông thôn mới năm 2025", "Xã đạt 17/19 tiêu chí; phấn đấu đạt chuẩn"]


def _no_converters(monkeypatch):
    def refuse(name):
        raise AssertionError("a converter was looked for")

    monkeypatch.setattr(doc_reader.shutil, "which", refuse)


def test_a_docx_named_doc_is_read_as_docx(tmp_path, monkeypatch):
    _no_converters(monkeypatch)
    path = build.docx_with_table(tmp_path / "plan.docx", LINES)
    named = path.rename(tmp_path / "plan.doc")
    raw = read_doc(named)
    assert raw.text.split("\n")[:2] == LINES and raw.file_type == "doc"


def test_an_html_page_named_doc_is_read_as_html(tmp_path, monkeypatch):
    _no_converters(monkeypatch)
    page = ("<html><head><title>x</title><style>p{color:red}</style></head><body>"
            f"<p>{LINES[0]}</p><table><tr><td>1</td><td>Quy hoạch</td><td>Đạt</td></tr></table>"
            f"<p>{LINES[1].replace('đ', '&#273;')}</p></body></html>")
    path = tmp_path / "plan.doc"
    path.write_text(page, encoding="utf-8")
    lines = [line.strip() for line in read_doc(path).text.split("\n") if line.strip()]
    assert lines == [LINES[0], "1 | Quy hoạch | Đạt", LINES[1]]


def test_an_rtf_named_doc_is_read_as_rtf(tmp_path, monkeypatch):
    _no_converters(monkeypatch)

    def escaped(text):
        return "".join(c if ord(c) < 128 else (f"\\'{c.encode('cp1252').hex()}" if c in "àáâãèéêìíòóôõùúý"
                                               else f"\\u{ord(c)}?") for c in text)

    rtf = ("{\\rtf1\\ansi\\ansicpg1252\\uc1{\\fonttbl{\\f0 Times New Roman;}}{\\colortbl;\\red0;}"
           "{\\*\\generator Writer}{\\info{\\title Ti\\'eau}}\\pard "
           + escaped(LINES[0]) + "\\par " + escaped(LINES[1]) + "\\par}")
    path = tmp_path / "plan.doc"
    path.write_bytes(rtf.encode("ascii"))
    assert [line for line in read_doc(path).text.split("\n") if line.strip()] == LINES


def test_a_text_file_named_doc_is_read_as_text(tmp_path, monkeypatch):
    _no_converters(monkeypatch)
    path = tmp_path / "plan.doc"
    path.write_text("\n".join(LINES), encoding="utf-8")
    assert read_doc(path).text.split("\n") == LINES


def test_binary_bytes_named_doc_still_go_to_the_converter(tmp_path, monkeypatch):
    monkeypatch.setattr(doc_reader.shutil, "which", lambda name: None)
    path = build.random_bytes(tmp_path / "noise.doc")
    with pytest.raises(ReadError, match="needs antiword"):
        read_doc(path)
