"""Vietnamese syllable grammar, and repair of text broken by bad converters.

Vietnamese writes one syllable per space-separated word, and a syllable is
onset + (medial) + nucleus + coda + one tone. That grammar (from
`data/vietnamese_phonotactics.yaml`) tells a real syllable from a broken one
("nơng" cannot be Vietnamese). A lexicon of syllables and neighbouring pairs
(`data/vietnamese_lexicon.json`) then decides the repair, which is applied only
where exactly one candidate fits: a real syllable that is merely rare is never
changed.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from functools import lru_cache
from pathlib import Path

import regex
import yaml

from gazetteer.text import CodePointMap
from normalize.document import MappedText

DATA_DIR = Path(__file__).parent / "data"

TONE_MARKS = {"\u0300": "huyen", "\u0301": "sac", "\u0303": "nga", "\u0309": "hoi", "\u0323": "nang"}
VOWELS = frozenset("aăâeêioôơuưy")
MODIFIED_VOWELS = frozenset("ăâêôơư")
LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzđăâêôơư")
# A word: letters with their combining marks (the text is NFC, marks are leftovers).
WORD_RE = regex.compile(r"[\p{L}\p{M}]+")


@lru_cache(maxsize=1)
def _phonotactics() -> dict:
    data = yaml.safe_load((DATA_DIR / "vietnamese_phonotactics.yaml").read_text(encoding="utf-8"))
    data["onsets"] = sorted(data["onsets"], key=len, reverse=True)
    data["rimes"] = frozenset(data["rimes"].split())
    for key in ("front_only_onsets", "back_only_onsets", "front_vowels", "stop_codas"):
        data[key] = frozenset(data[key])
    return data


def strip_tone(syllable: str) -> tuple[str, str | None, int | None]:
    """(toneless lowercase syllable, tone name, index of the toned letter) or tone 'multiple'."""
    base: list[str] = []
    tone: str | None = None
    tone_at: int | None = None
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in TONE_MARKS:
            if tone is not None or not base:
                return "", "multiple", None
            tone, tone_at = TONE_MARKS[ch], len(base) - 1
        elif unicodedata.combining(ch):
            if not base:
                return "", "multiple", None
            base[-1] = unicodedata.normalize("NFC", base[-1] + ch)
        else:
            base.append(ch)
    return "".join(base), tone, tone_at


def _tone_positions(rime: str) -> set[int]:
    """Letters of a toneless rime that may carry the tone (old and new placement both allowed)."""
    n_vowels = 0
    while n_vowels < len(rime) and rime[n_vowels] in VOWELS:
        n_vowels += 1
    cluster, has_coda = rime[:n_vowels], n_vowels < len(rime)
    modified = [i for i, ch in enumerate(cluster) if ch in MODIFIED_VOWELS]
    if modified:
        return {modified[-1]}
    if has_coda or len(cluster) == 1:
        return {len(cluster) - 1}
    if len(cluster) == 2:
        return {0, 1} if cluster in ("oa", "oe", "uy") else {0}
    return {1}


@lru_cache(maxsize=200_000)
def is_valid_syllable(s: str) -> bool:
    """Whether `s` (any case, NFC or NFD) is a well-formed Vietnamese syllable."""
    toneless, tone, tone_at = strip_tone(s)
    if not toneless or tone == "multiple" or not set(toneless) <= LETTERS:
        return False
    return any(_rime_fits(onset, rime, rime_start, tone, tone_at) for onset, rime, rime_start in _parses(toneless))


def _parses(toneless: str):
    """(onset, rime, index where the rime starts) for each way to read the syllable."""
    rules = _phonotactics()
    for onset in rules["onsets"] + [""]:
        if not toneless.startswith(onset):
            continue
        rime = toneless[len(onset):]
        if onset == "gi":
            # "gi" + rime shares its i with rimes in i/iê: gì, gìn, giếng, giết.
            if rime and rime[0] not in "iy":
                yield onset, rime, len(onset)
            yield onset, "i" + rime, 1
        elif rime:
            yield onset, rime, len(onset)


def _rime_fits(onset: str, rime: str, rime_start: int, tone: str | None, tone_at: int | None) -> bool:
    rules = _phonotactics()
    if rime not in rules["rimes"]:
        return False
    first = rime[0]
    if onset == "qu" and first in "uư":
        return False
    if onset in rules["front_only_onsets"] and first not in rules["front_vowels"]:
        return False
    if onset in rules["back_only_onsets"] and first in rules["front_vowels"]:
        return False
    if onset and onset not in ("gi", "qu") and rime.startswith("yê"):
        return False
    if not onset and rime.startswith("iê"):
        return False
    coda = rime.lstrip("aăâeêioôơuưy")
    if coda in rules["stop_codas"] and tone not in (None, "sac", "nang"):
        return False
    if tone is not None and tone_at - rime_start not in _tone_positions(rime):
        return False
    return True


# --------------------------------------------------------------------- lexicon


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, int], frozenset[str]]:
    """(syllable → frequency, set of 'left right' syllable pairs), all lowercase NFC."""
    data = json.loads((DATA_DIR / "vietnamese_lexicon.json").read_text(encoding="utf-8"))
    return data["syllables"], frozenset(data["bigrams"].split("\n"))


@lru_cache(maxsize=1)
def _confusions() -> dict:
    return yaml.safe_load((DATA_DIR / "broken_text_confusions.yaml").read_text(encoding="utf-8"))


def _known(word: str) -> bool:
    return word.lower() in lexicon()[0]


def _pair_known(left: str | None, right: str | None) -> bool:
    return bool(left and right) and f"{left.lower()} {right.lower()}" in lexicon()[1]


def _match_case(template: str, word: str) -> str:
    if template.isupper() and len(template) > 1:
        return word.upper()
    if template[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


@lru_cache(maxsize=1)
def _inverse_rules() -> list[tuple[str, str, str]]:
    """(family, broken form, intact form) per confusion, with toned variants expanded."""
    rules = []
    for entry in _confusions()["confusions"]:
        broken, intact = entry["broken"], entry["intact"]
        variants = [(broken, intact)]
        if entry.get("tones", False):
            variants = []
            for mark in [""] + list(TONE_MARKS):
                b = unicodedata.normalize("NFC", _put_tone(broken, mark, entry.get("broken_tone_at", -1)))
                i = unicodedata.normalize("NFC", _put_tone(intact, mark, entry.get("intact_tone_at", -1)))
                variants.append((b, i))
        for b, i in variants:
            rules.append((entry.get("family", entry["name"]), b, i))
    return rules


def _put_tone(s: str, mark: str, at: int) -> str:
    if not mark or not s:
        return s
    chars = list(unicodedata.normalize("NFD", s))
    letters = [k for k, ch in enumerate(chars) if not unicodedata.combining(ch)]
    k = letters[at]
    end = k + 1
    while end < len(chars) and unicodedata.combining(chars[end]):
        end += 1
    chars.insert(end, mark)
    return "".join(chars)


def _candidates(word: str) -> dict[str, str]:
    """Known syllables that `word` becomes by undoing one confusion (all its occurrences)."""
    low = word.lower()
    found: dict[str, str] = {}
    for name, broken, intact in _inverse_rules():
        if broken:
            if broken not in low:
                continue
            starts = [m.start() for m in regex.finditer(regex.escape(broken), low, overlapped=False)]
            options = [low.replace(broken, intact)] + [low[:s] + intact + low[s + len(broken):] for s in starts]
        else:
            options = [low[:k] + intact + low[k:] for k in range(1, len(low))]
        for cand in options:
            cand = unicodedata.normalize("NFC", cand)
            if cand != low and cand in lexicon()[0] and is_valid_syllable(cand):
                found.setdefault(cand, name)
    return found


def _looks_broken(word: str) -> bool:
    return not is_valid_syllable(word) or not _known(word)


LONG_TEXT_WORDS = 500  # in a text this long, breakage is only believed when it recurs …
MIN_SUSPECTS_IN_LONG_TEXT = 4  # … in at least this many distinct suspicious words
MAX_REPAIR_ROUNDS = 4  # passes rerun until nothing changes, at most this often
SHORT_FRAGMENT = 3  # an unknown word this short may be half of a split syllable
SUSPECT_RE = regex.compile(r"\s[\u0300-\u036f]")


def repair_broken_text(mt: MappedText) -> tuple[MappedText, Counter]:
    """Undo lossy breakage: dangling marks, split syllables, lost spaces, known glyph confusions.

    The passes run again while they still change something (a split can leave a
    fragment the next merge takes), so repairing repaired text changes nothing.
    """
    counts: Counter = Counter()
    for _ in range(MAX_REPAIR_ROUNDS):
        before = mt.text
        mt = _repair_round(mt, counts)
        if mt.text == before:
            break
    return mt, counts


def _repair_round(mt: MappedText, counts: Counter) -> MappedText:
    # A dangling mark follows a blank (every blank of `SUSPECT_RE` splits tokens), so it opens a token.
    if _mark_opens_a_token(mt.text):
        mt = _attach_dangling_marks(mt, counts)
    # Every repair below starts from a word that is no valid syllable or a short unknown
    # fragment ("ti ểu"); clean text has none, and then the costly passes are skipped.
    words = _words(mt.text)
    suspects = _count_suspects(set(words))
    # A long clean text still holds a few odd words (Covid, km); breakage leaves many.
    if suspects == 0 or (len(words) >= LONG_TEXT_WORDS and suspects < MIN_SUSPECTS_IN_LONG_TEXT):
        return mt
    mt = _merge_split_syllables(mt, counts)
    if not any(_is_vietnamese_like(w) and _looks_broken(w) for w in _words(mt.text)):
        return mt
    mt = _undo_confusions(mt, counts)
    return _split_joined_syllables(mt, counts)


_MARK = re.compile("[\u0300-\u036f]")  # literal, for the standard engine: rare in a composed text


def _mark_opens_a_token(text: str) -> bool:
    """Whether a combining mark opens a whitespace token (one `str.split` makes)."""
    return any(m.start() == 0 or text[m.start() - 1].isspace() for m in _MARK.finditer(text))


# Every character that is no letter or mark made a blank: the text's whitespace tokens are then its words.
_blank_all_but_words = CodePointMap(lambda code: code if WORD_RE.fullmatch(chr(code)) else ord(" "))


def _words(text: str) -> list[str]:
    """`WORD_RE.findall(text)`, read as the tokens of the text with every other character a blank
    (no letter or mark is a blank), which one array lookup and `str.split` make."""
    blanked = _blank_all_but_words(text)
    return WORD_RE.findall(text) if blanked is None else blanked.split()


# Words found to be no suspects, kept across documents (up to this many): most words of a text are
# among them, and one set difference leaves only the others to be judged.
MAX_CLEARED_WORDS = 65536
_cleared_words: set[str] = set()


def _count_suspects(words: set[str]) -> int:
    """How many of these distinct words the repairs could act on."""
    suspects = 0
    for word in words - _cleared_words:
        if _could_be_broken(word):
            suspects += 1
        elif len(_cleared_words) < MAX_CLEARED_WORDS:
            _cleared_words.add(word)
    return suspects


def _could_be_broken(word: str) -> bool:
    """A word the repairs could act on: no acronym (HĐND, TTg), no lone letter (b/c)."""
    if len(word) < 2 or sum(c.isupper() for c in word) >= 2:
        return False
    return not is_valid_syllable(word) or (len(word) <= SHORT_FRAGMENT and not _known(word))


def _is_vietnamese_like(word: str) -> bool:
    """Lowercase or capitalised letters only: skips acronyms (UBND) and foreign capitals."""
    return not (len(word) > 1 and word.isupper() and word.isascii())


def _attach_dangling_marks(mt: MappedText, counts: Counter) -> MappedText:
    """'nghi ̃a' → 'nghĩa': a tone mark cut off its vowel by a space."""
    if not SUSPECT_RE.search(mt.text):
        return mt
    edits = []
    pattern = regex.compile(r"([\p{L}]+)(\s+)([\u0300-\u036f]+)([\p{L}]*)")
    for m in pattern.finditer(mt.text):
        joined = unicodedata.normalize("NFC", m.group(1) + m.group(3) + m.group(4))
        if is_valid_syllable(joined):
            edits.append((m.start(), m.end(), joined))
    if edits:
        counts["syllable_dangling_mark"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _merge_split_syllables(mt: MappedText, counts: Counter) -> MappedText:
    """'ti ểu' → 'tiểu': two neighbouring fragments that together are one known syllable.

    Merged when a fragment is no known syllable, or when the two fragments never
    stand side by side while the merged syllable fits its neighbours. Of two
    overlapping merges ('ban h ành'), the one whose result fits its neighbours wins.
    """
    words = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(mt.text)]
    texts = [w for _, _, w in words]
    options: dict[int, tuple[str, bool]] = {}
    for i in range(len(words) - 1):
        (_, e1, a), (s2, _, b) = words[i], words[i + 1]
        if mt.text[e1:s2] != " " or not (_is_vietnamese_like(a) and _is_vietnamese_like(b)) or not b[:1].islower():
            continue
        joined = unicodedata.normalize("NFC", a + b)
        if not (is_valid_syllable(joined) and _known(joined)):
            continue
        left = texts[i - 1] if i > 0 and _adjacent(words, i - 1, mt.text) else None
        right = texts[i + 2] if i + 2 < len(texts) and _adjacent(words, i + 1, mt.text) else None
        fits = _pair_known(left, joined) or _pair_known(joined, right)
        if _looks_broken(a) or _looks_broken(b) or (not _pair_known(a, b) and fits):
            options[i] = (joined, fits)
    edits = []
    for i, (joined, fits) in sorted(options.items()):
        rivals = [options[j] for j in (i - 1, i + 1) if j in options]
        if rivals and (not fits or any(f for _, f in rivals)):
            continue
        if edits and edits[-1][1] > words[i][0]:
            continue
        edits.append((words[i][0], words[i + 1][1], joined))
    if edits:
        counts["syllable_split"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _split_joined_syllables(mt: MappedText, counts: Counter) -> MappedText:
    """'thônmới' → 'thôn mới': a non-syllable that is two known syllables in one way.

    Where several cuts give two syllables, or the word has no Vietnamese-only
    letters (it may be a foreign word), the cut must also give a known pair.
    """
    edits = []
    for m in WORD_RE.finditer(mt.text):
        word = m.group()
        if len(word) < 3 or not _is_vietnamese_like(word) or is_valid_syllable(word):
            continue
        capitals = [k for k in range(1, len(word)) if word[k].isupper()]
        if capitals and (len(capitals) > 1 or not word[capitals[0] + 1:].islower()):
            continue
        splits = [k for k in (capitals or range(1, len(word)))
                  if is_valid_syllable(word[:k]) and _known(word[:k])
                  and is_valid_syllable(word[k:]) and _known(word[k:])]
        paired = [k for k in splits if _pair_known(word[:k], word[k:])]
        if len(splits) == 1 and not word.isascii():
            k = splits[0]
        elif len(paired) == 1:
            k = paired[0]
        else:
            continue
        edits.append((m.start() + k, m.start() + k, " "))
    if edits:
        counts["syllable_join"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _undo_confusions(mt: MappedText, counts: Counter) -> MappedText:
    """Replace broken syllables by the one known syllable a listed confusion maps back to."""
    min_evidence = _confusions()["min_evidence"]
    words = [(m.start(), m.end(), m.group()) for m in WORD_RE.finditer(mt.text)]
    texts = [w for _, _, w in words]
    chosen: dict[int, str] = {}
    evidence: Counter = Counter()

    def pick(k: int, cands: dict[str, str], current: list[str]) -> str | None:
        if len(cands) == 1:
            return next(iter(cands))
        left = current[k - 1] if k > 0 and _adjacent(words, k - 1, mt.text) else None
        right = current[k + 1] if k + 1 < len(current) and _adjacent(words, k, mt.text) else None
        fitting = [c for c in cands if _pair_known(left, c) or _pair_known(c, right)]
        return fitting[0] if len(fitting) == 1 else None

    # Pass 1: words that are not Vietnamese, or not known, with a unique way back.
    for k, word in enumerate(texts):
        if not _is_vietnamese_like(word) or not _looks_broken(word):
            continue
        cands = _candidates(word)
        if not cands:
            continue
        best = pick(k, cands, texts)
        if best is None:
            continue
        if not is_valid_syllable(word):
            evidence[cands[best]] += 1
            chosen[k] = best
        else:
            chosen[k] = best  # provisional: kept only if its confusion shows up elsewhere
    for k in list(chosen):
        if is_valid_syllable(texts[k]) and evidence[_candidates(texts[k])[chosen[k]]] < min_evidence:
            del chosen[k]
    current = [chosen.get(k, w) for k, w in enumerate(texts)]
    active = {name for name, n in evidence.items() if n >= min_evidence}
    # Pass 2: known words in a document that shows a confusion, where only the repair fits its neighbours.
    if active:
        for k, word in enumerate(texts):
            if k in chosen or not _is_vietnamese_like(word) or not _known(word):
                continue
            cands = {c: n for c, n in _candidates(word).items() if n in active}
            if not cands:
                continue
            left = current[k - 1] if k > 0 and _adjacent(words, k - 1, mt.text) else None
            right = current[k + 1] if k + 1 < len(current) and _adjacent(words, k, mt.text) else None
            if _pair_known(left, word) or _pair_known(word, right):
                continue
            fitting = [c for c in cands if _pair_known(left, c) or _pair_known(c, right)]
            if len(fitting) == 1:
                chosen[k] = fitting[0]
    edits = []
    for k in sorted(chosen):
        s, e, word = words[k]
        edits.append((s, e, _match_case(word, chosen[k])))
    if edits:
        counts["syllable_repair"] += len(edits)
        mt = mt.edit(edits)
    return mt


def _adjacent(words: list[tuple[int, int, str]], k: int, text: str) -> bool:
    """Whether word k and word k+1 are neighbours in a phrase (only spaces between them)."""
    gap = text[words[k][1]:words[k + 1][0]]
    return gap.strip(" ") == ""
