"""One lexicon: Vietnamese words live in data files, never in the Python of extract/ and gazetteer/."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from extract.metadata import DOCUMENT_ENUMS
from extract.registry import components
from gazetteer.datafiles import DATA_DIRS
from gazetteer.lexicon import expand, load_data, pattern, prefix_alternation, words, words_alternation
from gazetteer.text import fold

ROOT = Path(__file__).resolve().parents[2]
# A letter only Vietnamese spelling carries (a vowel with a Vietnamese mark, or đ).
_VIETNAMESE_LETTER = regex.compile(r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", regex.I)
_REGEX_SPACE = regex.compile(r"\\s[+*]?|\\ |\\b|\s+")
_IDENTIFIER = regex.compile(r"[a-z][a-z0-9_-]*")
_REGEX_SYNTAX = regex.compile(r"\\|\(\?")


def _string_constants(path: Path) -> list[tuple[int, str]]:
    """(line, value) of every string constant that is not a docstring."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _python_files() -> list[Path]:
    return sorted(p for package in ("extract", "gazetteer") for p in (ROOT / package).rglob("*.py"))


def _leaves(data) -> list[str]:
    if isinstance(data, dict):
        return [w for v in data.values() for w in _leaves(v)]
    if isinstance(data, list):
        return [w for v in data for w in _leaves(v)]
    return [data] if isinstance(data, str) else []


def _guard_pattern(shortest: int = 2) -> "regex.Pattern[str]":
    """Folded Vietnamese words to look for: every phrase of lexicon.yaml and cues.yaml
    of `shortest` letters or more."""
    phrases = {fold(str(w)) for key in load_data("lexicon.yaml") for w in words(key)}
    phrases |= {fold(w) for w in _leaves(load_data("cues.yaml"))}
    phrases = {p for p in phrases if len(p.replace(" ", "")) >= shortest and p.isascii()}
    alternation = "|".join(sorted((regex.escape(p).replace(r"\ ", " ") for p in phrases), key=len, reverse=True))
    return regex.compile(rf"(?<![a-z])(?:{alternation})(?![a-z])")


def _enum_values() -> set[str]:
    return {v for c in components() for values in c.enums.values() for v in values} | {
        v for values in DOCUMENT_ENUMS.values() for v in values}


def test_no_vietnamese_letter_in_python_strings():
    found = [f"{p.relative_to(ROOT)}:{line}: {value[:60]!r}"
             for p in _python_files() for line, value in _string_constants(p) if _VIETNAMESE_LETTER.search(value)]
    assert found == []


def test_no_folded_vietnamese_word_in_python_strings():
    """Patterns on folded text spell words without marks ("tieu chi"): those belong in data too.
    Identifiers (enum values, data keys such as "ngan_sach_xa") are names, not words; in
    plain strings (messages) two-letter words are English ("so"), in patterns they are not."""
    in_patterns, in_text, enums = _guard_pattern(2), _guard_pattern(3), _enum_values()
    found = []
    for p in _python_files():
        for line, value in _string_constants(p):
            if _IDENTIFIER.fullmatch(value) and ("_" in value or "-" in value or value in enums):
                continue
            guard = in_patterns if _REGEX_SYNTAX.search(value) else in_text
            hits = guard.findall(_REGEX_SPACE.sub(" ", value).lower())
            if hits:
                found.append(f"{p.relative_to(ROOT)}:{line}: {hits} in {value[:60]!r}")
    assert found == []


@pytest.mark.parametrize("text", ['print("tiêu chí")', 'x = r"(?:muc|noi\\s+dung)"', "y = 'chua dat'"])
def test_the_scan_sees_a_word_in_code(tmp_path, text):
    file = tmp_path / "probe.py"
    file.write_text(f'"""A docstring may say tiêu chí."""\n{text}\n', encoding="utf-8")
    values = [v for _, v in _string_constants(file)]
    assert any(_VIETNAMESE_LETTER.search(v) or _guard_pattern().search(_REGEX_SPACE.sub(" ", v).lower()) for v in values)


def test_a_docstring_is_not_code(tmp_path):
    file = tmp_path / "probe.py"
    file.write_text('"""Tiêu chí số 5."""\ndef f():\n    """Chưa đạt."""\n    return 1\n', encoding="utf-8")
    assert _string_constants(file) == []


def test_data_file_names_are_unique_across_folders():
    names = [p.name for d in DATA_DIRS for p in d.glob("*.y*ml")]
    assert len(names) == len(set(names)) and names


def test_slots_expand_to_the_listed_words():
    assert expand("(?:@{range_to})") == "(?:" + words_alternation(words("range_to")) + ")"
    assert set(words_alternation(words("range_to")).split("|")) == set(words("range_to"))
    assert pattern(r"(?i)(?:@{day_word:folded})\s+\d+").match("NGAY 5")
    assert pattern(r"(?:@{unit_words_commune:upper})\b").match(words("unit_words_commune")[0].upper())
    with pytest.raises(KeyError):
        expand("@{no_such_list}")


def test_a_missing_data_file_is_a_clear_error():
    with pytest.raises(FileNotFoundError, match="no_such_file.yaml"):
        load_data("no_such_file")


@settings(max_examples=500)
@given(st.lists(st.text(alphabet="ab đ.\t", max_size=6), max_size=6), st.text(alphabet="ab đ.\tc\n", max_size=30),
       st.sampled_from(["", r"(?![\p{L}\p{N}])", r"\s*c", r"(?!b)"]))
def test_a_trie_of_phrases_matches_what_their_alternation_matches(phrases, text, after):
    for before in ("", r"(?<![\p{L}\p{N}])"):
        plain = regex.compile(before + "(?:" + words_alternation(phrases) + ")" + after)
        trie = regex.compile(before + "(?:" + prefix_alternation(phrases) + ")" + after)
        assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_a_trie_shares_the_words_its_phrases_begin_with():
    assert prefix_alternation(["tiêu chí", "tiêu đề", "tiêu"]) == r"tiêu(?:\s+(?:chí|đề)|)"
    # "a    b" is tried before "a b c" by the plain alternation (it is longer): the trie would not
    assert prefix_alternation(["a    b", "a b c"]) == words_alternation(["a    b", "a b c"])


@settings(max_examples=300)
@given(st.lists(st.text(alphabet="ab đ1", min_size=1, max_size=5), min_size=1, max_size=5),
       st.text(alphabet="ab đĐ1x .\n", max_size=40))
def test_phrase_matches_are_those_the_phrase_pattern_finds(phrases, text):
    from gazetteer.cues import phrase_matches, phrase_pattern

    folded = fold(text)
    assert [m.span() for m in phrase_matches(phrases, folded)] == [m.span() for m in phrase_pattern(phrases).finditer(folded)]
