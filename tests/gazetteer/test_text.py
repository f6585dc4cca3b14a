"""gazetteer.text: length-preserving fold and the keys built on it."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

import re

import regex

from gazetteer.text import SHORT_FOLD, caseless, fold, fold_key, has_marks, phrase_windows, strip_tones, tone_key, words_key
from tests.gazetteer.cases import cases

VIETNAMESE = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
vietnamese_text = st.text(alphabet=VIETNAMESE + VIETNAMESE.upper() + " ,.;:-()%/0123456789\n")


@pytest.mark.parametrize("case", cases("text", "fold"))
def test_fold(case):
    assert fold(case["text"]) == case["folded"]


@pytest.mark.parametrize("case", cases("text", "fold_key_equal"))
def test_fold_key_equal(case):
    assert fold_key(case["a"]) == fold_key(case["b"])


@pytest.mark.parametrize("case", cases("text", "fold_key"))
def test_fold_key(case):
    assert fold_key(case["text"]) == case["key"]


@pytest.mark.parametrize("case", cases("text", "words_key"))
def test_words_key(case):
    assert words_key(case["text"]) == case["key"]


@pytest.mark.parametrize("case", cases("text", "tone_key"))
def test_tone_key(case):
    assert (tone_key(case["a"]) == tone_key(case["b"])) is case["equal"]


@pytest.mark.parametrize("case", cases("text", "strip_tones"))
def test_strip_tones(case):
    assert strip_tones(case["text"]) == case["out"]


@given(st.text())
def test_fold_preserves_length_of_any_text(s):
    assert len(fold(s)) == len(s)
    assert len(strip_tones(s)) == len(s)


@given(vietnamese_text)
def test_fold_is_idempotent_and_ascii_on_vietnamese(s):
    s = unicodedata.normalize("NFC", s)
    folded = fold(s)
    assert fold(folded) == folded
    assert folded.isascii()
    assert fold_key(fold_key(s)) == fold_key(s)


@given(vietnamese_text)
def test_tone_placement_never_matters(s):
    # Moving a tone mark between the vowels of "oa", "oe", "uy" keeps the fold.
    moved = s.replace("oá", "óa").replace("uỷ", "ủy").replace("oè", "òe")
    assert fold(moved) == fold(s)
    assert tone_key(moved) == tone_key(s)


def test_offsets_in_folded_text_are_offsets_in_original():
    text = "Tỷ lệ người dân tham gia Bảo hiểm Y tế đạt 90%"
    start = fold(text).index("bao hiem y te")
    assert text[start : start + len("bao hiem y te")] == "Bảo hiểm Y tế"


def test_has_marks():
    assert has_marks("Điện") and has_marks("hóa")
    assert not has_marks("Dien luc 2024")


_PHRASE = regex.compile(r"(?<!\p{L})(?i:cuối\s+năm|năm\s+nay)(?!\p{L})(?!\s*\d)")
_WORDS = ["năm", "Năm", "NĂM", "nay", "cuối", "Cuối", "2024", "5", ",", ".", "(", ")", "\n", " ", "xã", "nămx"]


@given(st.lists(st.sampled_from(_WORDS), max_size=16).map(" ".join))
def test_a_phrase_read_in_its_windows_is_read_as_in_the_whole_text(text):
    whole = [m.span() for m in _PHRASE.finditer(text)]
    windows = [m.span() for ws, we in phrase_windows(text, re.compile(caseless("năm"))) for m in _PHRASE.finditer(text, ws, we)]
    assert windows == whole


def test_phrase_windows_stop_at_what_is_neither_letter_nor_space():
    text = "Báo cáo: cuối năm nay, xã đạt; năm 2024."
    windows = phrase_windows(text, re.compile(caseless("năm")))
    assert [text[s:e] for s, e in windows] == [": cuối năm nay,", "; năm 2"]


def test_caseless_matches_any_mix_of_cases():
    assert re.fullmatch(caseless("cuối năm"), "CuỐi   NĂm")
    assert not re.fullmatch(caseless("cuối năm"), "cuoi nam")


@pytest.mark.parametrize("odd", ["", "\ud800", "𝐀", "\u0301", "\x00"])
def test_a_long_text_folds_as_its_characters_do(odd):
    text = ("Xã ĐẠI Đồng, huyện Lộc Bình: đạt 18/19 tiêu chí NTM. " + odd) * 20
    assert len(text) > SHORT_FOLD
    assert fold(text) == "".join(fold(ch) for ch in text)
