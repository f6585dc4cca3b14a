"""Repair Vietnamese text in pre-Unicode encodings that was read as Windows-1252/Latin-1.

Before Unicode, Vietnamese documents were typed in 8-bit font encodings: TCVN3
(ABC, `.VnTime` fonts: `x· ®¹t` for "xã đạt"), VNI-Windows (`VNI-Times`: a base
letter plus mark characters, `Coäng hoøa` for "Cộng hòa") and VISCII. Read as
Windows-1252 they surface as Latin-1 gibberish; UTF-8 read as Windows-1252 gives
"Ã¡" mojibake. The tables live in `data/legacy_encodings.json`.

Each line is converted by the encoding whose result holds the most valid
Vietnamese syllables (`normalize.syllables`); a line is changed only when that
gains syllables and loses broken words, so good Unicode Vietnamese, where every
word is already a syllable, is never touched. Font names are a tie-breaker.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Callable

import re

import regex

from normalize.characters import RareCharacters
from normalize.document import MappedText
from normalize.syllables import is_valid_syllable, lexicon

DATA_DIR = Path(__file__).parent / "data"
LEGACY_ENCODINGS = ("tcvn3", "vni", "viscii")
# Edge punctuation stripped from a word before it is judged a syllable.
EDGE_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~“”‘’–—…"
# Font-name prefixes that tell which legacy encoding a PDF's text was typed in.
FONT_HINTS = {".vn": "tcvn3", "vni-": "vni", "vn-": "vni", "viscii": "viscii"}


def _vietnamese_letters() -> frozenset[str]:
    """Every letter of Unicode Vietnamese text, precomposed (NFC), both cases."""
    letters = set("abcdefghijklmnopqrstuvwxyzđăâêôơư")
    for base in "aăâeêioôơuưy":
        for mark in "\u0300\u0301\u0303\u0309\u0323":
            letters.add(unicodedata.normalize("NFC", base + mark))
    return frozenset(letters | {ch.upper() for ch in letters})


VIETNAMESE_LETTERS = _vietnamese_letters()


@lru_cache(maxsize=1)
def tables() -> dict:
    """Surface-character tables: what each legacy byte looks like after a Windows-1252 read."""
    data = json.loads((DATA_DIR / "legacy_encodings.json").read_text(encoding="utf-8"))
    tcvn3 = {chr(int(b, 16)): ch for b, ch in data["tcvn3"]["bytes"].items()}
    tcvn3.update(data["tcvn3"]["pdf_surface_aliases"])
    viscii_bytes = {int(b, 16): ch for b, ch in data["viscii"]["bytes"].items()}
    viscii = {chr(b): ch for b, ch in viscii_bytes.items()}
    for b, ch in viscii_bytes.items():  # the same bytes as Windows-1252 shows them
        if 0x80 <= b <= 0x9F:
            try:
                viscii[bytes([b]).decode("cp1252")] = ch
            except UnicodeDecodeError:
                pass
    vni = data["vni"]["sequences"]
    return {
        "tcvn3": tcvn3,
        "tcvn3_bytes": {int(b, 16): ch for b, ch in data["tcvn3"]["bytes"].items()},
        "viscii": viscii,
        "viscii_bytes": viscii_bytes,
        "vni": vni,
        "vni_re": regex.compile("|".join(regex.escape(s) for s in sorted(vni, key=len, reverse=True))),
    }


@lru_cache(maxsize=1)
def _fingerprints() -> dict[str, str]:
    """Per encoding, the surface characters that never occur in Unicode Vietnamese: its fingerprint."""
    t = tables()
    sets = {
        "tcvn3": set(t["tcvn3"]),
        "viscii": {ch for ch in t["viscii"] if ch not in "“”‘’–—…•"},
        "vni": {ch for seq in t["vni"] for ch in seq},
    }
    return {enc: "".join(sorted(s - VIETNAMESE_LETTERS)) for enc, s in sets.items()}


@lru_cache(maxsize=1)
def _signal_res() -> dict[str, "regex.Pattern[str]"]:
    return {enc: regex.compile("[" + regex.escape(chars) + "]") for enc, chars in _fingerprints().items()}


# Any fingerprint: a test every text takes, answered by the scan the repairs share.
_ANY_FINGERPRINT = RareCharacters(lambda: "".join(_fingerprints().values()))


@lru_cache(maxsize=1)
def _mojibake_scan() -> "re.Pattern[str]":
    """Any mojibake sequence: a test every text takes, so it is compiled for the standard `re`, with
    every alternative opening on one literal character, which the engine skips to (an alternative
    opening on a class has it try the whole pattern at every position), and a three-byte sequence
    opens on its second character, as its lead (á, â) is a common Vietnamese letter."""
    sequences = [f"{lead}[{_CONT}]" for lead in _MOJIBAKE_LEADS]
    sequences += [f"{second}(?<={lead}{second})[{_CONT}]"
                  for lead, seconds in _THREE_BYTE_SECONDS.items() for second in seconds]
    return re.compile("|".join(sequences))


# UTF-8 bytes read as Windows-1252: a lead byte (Â-ô) then 1-2 continuation bytes (0x80-0xBF as shown).
_CONT = "\u20ac\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u017d\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u017e\u0178\u0080-\u00bf"
_MOJIBAKE_LEADS = "\u00c2\u00c3\u00c4\u00c5\u00c6\u00ca\u00cb\u00cc\u00cd\u00ce\u00cf"  # of two-byte letters
# Of three-byte letters (U+1Exx) and punctuation: the lead and the second characters it takes.
_THREE_BYTE_SECONDS = {"\u00e1": "\u00ba\u00bb", "\u00e2": "\u20ac"}
MOJIBAKE_RE = regex.compile("|".join([f"[{_MOJIBAKE_LEADS}][{_CONT}]"] + [
    f"{lead}[{seconds}][{_CONT}]" for lead, seconds in _THREE_BYTE_SECONDS.items()]))
# What mojibake may decode to besides Vietnamese letters: punctuation and common symbols.
MOJIBAKE_TARGETS = frozenset("–—‘’‚“”„†‡•…‰′″‹›€™\u00a0°±²³¼½¾×÷§·")
CLOSING_PUNCT = frozenset("’”–—…")
MIN_PLAIN_MOJIBAKE = 3


# ------------------------------------------------------------------ converters


def _tcvn3_edits(text: str) -> list[tuple[int, int, str]]:
    """TCVN3 has no capital toned letters: a word typed in capitals (.VnTimeH) gets them capitalised."""
    table = tables()["tcvn3"]
    edits = []
    for line in regex.finditer(r"[^\n\f\r]+", text):
        line_upper = _mostly_upper(line.group(), table)
        for m in regex.finditer(r"\S+", line.group()):
            word = m.group()
            if not any(ch in table for ch in word):
                continue
            ascii_letters = [ch for ch in word if ch.isascii() and ch.isalpha()]
            upper = (ascii_letters and all(ch.isupper() for ch in ascii_letters)
                     and (len(ascii_letters) > 1 or line_upper)) or (not ascii_letters and line_upper)
            start = line.start() + m.start()
            for k, ch in enumerate(word):
                new = table.get(ch)
                if new is not None:
                    edits.append((start + k, start + k + 1, new.upper() if upper else new))
    return edits


def _mostly_upper(line: str, table: dict[str, str]) -> bool:
    """Whether the line's legacy-encoded words of two or more ASCII letters are mostly in capitals."""
    words = ["".join(ch for ch in w if ch.isascii() and ch.isalpha()) for w in line.split()
             if any(ch in table for ch in w)]
    words = [w for w in words if len(w) > 1]
    return bool(words) and sum(w.isupper() for w in words) * 3 >= len(words) * 2


