"""Vietnamese syllable grammar and repair of text broken by bad converters."""
from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.document import MappedText
from normalize.glyphs import repair_glyphs
from normalize.syllables import SUSPECT_RE, WORD_RE, _mark_opens_a_token, _words, is_valid_syllable, lexicon, repair_broken_text

SAMPLES = sorted((Path(__file__).parents[2] / "corpus" / "samples").glob("*.txt"))

VALID = ("nông thôn mới xã đạt tiêu chí hoá hóa thuỷ thủy khuya khuỷu giếng giết gì gìn già quốc quyết quyền "
         "quý quả người nghĩa yêu uyên oằn ngoẹo Việt NAM ĐỘC tiểu luôn còn toàn hoà hòa ấy ấp kênh "
         "ghi nghề kỹ kĩ xoong thơn").split()
INVALID = "nơng ln cịn ngia ce kà càp tóan tiể tyên iên khơng cợng ghà ngo̧ xãhội hóà abc 123 q".split()


@pytest.mark.parametrize("syllable", VALID)
def test_valid_syllables(syllable):
    assert is_valid_syllable(syllable)


@pytest.mark.parametrize("word", INVALID)
def test_invalid_syllables(word):
    assert not is_valid_syllable(word)


@pytest.mark.parametrize("broken, repaired, kind", [
    ("xây dựng nơng thơn mới, khơng đạt", "xây dựng nông thôn mới, không đạt", "syllable_repair"),
    ("ln ln bám sát", "luôn luôn bám sát", "syllable_repair"),
    ("vẫn cịn khó khăn, cơng tác", "vẫn còn khó khăn, công tác", "syllable_repair"),
    ("phát triển tồn diện, cịn hạn chế, nơng dân", "phát triển toàn diện, còn hạn chế, nông dân", "syllable_repair"),
    ("thực hiện ti ểu dự án", "thực hiện tiểu dự án", "syllable_split"),
    ("xây dựng nông thônmới", "xây dựng nông thôn mới", "syllable_join"),
    ("ý nghi \u0303a", "ý nghĩa", "syllable_dangling_mark"),
])
def test_repairs(broken, repaired, kind):
    mt, counts = repair_broken_text(MappedText.identity(broken))
    assert mt.text == repaired
    assert counts[kind] >= 1
    assert len(mt.src) == len(mt.text) + 1 and mt.src[-1] == len(broken)


@pytest.mark.parametrize("text", [
    "tồn tại, thơn thớt, sớm, tơ lụa",          # real syllables that a confusion could have made
    "hợp tác xã Lũng Cú, Thạch Cẩm",           # names
    "ời, ừ, ạ",                                  # interjections
    "UBND, HĐND, VietGAP, Covid-19, TTg",        # acronyms and foreign words
])
def test_real_text_is_left_alone(text):
    mt, counts = repair_broken_text(MappedText.identity(text))
    assert mt.text == text and not counts


def test_one_confusion_does_not_license_context_changes():
    """A single non-word is repaired; a real word nearby stays without more evidence of the broken font."""
    mt, _ = repair_broken_text(MappedText.identity("nơng dân bán tồn bộ"))
    assert mt.text == "nông dân bán tồn bộ"


def test_samples_are_left_alone():
    for path in SAMPLES:
        text = repair_glyphs(MappedText.identity(path.read_text(encoding="utf-8")))[0].text
        mt, counts = repair_broken_text(MappedText.identity(text))
        assert mt.text == text and not counts, (path.name, counts)


def test_lexicon_is_vietnamese():
    syllables, pairs = lexicon()
    assert len(syllables) > 5000 and len(pairs) > 50_000
    assert all(is_valid_syllable(s) for s in list(syllables)[::50])
    assert "nông thôn" in pairs


# Letters, marks, digits and punctuation glued in every way, blanks of every kind between them,
# and characters `str.isalpha` and the word pattern could read differently (ĸ, ª, ², Ⅳ, ǅ).
_CENSUS_CHARS = "aăđƯệ\u0301\u0323ĸªǅ²Ⅳ0159-.,;:()“”%/… \t\n\u00a0\u2028\u3000\x1c"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=_CENSUS_CHARS, max_size=60))
def test_words_are_those_a_full_scan_finds(text):
    assert _words(text) == WORD_RE.findall(text)
    assert _words(text + "\ud800") == WORD_RE.findall(text)  # no UTF-32 for a lone surrogate
    assert _mark_opens_a_token(text) == any("\u0300" <= token[0] <= "\u036f" for token in text.split())


def test_token_reading_agrees_with_the_word_and_mark_patterns_on_every_character():
    # What `_words` and the dangling-mark check rely on: no letter or mark is a blank, and every
    # blank `SUSPECT_RE` knows splits tokens (`str.isspace`).
    characters = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF]
    assert not any(c.isspace() for c in characters if WORD_RE.fullmatch(c))
    assert all(c.isspace() for c in characters if SUSPECT_RE.match(c + "\u0301"))
