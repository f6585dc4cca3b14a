"""Table header lines: the prefilters in front of the exact patterns find what the patterns alone find."""
from __future__ import annotations

import regex
from hypothesis import given
from hypothesis import strategies as st

from gazetteer.cues import folded
from gazetteer.tables import _any_role_pattern, _label_line_start, _number_line_start, header_lines

PIECES = ["tt ", "stt", " số tt", "tên tiêu chí", "kết quả", "đánh giá", "chỉ tiêu", "nguồn vốn", "ghi chú",
          "xtt", "tiêu\nchí", "\n", "\n  ", "\r\n", "\t", " ", "1", "đạt"]
_lines = st.lists(st.sampled_from(PIECES), max_size=14).map("".join)


@given(_lines)
def test_line_starts_are_the_exact_patterns(text):
    for line_start in (_number_line_start(), _label_line_start(False), _label_line_start(True)):
        assert line_start.search(text) == (line_start.exact.search(text) is not None)


def _header_lines_by_full_scan(text: str, min_roles: int = 3) -> list[int]:
    """`header_lines` as it reads without prefilters: every pattern run over the whole text."""
    lowered = text.lower()
    numbered = _number_line_start().exact.search(lowered) is not None
    if not numbered and not _label_line_start(False).exact.search(lowered):
        return []
    key = folded(text)
    roles_by_line: dict[int, set[str]] = {}
    for m in _any_role_pattern().finditer(key):
        roles_by_line.setdefault(key.rfind("\n", 0, m.start()) + 1, set()).add(m.lastgroup)
    lines = sorted(line for line, roles in roles_by_line.items() if len(roles) >= min_roles)
    return lines if numbered else [line for line in lines if _label_line_start(True).exact.match(key, line)]


@given(st.lists(st.sampled_from([p.title() for p in PIECES] + PIECES), max_size=20).map("".join))
def test_header_lines_are_those_of_a_full_scan(text):
    assert header_lines(text) == _header_lines_by_full_scan(text)


def test_a_header_line_is_found_after_prose_lines():
    text = "Bảng tổng hợp\nTT  Tên tiêu chí  Kết quả  Đánh giá\n1  Quy hoạch  Xong  Đạt\n"
    assert header_lines(text) == [regex.search("TT", text).start()]