def _viscii_edits(text: str) -> list[tuple[int, int, str]]:
    table = tables()["viscii"]
    return [(i, i + 1, table[ch]) for i, ch in enumerate(text) if ch in table]


def _vni_edits(text: str) -> list[tuple[int, int, str]]:
    table = tables()["vni"]
    return [(m.start(), m.end(), table[m.group()]) for m in tables()["vni_re"].finditer(text)]


def _mojibake_edits(text: str) -> list[tuple[int, int, str]]:
    """UTF-8 sequences read as Windows-1252, decoded back where they give Vietnamese letters or punctuation.

    A capital Ã/Ô/Ê before a closing quote or dash ("XÃ”") reads as mojibake too, so
    such pairs are converted only in a text that shows plain mojibake elsewhere.
    """
    plain, ambiguous = [], []
    for m in MOJIBAKE_RE.finditer(text):
        seq = m.group()
        try:
            raw = b"".join(ch.encode("cp1252") if ch.encode("cp1252", "ignore") else ch.encode("latin-1") for ch in seq)
            new = raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        if new not in VIETNAMESE_LETTERS and new not in MOJIBAKE_TARGETS:
            continue
        edit = (m.start(), m.end(), new)
        if len(seq) == 2 and seq[0] in VIETNAMESE_LETTERS and seq[1] in CLOSING_PUNCT:
            ambiguous.append(edit)
        else:
            plain.append(edit)
    if len(plain) >= MIN_PLAIN_MOJIBAKE:
        return sorted(plain + ambiguous)
    return plain


