"""Status, time and list cues of plan language (data in `data/cues.yaml`).

Phrases are matched on the length-preserving fold of the text, so "Chưa đạt",
"chưa đạt" and "chua dat" are one cue and the match offsets are the text's.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import regex

from gazetteer.lexicon import load_data, prefix_alternation, words_alternation
from gazetteer.text import fold, match_at


@lru_cache(maxsize=8)
def folded(text: str) -> str:
    """`fold` of a whole document, kept for the few documents being read (str hashes are cached)."""
    return fold(text)


@dataclass(frozen=True, slots=True)
class Cue:
    start: int
    end: int
    kind: str  # a status (met, unmet, target) or a cue family (now, topic, ...)


@lru_cache(maxsize=None)
def cue_data() -> dict:
    return load_data("cues.yaml")


@lru_cache(maxsize=None)
def signer_titles() -> dict:
    return load_data("signer_titles.yaml")


def phrase_pattern(phrases: list[str] | tuple[str, ...]) -> "regex.Pattern[str]":
    """A pattern matching any phrase on the folded text, longest first, on word boundaries."""
    return _phrase_pattern(tuple(phrases))


@lru_cache(maxsize=1024)
def _phrase_pattern(phrases: tuple[str, ...]) -> "regex.Pattern[str]":
    return regex.compile(r"(?<![\p{L}\p{N}])(?:" + words_alternation(fold(p) for p in phrases) + r")(?![\p{L}\p{N}])")


def phrase_matches(phrases: list[str] | tuple[str, ...], ftext: str) -> "list[regex.Match[str]]":
    """What `phrase_pattern(phrases).finditer(ftext)` finds in a whole folded text, tried only
    where a standard `re` pattern of the phrases (`phrase_starts`) finds one written."""
    phrases = tuple(phrases)
    return matches_where(_phrase_pattern(phrases), phrase_starts(phrases), ftext)


def matches_where(exact: "regex.Pattern[str]", written: "re.Pattern[str] | LeftmostOf", ftext: str) -> "list[regex.Match[str]]":
    """What `exact.finditer(ftext)` finds, tried only where `written` (a standard `re` pattern
    that matches wherever `exact` does, and maybe more) finds a match, from the leftmost on:
    `re` scans a document much faster than `regex`."""
    out: list = []
    pos = 0
    while pos <= len(ftext) and (hit := written.search(ftext, pos)) is not None:
        m = match_at(exact, ftext, hit.start())
        if m is None:
            pos = hit.start() + 1
            continue
        out.append(m)
        pos = m.end() if m.end() > m.start() else m.end() + 1
    return out


class LeftmostOf:
    """Standard `re` patterns searched as their alternation would be (the leftmost hit), in one
    text at rising positions. A pattern opening with a word is found by a fast scan for that
    word; an alternation of words opening with different letters is tried at each such letter.
    Each pattern's next hit is kept until the search passes it."""

    def __init__(self, patterns: "Iterable[re.Pattern[str]]"):
        self._patterns = tuple(patterns)
        self._next: list = [None] * len(self._patterns)  # per pattern: its next hit, or False when none is left

    def search(self, ftext: str, pos: int) -> "re.Match[str] | None":
        best = None
        for i, written in enumerate(self._patterns):
            hit = self._next[i]
            if hit is None or (hit is not False and hit.start() < pos):
                hit = self._next[i] = written.search(ftext, pos) or False
            if hit is not False and (best is None or hit.start() < best.start()):
                best = hit
        return best


@lru_cache(maxsize=1024)
def phrase_starts(phrases: tuple[str, ...]) -> "re.Pattern[str]":
    """The phrases of `phrase_pattern(phrases)` as written, word bounds aside: where one may begin."""
    return re.compile(prefix_alternation(fold(p) for p in phrases))


@dataclass(frozen=True, slots=True)
class PhraseList:
    """A word list's two patterns on the folded text: the phrases as written (a standard `re`
    trie, `phrase_starts`) and on word bounds (`phrase_pattern`)."""

    written: "re.Pattern[str]"
    exact: "regex.Pattern[str]"

    def within(self, ftext: str, start: int, end: int) -> "Iterable[regex.Match[str]]":
        """What `exact.finditer(ftext, start, end)` finds. Most windows hold none of the
        phrases: `written` says so far faster than the `regex` scan, which then is skipped."""
        if self.written.search(ftext, start, end) is None:
            return ()
        return self.exact.finditer(ftext, start, end)


@lru_cache(maxsize=1024)
def phrase_list(phrases: tuple[str, ...]) -> PhraseList:
    """The patterns of a word list, built once (hold it: hashing the tuple again costs)."""
    return PhraseList(phrase_starts(phrases), _phrase_pattern(phrases))


@lru_cache(maxsize=None)
def _status_lists() -> list[tuple[str, PhraseList]]:
    return [(status, phrase_list(tuple(words))) for status, words in cue_data()["status"].items()]


def status_words() -> tuple[str, ...]:
    """The phrases of every status cue (met, unmet, target)."""
    return tuple(w for words in cue_data()["status"].values() for w in words)


@lru_cache(maxsize=None)
def family_words(family: str) -> tuple[str, ...]:
    """The phrases of one cue family (a list, or lists by sub-family)."""
    data = cue_data()[family]
    return tuple(data if isinstance(data, list) else [w for ws in data.values() for w in ws])


@lru_cache(maxsize=None)
def _family_list(family: str) -> PhraseList:
    return phrase_list(family_words(family))


def find_status_cues(ftext: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """Status cues in ftext[start:end] (a folded text); overlapping cues keep the longest
    ("chưa đạt" over "đạt")."""
    end = len(ftext) if end is None else end
    found: list[Cue] = []
    for status, phrases in _status_lists():
        for m in phrases.within(ftext, start, end):
            found.append(Cue(m.start(), m.end(), status))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[Cue] = []
    for c in found:
        if kept and c.start < kept[-1].end:
            continue
        kept.append(c)
    return kept


def find_family(ftext: str, family: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """The cues of one family in ftext[start:end] (a folded text)."""
    end = len(ftext) if end is None else end
    return [Cue(m.start(), m.end(), family) for m in _family_list(family).within(ftext, start, end)]


@lru_cache(maxsize=None)
def count_unit_pattern() -> "regex.Pattern[str]":
    """Named groups per unit code: `(?P<tieu_chi>…)|(?P<chi_tieu>…)`."""
    parts = []
    for unit, words in cue_data()["count_units"].items():
        parts.append(f"(?P<{unit}>" + words_alternation(fold(w) for w in words) + ")")
    return regex.compile(r"(?<![\p{L}\p{N}])(?:" + "|".join(parts) + r")(?![\p{L}\p{N}])")
