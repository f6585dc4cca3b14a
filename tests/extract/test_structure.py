"""The structure pass: outline depth, list intros, sentences."""
from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from extract.structure import parse_structure, roman_value, sentences

PLAN = """I. MỤC TIÊU
1. Mục tiêu chung
Các tiêu chí đã đạt gồm:
1. Tiêu chí số 3: Thủy lợi
2. Tiêu chí số 4: Điện
Các tiêu chí chưa đạt gồm:
- Tiêu chí số 1: Quy hoạch
- Tiêu chí số 2: Giao thông
2. Nhiệm vụ
II. TỔ CHỨC THỰC HIỆN"""


def test_list_items_know_their_intro():
    st = parse_structure(PLAN)
    by_text = {ln.text: ln for ln in st.lines}
    met = by_text["Các tiêu chí đã đạt gồm:"].index
    unmet = by_text["Các tiêu chí chưa đạt gồm:"].index
    assert by_text["1. Tiêu chí số 3: Thủy lợi"].intro == met
    assert by_text["2. Tiêu chí số 4: Điện"].intro == met
    assert by_text["- Tiêu chí số 2: Giao thông"].intro == unmet


def test_outline_nesting_follows_schemes():
    st = parse_structure(PLAN)
    by_text = {ln.text: ln for ln in st.lines}
    roman = by_text["I. MỤC TIÊU"]
    task = by_text["2. Nhiệm vụ"]
    assert task.parent == by_text["1. Mục tiêu chung"].parent == roman.index
    assert by_text["II. TỔ CHỨC THỰC HIỆN"].parent is None
    assert [a.text for a in st.ancestors(by_text["- Tiêu chí số 1: Quy hoạch"].index)][-1] == "I. MỤC TIÊU"


def test_numbers_of_items():
    st = parse_structure("III. A\n1.2.3. B\n8, C")
    assert [ln.number for ln in st.lines] == [3, 3, 8]
    assert roman_value("XIV") == 14


def test_a_year_or_count_at_line_start_is_not_a_label():
    st = parse_structure("2024 là năm về đích.\n15 tiêu chí đã đạt.")
    assert all(ln.scheme is None for ln in st.lines)


def test_sentences_split_before_capitals_only():
    text = "Năm 2023 đạt 18/19 tiêu chí. Đến quý I năm 2024 đạt 17/19; hai tiêu chí chưa đạt."
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Năm 2023 đạt 18/19 tiêu chí.",
        "Đến quý I năm 2024 đạt 17/19; hai tiêu chí chưa đạt.",
    ]


def test_sentences_end_at_line_ends():
    text = "Kết quả:\n- Đạt 18/19 tiêu chí. Năm 2024 về đích.  \n\nCòn 1 tiêu chí chưa đạt: \n+ Tiêu chí 17"
    spans = sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Kết quả:", "- Đạt 18/19 tiêu chí.", "Năm 2024 về đích.  ", "Còn 1 tiêu chí chưa đạt: ", "+ Tiêu chí 17",
    ]
    lines = parse_structure(text).lines
    assert spans == [(ln.start + s, ln.start + e) for ln in lines for s, e in sentences(ln.text)]


_SPLIT_AFTER_PUNCTUATION = regex.compile(r"(?<=[.!?;])\s+(?=[\p{Lu}\d\"“(])|(?<=:)\s+(?=[-+•])")


@given(st.text(alphabet=".!?;:,- +•\t\n\r\"“(Aađ1", max_size=60))
def test_sentences_split_each_line_after_its_punctuation(text):
    expected, pos = [], 0
    for line in text.split("\n"):
        s = 0
        for m in _SPLIT_AFTER_PUNCTUATION.finditer(line):
            expected.append((pos + s, pos + m.start()))
            s = m.end()
        expected.append((pos + s, pos + len(line)))
        pos += len(line) + 1
    assert sentences(text) == [(a, b) for a, b in expected if b > a]


def test_each_marker_scheme_is_read_with_its_label():
    st = parse_structure("PHẦN THỨ HAI: NHIỆM VỤ\nMột là: rà soát\nII- Giải pháp\n1.2) Giao thông\nđ) Điện\n• Trường học\n41. Không là mục")
    assert [(ln.scheme, ln.label) for ln in st.lines] == [
        ("part", "PHẦN THỨ HAI:"), ("ordinal_word", "Một là:"), ("roman", "II"), ("number2", "1.2"),
        ("letter", "đ"), ("bullet•", "•"), (None, None)]