CONVERTERS: dict[str, Callable[[str], list[tuple[int, int, str]]]] = {
    "tcvn3": _tcvn3_edits, "vni": _vni_edits, "viscii": _viscii_edits,
}


def apply_edits(text: str, edits: list[tuple[int, int, str]]) -> str:
    parts, pos = [], 0
    for start, end, repl in edits:
        parts.append(text[pos:start])
        parts.append(repl)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def convert(text: str, encoding: str) -> str:
    """`text` as read through Windows-1252, converted from `encoding` to Unicode (whole text, no scoring)."""
    if encoding == "tcvn3":
        return _convert_tcvn3(text)
    return apply_edits(text, CONVERTERS[encoding](text))


def _convert_tcvn3(text: str) -> str:
    """Whole-file TCVN3: one `str.translate`, then lines with capitals redone for the .VnTimeH case rule."""
    table = tables()["tcvn3"]
    out = text.translate({ord(k): v for k, v in table.items()})
    parts, pos = [], 0
    # Only a word with two or more capitals can make a word capitalised (see `_tcvn3_edits`).
    for line in regex.finditer(r"[^\n]*[A-Z]\S*[A-Z][^\n]*", text):
        parts.append(out[pos:line.start()])
        parts.append(apply_edits(line.group(), _tcvn3_edits(line.group())))
        pos = line.end()
    parts.append(out[pos:])
    return "".join(parts)


# ------------------------------------------------------------------ scoring


def syllable_counts(text: str) -> tuple[int, int, int]:
    """(known syllables, other valid syllables, non-ASCII words that are no syllable) among the words.

    One-character words are left out: a bullet "·" or "×" says nothing about the encoding.
    """
    known = lexicon()[0]
    n_known = n_valid = n_bad = 0
    for token in text.split():
        word = token.strip(EDGE_PUNCT)
        if len(word) < 2:
            continue
        if is_valid_syllable(word):
            if word.lower() in known:
                n_known += 1
            else:
                n_valid += 1
        elif not word.isascii():
            n_bad += 1
    return n_known, n_valid, n_bad


def syllable_score(text: str) -> int:
    """How Vietnamese a text reads: +2 per known syllable, +1 per other valid one, -2 per non-ASCII non-syllable."""
    n_known, n_valid, n_bad = syllable_counts(text)
    return 2 * n_known + n_valid - 2 * n_bad


