"""Invariants of normalization that hold for every document."""
from __future__ import annotations

import pytest

from normalize.document import MappedText
from normalize.pipeline import normalize_text


def test_normalizing_twice_changes_nothing(sample_docs):
    for name, doc in sample_docs.items():
        assert normalize_text(doc.text) == doc.text, name


def test_offset_map_points_into_source(sample_docs):
    for name, doc in sample_docs.items():
        assert len(doc.src) == len(doc.text) + 1, name
        assert all(0 <= s <= len(doc.source_text) for s in doc.src), name
        assert list(doc.src) == sorted(doc.src), f"{name}: offsets must not go backwards"


def test_every_source_letter_survives_in_order(sample_docs):
    # Letters and digits are never invented: each normalized one maps to a source character.
    for name, doc in sample_docs.items():
        for i, ch in enumerate(doc.text[:5000]):
            if ch.isdigit():
                assert doc.source_text[doc.src[i]] == ch, (name, i)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("đạt 17/19 tiêu\n\nchí, hai tiêu chí", "đạt 17/19 tiêu chí, hai tiêu chí"),
        ("1. Mục tiêu:\n- Phấn đấu", "1. Mục tiêu:\n- Phấn đấu"),
        ("I. Tình hình triển khai\nNăm 2023 UBND xã", "I. Tình hình triển khai\nNăm 2023 UBND xã"),
        ("a  b\t c", "a b c"),
        ("xã đạt\u2002 \nchuẩn", "xã đạt chuẩn"),  # a run of blanks across the line's edge
        (" \u2002Năm 2023\n\u2002 UBND  xã", "Năm 2023\nUBND xã"),
        ("Kế hoạch\n\nMột là: nâng cao\nHai  là : tiếp tục", "Kế hoạch\nMột là: nâng cao\nHai là : tiếp tục"),
        ("giao thông\nphần thứ hai\nNơi nhận:\n- UBND", "giao thông\nphần thứ hai\nNơi nhận:\n- UBND"),
    ],
)
def test_layout_cases(raw, expected):
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("đạt  $\\leq 6,5\\%$ .", "đạt ≤ 6,5% ."),
        ("$100 - 29 = 71/1.784 = 3,97\\%$", "100 - 29 = 71/1.784 = 3,97%"),
        ("## **II. MỤC ĐÍCH**", "II. MỤC ĐÍCH"),
        ("*\\* Tiêu chí số 9 - Nhà ở dân cư*", "* Tiêu chí số 9 - Nhà ở dân cư"),
        ("giá $5 và $6", "giá $5 và $6"),
    ],
)
def test_markup_cases(raw, expected):
    assert normalize_text(raw, markup="markdown") == expected


def test_mapped_text_edit_keeps_offsets():
    mt = MappedText.identity("ab  cd")
    out = mt.edit([(2, 4, " ")])
    assert out.text == "ab cd"
    assert out.src[3] == 4 and out.src[-1] == 6
