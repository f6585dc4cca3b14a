"""The shared scan for rare characters answers as a scan of each class alone would."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from normalize.characters import RareCharacters

_DIGITS = RareCharacters(lambda: "0123")
_MARKS = RareCharacters(lambda: "\u0301\u00a0")


@settings(max_examples=200, deadline=None, derandomize=True)
@given(st.text(alphabet="ab01\u0301\u00a0 \n", max_size=30))
def test_each_class_is_found_exactly_where_its_characters_are(text):
    assert _DIGITS.found_in(text) == any(ch in "0123" for ch in text)
    assert _MARKS.found_in(text) == any(ch in "\u0301\u00a0" for ch in text)


def test_a_new_text_is_scanned_anew_and_a_class_made_later_is_known():
    assert _DIGITS.found_in("a1") and not _DIGITS.found_in("ab")
    late = RareCharacters(lambda: "z")
    text = "xyz"
    assert not _DIGITS.found_in(text) and late.found_in(text)