def _font_hint(fonts: frozenset[str]) -> str | None:
    for font in fonts:
        name = font.split("+")[-1].lower()
        for prefix, encoding in FONT_HINTS.items():
            if name.startswith(prefix):
                return encoding
    return None


def repair_legacy(mt: MappedText, fonts: frozenset[str] = frozenset()) -> tuple[MappedText, Counter]:
    """Convert legacy-encoded lines (and UTF-8 mojibake) to Unicode; returns the text and repair counts.

    Only lines an 8-bit decoding could have produced are candidates (a line with
    "ư" or "ệ" is Unicode already). A line is converted outright when its
    encoding's fingerprint characters are present and the conversion gains syllables. Once a text has shown its
    encoding that way, its remaining lines in the same 8-bit repertoire are
    converted too where that loses nothing ("dùng" is a word, but in a TCVN3
    text it is "dựng").
    """
    counts: Counter = Counter()
    if not _ANY_FINGERPRINT.found_in(mt.text) and not _mojibake_scan().search(mt.text):
        return mt, counts
    edits = _mojibake_edits(mt.text)
    if edits:
        counts["cp1252_mojibake"] += len(edits)
        mt = mt.edit(edits)
    hint = _font_hint(fonts)
    signals = _signal_res()
    lines = [(m.start(), m.group()) for m in regex.finditer(r"[^\n\f\r]+", mt.text)]
    # Pass 1: lines whose fingerprint characters make an encoding plain.
    options: dict[int, dict[str, tuple[int, list]]] = {}
    for start, text in lines:
        present = [enc for enc in LEGACY_ENCODINGS if signals[enc].search(text)]
        if not present or not _EIGHT_BIT_RE.fullmatch(text):
            continue
        before = syllable_score(text)
        for enc in present:
            line_edits = CONVERTERS[enc](text)
            if line_edits:
                gain = syllable_score(apply_edits(text, line_edits)) - before
                if gain >= MIN_GAIN:
                    options.setdefault(start, {})[enc] = (gain, line_edits)
    shown = Counter(max(opts, key=lambda e: opts[e][0]) for opts in options.values())
    dominant = shown.most_common(1)[0][0] if shown else None
    decided: dict[int, tuple[str, list]] = {}
    for start, opts in options.items():
        enc = max(opts, key=lambda e: (opts[e][0], e == dominant, e == hint))
        decided[start] = (enc, opts[enc][1])
    # Pass 2: once a text has shown its encoding, its other 8-bit lines are read in it where that loses nothing.
    encoding = dominant if dominant and shown[dominant] >= min(MIN_LINES_SHOWN, len(options)) else None
    if encoding is None and hint and not options:
        encoding = hint
    if encoding:
        for start, text in lines:
            if start in decided or not _EIGHT_BIT_RE.fullmatch(text):
                continue
            line_edits = CONVERTERS[encoding](text)
            if line_edits and syllable_score(apply_edits(text, line_edits)) >= syllable_score(text):
                decided[start] = (encoding, line_edits)
    edits = []
    for start in sorted(decided):
        enc, line_edits = decided[start]
        text = mt.text
        counts[enc] += sum(1 for s, e, r in line_edits if text[start + s:start + e] != r)
        edits.extend((start + s, start + e, r) for s, e, r in line_edits)
    if edits:
        mt = mt.edit(edits)
    return mt, counts


# A line a legacy 8-bit text could hold: Windows-1252 / Latin-1 characters only (Unicode
# Vietnamese almost always has a letter beyond them: ư, ơ, đ, ă or a toned U+1Exx).
_EIGHT_BIT_RE = regex.compile(r"[\x00-\xff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\u2212]*")
# Lines that must show an encoding before the rest of the text is read in it.
MIN_LINES_SHOWN = 2
# Score a conversion must gain for a line to be converted on its own evidence (one known syllable).
MIN_GAIN = 2
