"""Cue phrases found in a window of a folded text."""
import regex

from gazetteer.cues import cue_data, phrase_list, phrase_pattern
from gazetteer.text import fold

TEXT = fold("Xã đã đạt chuẩn 15 tiêu chí; còn 4 tiêu chí chưa đạt, phấn đấu đạt chuẩn năm 2025. Chưa đạt")


def test_a_phrase_list_finds_what_its_pattern_finds_in_every_window():
    for words in cue_data()["status"].values():
        phrases = tuple(words)
        for start in range(0, len(TEXT), 3):
            for end in range(start, len(TEXT) + 1, 5):
                expected = [m.span() for m in phrase_pattern(phrases).finditer(TEXT, start, end)]
                assert [m.span() for m in phrase_list(phrases).within(TEXT, start, end)] == expected


def test_a_phrase_cut_by_the_window_end_is_not_found():
    assert list(phrase_list(("chưa đạt",)).within(TEXT, 0, TEXT.index("chua dat") + 5)) == []


def test_leftmost_of_finds_what_the_alternation_finds():
    import re

    from gazetteer.cues import LeftmostOf, matches_where

    exact = regex.compile(r"(?<![\p{L}])(?:ab|b c|cd)(?![\p{L}])")
    text = "xab ab b c cd abcd b cd ab"
    one = matches_where(exact, re.compile(r"ab|b c|cd"), text)
    split = matches_where(exact, LeftmostOf([re.compile("ab"), re.compile(r"b c"), re.compile("cd")]), text)
    assert [m.span() for m in split] == [m.span() for m in one]
    assert [m.group() for m in one] == ["ab", "b c", "cd", "cd", "ab"]
