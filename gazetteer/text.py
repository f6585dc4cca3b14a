"""Diacritic folding for matching Vietnamese text.

`fold` maps every character to exactly one character, so a match found in the
folded text has the same offsets in the original text. Everything else in the
gazetteer matches on folded text or on keys derived from it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import regex

from gazetteer.datafiles import load_data

# Marks that carry a Vietnamese tone (thanh điệu); vowel-shape marks
# (breve, circumflex, horn) are not tones.
_TONE_MARKS = {
    "\u0300": "2",  # huyền
    "\u0301": "1",  # sắc
    "\u0303": "3",  # ngã
    "\u0309": "4",  # hỏi
    "\u0323": "5",  # nặng
}

# Letters whose decomposition does not reveal a plain base letter, plus glyphs
# that broken PDF fonts emit in place of a letter (data/letters.yaml).
_SPECIAL: dict[str, str] = dict(load_data("letters.yaml")["fold_base"])
_STAND_INS: dict[str, str] = dict(load_data("letters.yaml")["glyph_stand_ins"])
_STAND_IN_TABLE = str.maketrans(_STAND_INS)


class _FoldTable(dict):
    """Lazy `str.translate` table: each code point folds to one character."""

    def __missing__(self, code: int) -> str:
        folded = _fold_char(chr(code))
        self[code] = folded
        return folded


def _fold_char(ch: str) -> str:
    if ch in _SPECIAL:
        return _SPECIAL[ch]
    if unicodedata.category(ch) == "Mn":
        # A stray combining mark has no base letter to fold into; keep it so
        # that the length is preserved.
        return ch
    base = unicodedata.normalize("NFD", ch)[0]
    lowered = base.lower()
    if len(lowered) != 1:
        lowered = ch.lower() if len(ch.lower()) == 1 else ch
    return lowered


_TABLE = _FoldTable()


SHORT_FOLD = 200  # strings up to this length (words, phrases, clauses) keep their fold in a cache


def fold(s: str) -> str:
    """Lowercase and strip tone and vowel marks, one character per character.

    `len(fold(s)) == len(s)` always holds, so spans found in `fold(s)` are
    spans of `s`. Expects NFC text (as produced by `normalize`). Short strings,
    folded again and again (cue words, names), are folded once per process.
    """
    if len(s) <= SHORT_FOLD:
        return _fold_short(s)
    return _fold_long(s)


# Code points not worked out yet in a `CodePointMap` hold this value (no code point), so the one
# lookup that maps a text also tells whether it met a new character.
_UNMAPPED = 0xFFFFFFFF


class CodePointMap:
    """A character-for-character map of whole texts, each code point worked out once (by
    `map_char`, from a code point to a code point) and then looked up through NumPy: indexing an
    array with a text's code points maps a document several times faster than `str.translate`."""

    def __init__(self, map_char):
        self._map_char = map_char
        self._codes = np.full(0x110000, _UNMAPPED, dtype=np.uint32)

    def __call__(self, s: str) -> str | None:
        """`s` mapped, or None for a text no UTF-32 holds (a lone surrogate)."""
        try:
            codes = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
        except UnicodeEncodeError:
            return None
        mapped = self._codes[codes]
        unseen = mapped == _UNMAPPED
        if unseen.any():
            for code in set(codes[unseen].tolist()):  # (np.unique would import numpy.ma)
                self._codes[code] = self._map_char(code)
            mapped = self._codes[codes]
        return mapped.tobytes().decode("utf-32-le")


# `_TABLE` over every code point, for whole documents.
_fold_codes = CodePointMap(lambda code: ord(_TABLE[code]))


def _fold_long(s: str) -> str:
    folded = _fold_codes(s)
    return s.translate(_TABLE) if folded is None else folded


@lru_cache(maxsize=65536)
def _fold_short(s: str) -> str:
    folded = s.translate(_TABLE)
    assert len(folded) == len(s)
    return folded


_EDGE_PUNCT = regex.compile(r"^[\p{P}\p{S}\s]+|[\p{P}\p{S}\s]+$")
_SPACES = regex.compile(r"\s+")
_INNER_PUNCT = regex.compile(r"[^\p{L}\p{N}\s&]+")


@lru_cache(maxsize=65536)
def fold_key(s: str) -> str:
    """Dictionary key: folded, whitespace collapsed, punctuation stripped at the ends."""
    folded = fold(unicodedata.normalize("NFC", s))
    folded = "".join(c for c in folded if unicodedata.category(c) != "Mn")
    folded = _SPACES.sub(" ", folded)
    return _EDGE_PUNCT.sub("", folded)


@lru_cache(maxsize=65536)
def words_key(s: str) -> str:
    """Looser key for names: `fold_key` with inner punctuation turned into spaces.

    "Thủy lợi và phòng, chống thiên tai" and "Thủy lợi và phòng chống thiên tai"
    share a key. `&` is kept because abbreviations such as "GD&ĐT" use it.
    """
    return _SPACES.sub(" ", _INNER_PUNCT.sub(" ", fold_key(s))).strip()


