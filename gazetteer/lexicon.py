"""The one lexicon: every word list of the project, loaded from data files once per process.

Word lists live in YAML under `gazetteer/data/` and `extract/data/`;
`load_data` reads either folder (a file is parsed once). Lists that code
weaves into a regular expression sit in `gazetteer/data/lexicon.yaml` and are
spliced into a pattern by name: `pattern(r"\\b(?:@{list_announcers})\\s*:")`
puts the alternation of that list (longest first, any whitespace between
words) where `@{list_announcers}` stands; `@{key:folded}` puts the list
diacritic-folded, for patterns run on the folded text, and `@{key:upper}` in
capitals. Patterns are compiled
once per template and process; modules build theirs at import, so importing
the registry (the worker warm-up) compiles them all.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

from gazetteer.datafiles import load_data
from gazetteer.text import fold

__all__ = ["expand", "load_data", "pattern", "prefix_alternation", "words", "words_alternation"]

_SLOT = regex.compile(r"@\{(\w+)(?::(folded|upper))?\}")


def words(key: str) -> tuple[str, ...]:
    """One word list of lexicon.yaml."""
    data = load_data("lexicon.yaml")
    if key not in data:
        raise KeyError(f"lexicon.yaml has no list {key!r}")
    value = data[key]
    return tuple(value) if isinstance(value, list) else (value,)


def words_alternation(phrases: Any) -> str:
    """Regex alternation of phrases, longest first, any whitespace between words."""
    unique = sorted({str(w) for w in phrases}, key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(regex.escape(part) for part in w.split()) for w in unique)


_SPACE = object()  # the `\s+` between two words of a phrase, in `prefix_alternation`'s trie


def prefix_alternation(phrases: Any) -> str:
    """`words_alternation` of the phrases as a trie ("tiêu chí|tiêu đề" → "tiêu\\s+(?:chí|đề)"):
    the same matches in a case-sensitive pattern. A standard `re` pattern of the trie finds
    the places where a phrase may stand far faster than `regex` scans the plain alternation.

    Of the phrases that match at one place, `words_alternation` tries the longest first; the
    trie tries those with more words and letters first. The two orders agree unless a phrase
    written with more spaces than another that continues it is the longer ("a    b" before
    "a b c"); such lists keep the plain alternation. Under a case-insensitive flag two
    branches of a trie can both match and the order would change: never use it there."""
    unique = sorted({str(w) for w in phrases}, key=lambda w: (-len(w), w))
    tokens = {w: tuple(_phrase_tokens(w)) for w in unique}
    rank = {}
    for w in unique:  # the first phrase of each token sequence is the one that matches
        rank.setdefault(tokens[w], (-len(w), w))
    if any(rank.get(seq[:k], (0, "")) < rank[seq] for seq in rank for k in range(len(seq))):
        return words_alternation(unique)
    trie: dict = {}
    for seq in rank:
        node = trie
        for token in seq:
            node = node.setdefault(token, {})
        node[None] = {}
    return _trie_source(trie)


def _phrase_tokens(phrase: str):
    for i, part in enumerate(phrase.split()):
        if i:
            yield _SPACE
        yield from part


def _trie_source(node: dict) -> str:
    """The alternation of a trie node: each branch (they exclude one another), the end last."""
    branches = [(r"\s+" if token is _SPACE else regex.escape(token)) + _trie_source(child)
                for token, child in node.items() if token is not None]
    if None in node:
        if not branches:
            return ""
        branches.append("")
    if len(branches) == 1:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"


def expand(template: str) -> str:
    """The template with each `@{key}` / `@{key:folded}` replaced by that list's alternation."""
    def slot(m: regex.Match) -> str:
        listed = words(m.group(1))
        form = {"folded": fold, "upper": str.upper}.get(m.group(2) or "", str)
        return words_alternation([form(w) for w in listed])

    return _SLOT.sub(slot, template)


@lru_cache(maxsize=None)
def pattern(template: str, flags: int = 0) -> "regex.Pattern[str]":
    """`regex.compile` of the expanded template, once per process."""
    return regex.compile(expand(template), flags)
