"""Single-glyph repairs for Vietnamese PDF text layers (ƣ → ư, Ð → Đ, stray tone marks).

Every confusion is a data entry in `data/glyphs.yaml`; this module only applies
them, keeps offsets through `MappedText.edit`, and counts each repair by kind.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from gazetteer.text import merged_windows
from normalize.characters import RareCharacters
from normalize.document import MappedText
from normalize.syllables import TONE_MARKS, VOWELS, is_valid_syllable

DATA_DIR = Path(__file__).parent / "data"

# Letters only Vietnamese uses among Latin scripts: a text holding them is Vietnamese context.
VIETNAMESE_LETTERS_RE = regex.compile(r"[ăâêôơưđĂÂÊÔƠƯĐ\u1EA0-\u1EF9]")


@lru_cache(maxsize=1)
def _table() -> dict:
    data = yaml.safe_load((DATA_DIR / "glyphs.yaml").read_text(encoding="utf-8"))
    data["by_glyph"] = {e["glyph"]: e for e in data["glyphs"]}
    data["spacing"] = {e["glyph"]: e["mark"] for e in data["spacing_marks"]}
    chars = "".join(data["by_glyph"]) + "".join(data["spacing"]) + "".join(data["combining_marks"])
    words = data.get("words") or []
    data["word_of"] = {e["word"]: e for e in words}
    data["word_re"] = regex.compile(
        r"(?<!\p{L})(?:" + "|".join(regex.escape(e["word"]) for e in words) + r")(?=\s)") if words else None
    chars += "".join(e["word"][-1] for e in words)
    # Plain classes for the standard `re`, which finds a few characters in a long text far faster:
    # any character a repair starts from, and the look-alike glyphs alone.
    data["suspect_chars"] = chars
    data["glyph_re"] = re.compile("[" + re.escape("".join(data["by_glyph"])) + "]") if data["by_glyph"] else None
    spacing = regex.escape("".join(data["spacing"]))
    data["spacing_word_re"] = regex.compile(rf"\p{{L}}+[{spacing}]\p{{L}}*")
    data["marked_word_re"] = regex.compile(r"[\p{L}\p{M}]*\p{M}[\p{L}\p{M}]*")
    # Both word patterns match letters and marks only, so a character of neither bounds them:
    # they are run between the bounds around each spacing mark or combining mark found (a scan
    # for one character class is many times cheaper than for the words). Each bound is the pair
    # `merged_windows` takes: the reverse pattern before a hit, the forward one after it.
    data["spacing_char_re"] = re.compile("[" + re.escape("".join(data["spacing"])) + "]")  # literal, for `re`
    data["spacing_bound"] = (regex.compile(rf"(?r)[^\p{{L}}{spacing}]"), regex.compile(rf"[^\p{{L}}{spacing}]"))
    data["mark_re"] = regex.compile(r"\p{M}")
    data["mark_bound"] = (regex.compile(r"(?r)[^\p{L}\p{M}]"), regex.compile(r"[^\p{L}\p{M}]"))
    return data


# Any character a repair starts from, asked of the scan the repairs share.
_SUSPECTS = RareCharacters(lambda: _table()["suspect_chars"])


def repair_glyphs(mt: MappedText) -> tuple[MappedText, Counter]:
    """Replace look-alike glyphs and reattach stray tone marks; returns the text and repair counts."""
    counts: Counter = Counter()
    table = _table()
    if not _SUSPECTS.found_in(mt.text):
        return mt, counts
    vietnamese = bool(VIETNAMESE_LETTERS_RE.search(mt.text.replace("\u01A3", "ư").replace("\u01A2", "Ư")))
    edits = []
    for m in table["glyph_re"].finditer(mt.text) if table["glyph_re"] else ():
        i, entry = m.start(), table["by_glyph"][m.group()]
        if entry["context"] == "always" or vietnamese:
            edits.append((i, i + 1, entry["replacement"]))
            counts[entry["kind"]] += 1
    if edits:
        mt = mt.edit(edits)
    mt = _word_confusions(mt, counts)
    mt = _spacing_marks(mt, counts)
    mt = _stray_combining_marks(mt, counts)
    return mt, counts


def _word_confusions(mt: MappedText, counts: Counter) -> MappedText:
    """Whole words a legacy font mapping turns into a glyph string ("tọ·" for "tỷ")."""
    table = _table()
    if table["word_re"] is None:
        return mt
    edits = []
    for m in table["word_re"].finditer(mt.text):
        entry = table["word_of"][m.group()]
        edits.append((m.start(), m.end(), entry["replacement"]))
        counts[entry["kind"]] += 1
    return mt.edit(edits) if edits else mt


def _spacing_marks(mt: MappedText, counts: Counter) -> MappedText:
    """'tie˜n' style: a spacing tone mark after a vowel becomes the combining mark."""
    table = _table()
    edits = []
    text = mt.text
    windows = merged_windows(text, table["spacing_char_re"], *table["spacing_bound"])
    for m in (m for ws, we in windows for m in table["spacing_word_re"].finditer(text, ws, we)):
        word = m.group()
        fixed = unicodedata.normalize("NFC", "".join(table["spacing"].get(ch, ch) for ch in word))
        if is_valid_syllable(fixed) and not any(unicodedata.combining(ch) for ch in fixed):
            edits.append((m.start(), m.end(), fixed))
    if edits:
        counts["glyph_spacing_mark"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _stray_combining_marks(mt: MappedText, counts: Counter) -> MappedText:
    """A tone mark NFC cannot attach (on a consonant, doubled) moves to the one vowel that makes a syllable."""
    table = _table()
    edits = []
    text = mt.text
    windows = merged_windows(text, table["mark_re"], *table["mark_bound"])
    for m in (m for ws, we in windows for m in table["marked_word_re"].finditer(text, ws, we)):
        word = m.group()
        composed = unicodedata.normalize("NFC", word)
        if is_valid_syllable(composed) or not composed.isalpha() and not any(unicodedata.combining(c) for c in composed):
            continue
        fixed = _place_tone(word)
        if fixed is not None and fixed != word:
            edits.append((m.start(), m.end(), fixed))
    if edits:
        counts["glyph_combining_mark"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _place_tone(word: str) -> str | None:
    """The single syllable reached by putting the word's one tone (however often typed) on one of its vowels."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = {ch for ch in decomposed if ch in TONE_MARKS}
    if len(tones) > 1:
        return None
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONE_MARKS))
    if not tones:
        return bare if is_valid_syllable(bare) else None
    tone = tones.pop()
    options = []
    for k, ch in enumerate(bare):
        if unicodedata.normalize("NFD", ch)[0].lower() in VOWELS:
            cand = unicodedata.normalize("NFC", bare[:k + 1] + tone + bare[k + 1:])
            if is_valid_syllable(cand):
                options.append(cand)
    return options[0] if len(options) == 1 else None