@lru_cache(maxsize=65536)
def tone_key(s: str) -> str:
    """Key that keeps every mark but ignores where the tone mark sits.

    Each word's tone is moved to the end of the word as a digit, so
    "Thanh Hoá" and "Thanh Hóa" are equal while "Cẩm" and "Cam" are not.
    """
    s = s.translate(_STAND_IN_TABLE)
    words = _SPACES.sub(" ", unicodedata.normalize("NFC", s).strip()).lower().split(" ")
    keyed = []
    for word in words:
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(_TONE_MARKS[c] for c in decomposed if c in _TONE_MARKS)
        bare = "".join(c for c in decomposed if c not in _TONE_MARKS)
        keyed.append(unicodedata.normalize("NFC", bare) + tones)
    return " ".join(keyed)


class _ToneTable(dict):
    """Lazy `str.translate` table removing only tone marks (one char per char)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _STAND_INS:
            out = _STAND_INS[ch].lower()
        elif unicodedata.category(ch) == "Mn":
            out = ch
        else:
            bare = "".join(c for c in unicodedata.normalize("NFD", ch) if c not in _TONE_MARKS)
            out = unicodedata.normalize("NFC", bare).lower()
            if len(out) != 1:
                out = ch.lower() if len(ch.lower()) == 1 else ch
        self[code] = out
        return out


_TONE_TABLE = _ToneTable()


def strip_tones(s: str) -> str:
    """Lowercase and drop tone marks only, one character per character.

    Keeps đ and the vowel-shape marks (ă â ê ô ơ ư), so "điện" and "diện"
    stay different while "hoá" and "hóa" become equal.
    """
    out = s.translate(_TONE_TABLE)
    assert len(out) == len(s)
    return out


def has_marks(s: str) -> bool:
    """Whether `s` carries any Vietnamese diacritic (i.e. is not written bare)."""
    return fold(s) != s.lower()


# A phrase of letters and spaces never holds any other character: those bound where it can be.
_PHRASE_BOUND = regex.compile(r"[^\p{L}\s]")
_PHRASE_BOUND_BEFORE = regex.compile(r"(?r)[^\p{L}\s]")


def caseless(phrase: str) -> str:
    """`re` source matching `phrase` in any mix of cases (each letter as [xX]), any spaces between words."""
    def letter(c: str) -> str:
        return f"[{re.escape(c.lower())}{re.escape(c.upper())}]" if c.lower() != c.upper() else re.escape(c)
    return r"\s+".join("".join(letter(c) for c in word) for word in phrase.split())


def phrase_windows(text: str, anchor: "re.Pattern[str]") -> list[tuple[int, int]]:
    """Merged stretches of `text` that hold every phrase of letters and spaces containing a match
    of `anchor`: from the character before it that is neither a letter nor a space, to the one
    after it (included, so that a lookahead sees it). A pattern for such phrases finds in these
    stretches what it finds in the whole text; `anchor` (a standard `re` pattern, which finds a
    few words far faster than `regex` scans for a phrase) must match inside every such phrase."""
    return merged_windows(text, anchor, _PHRASE_BOUND_BEFORE, _PHRASE_BOUND, through_bound=True)


def merged_windows(text: str, hits, before, after, *, through_bound: bool = False,
                   skip=None) -> list[tuple[int, int]]:
    """Merged stretches of `text` around every match of `hits`: from where `before` (a reverse
    pattern) last matches before the hit to where `after` next matches after it (its start, or
    its end with `through_bound`); the whole text's ends where either finds nothing. A hit inside
    the stretch before, or one that `skip(text, match)` rejects, opens none. The readers that scan
    only where a phrase can stand share this."""
    windows: list[tuple[int, int]] = []
    for m in hits.finditer(text):
        if (windows and m.start() < windows[-1][1]) or (skip is not None and skip(text, m)):
            continue
        b, a = before.search(text, 0, m.start()), after.search(text, m.end())
        start = b.start() if b else 0
        end = (a.end() if through_bound else a.start()) if a else len(text)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


MATCH_WINDOW = 400  # chars after `pos` a match anchored there may span


def match_at(pattern: "regex.Pattern[str]", text: str, pos: int, endpos: int | None = None) -> "regex.Match[str] | None":
    """`pattern.match(text, pos)` over a bounded window.

    The regex engine looks ahead for a pattern's required literal up to
    `endpos` before it tries a match, so an unbounded match at each of n offsets
    costs O(n²) on a long document; every anchored match goes through here.
    """
    limit = pos + MATCH_WINDOW
    return pattern.match(text, pos, limit if endpos is None else min(endpos, limit))


def matches_at(pattern: "regex.Pattern[str]", text: str, starts) -> "list[regex.Match[str]]":
    """What `pattern.finditer(text)` finds, trying `pattern` only at `starts` (ascending offsets).

    `starts` must hold every offset where a match can begin (a cheap pattern on
    the folded text finds them); like `finditer`, a match hides the starts
    inside it.
    """
    out = []
    last_end = -1
    for pos in starts:
        if pos < last_end:
            continue
        m = match_at(pattern, text, pos)
        if m is not None:
            out.append(m)
            last_end = m.end() if m.end() > m.start() else m.end() + 1
    return out
