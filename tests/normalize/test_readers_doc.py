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
