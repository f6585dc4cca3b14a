"""The NTM criteria catalogue (bộ tiêu chí, criteria sets) and name lookups.

Facts live in `data/criteria_*.yaml`; this module loads them once and answers:
which sets call criterion N by a written name, which criterion a name or a
rate's subject phrase belongs to, and where criterion names occur in text.
A criterion number means different things in different sets (15 is "Y tế" in
`ntm-2021` but "Hành chính công" in `ntm-nc-2021`), so every answer is per set.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import regex

from .lexicon import load_data, words_alternation
from .text import fold, has_marks, tone_key, words_key
SET_FILES = ("ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021")

# Scores of a written name against a catalogue name (see `_name_score`).
_EXACT, _MIN_SCORE = 1.0, 0.7


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    keywords: tuple[str, ...] = ()
    confidence: str | None = None


@dataclass(frozen=True)
class Criterion:
    number: int
    name: str
    aliases: tuple[str, ...] = ()
    indicators: dict[str, Indicator] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()  # criterion-level, when indicators are unknown
    confidence: str | None = None


@dataclass(frozen=True)
class CriteriaSet:
    id: str
    level: str  # basic | advanced | model
    programme: str  # ntm | ntm_nang_cao | ntm_kieu_mau
    decision: str
    criteria: dict[int, Criterion]
    title: str = ""
    issued: str | None = None
    period: tuple[int, int] | None = None
    indicator_count: int | None = None
    numbering_from: str | None = None
    conditions: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    names: dict[str, str] = field(default_factory=dict)  # by language: the set as a sentence names it


@dataclass(frozen=True)
class NameMatch:
    """A criterion name, alias or indicator keyword found in running text."""

    start: int
    end: int
    number_by_set: dict[str, int]
    written: str
    indicator_by_set: dict[str, str] = field(default_factory=dict)
    kind_by_set: dict[str, str] = field(default_factory=dict)  # name | alias | keyword


# ---------------------------------------------------------------- loading


def _tag(value) -> str | None:
    return None if value is None else str(value)


def _criterion(raw: dict) -> Criterion:
    indicators = {
        str(ind_id): Indicator(
            id=str(ind_id),
            name=ind["name"],
            keywords=tuple(ind.get("keywords") or ()),
            confidence=_tag(ind.get("confidence")),
        )
        for ind_id, ind in (raw.get("indicators") or {}).items()
    }
    return Criterion(
        number=int(raw["number"]),
        name=raw["name"],
        aliases=tuple(raw.get("aliases") or ()),
        indicators=indicators,
        keywords=tuple(raw.get("keywords") or ()),
        confidence=_tag(raw.get("confidence")),
    )


@lru_cache(maxsize=1)
def criteria_sets() -> dict[str, CriteriaSet]:
    """All criteria sets by id, loaded once from the data files."""
    raws = {set_id: load_data(f"criteria_{set_id}.yaml") for set_id in SET_FILES}
    sets: dict[str, CriteriaSet] = {}
    # Sets with their own table first, then those borrowing a numbering.
    for raw in sorted(raws.values(), key=lambda r: r.get("numbering_from") is not None):
        if raw.get("numbering_from"):
            criteria = sets[raw["numbering_from"]].criteria
        else:
            criteria = {c.number: c for c in map(_criterion, raw["criteria"])}
        period = raw.get("period")
        sets[raw["id"]] = CriteriaSet(
            id=raw["id"],
            level=raw["level"],
            programme=raw["programme"],
            decision=raw["decision"],
            criteria=criteria,
            title=raw.get("title", ""),
            issued=raw.get("issued"),
            period=tuple(period) if period else None,
            indicator_count=raw.get("indicator_count"),
            numbering_from=raw.get("numbering_from"),
            conditions=tuple(c["text"] for c in raw.get("conditions") or ()),
            sources=tuple(raw.get("sources") or ()),
            names=dict(raw.get("names") or {}),
        )
    return {set_id: sets[set_id] for set_id in SET_FILES}


@lru_cache(maxsize=1)
def _common() -> dict:
    return load_data("criteria_common.yaml")


@lru_cache(maxsize=1)
def _term_variants() -> dict[str, tuple[str, ...]]:
    return {k: tuple(v) for k, v in (_common().get("misspellings") or {}).items()}


# Misspellings of recurring terms ("tiêu trí" for "tiêu chí"), from data.
TERM_VARIANTS: dict[str, tuple[str, ...]] = _term_variants()


def term_pattern(term: str, folded: bool = True) -> str:
    """Regex source matching `term` or any of its known misspellings.

    With `folded=True` the pattern is meant for `fold(text)`; otherwise it
    matches the original text case-insensitively.
    """
    forms = [term, *TERM_VARIANTS.get(term, ())]
    if folded:
        return "(?:" + words_alternation({fold(f) for f in forms}) + ")"
    return "(?i:" + words_alternation(forms) + ")"


# ------------------------------------------------------- equivalent spellings


@lru_cache(maxsize=1)
def _equivalences() -> list[tuple[str, tuple[str, ...]]]:
    """(canonical phrase, its abbreviations and misspellings), from data."""
    common = _common()
    pairs: dict[str, list[str]] = {}
    for group in ("abbreviations", "misspellings"):
        for canonical, variants in (common.get(group) or {}).items():
            pairs.setdefault(canonical, []).extend(variants)
    return [(c, tuple(v)) for c, v in pairs.items()]


@lru_cache(maxsize=1)
def _variant_to_canonical() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    """Folded token sequences of variants → canonical tokens, longest first."""
    table = []
    for canonical, variants in _equivalences():
        canon_tokens = tuple(words_key(canonical).split())
        for variant in variants:
            tokens = tuple(words_key(variant).split())
            if tokens and tokens != canon_tokens:
                table.append((tokens, canon_tokens))
    table.sort(key=lambda pair: len(pair[0]), reverse=True)
    return table


@lru_cache(maxsize=4096)
def canonical_tokens(written: str) -> tuple[str, ...]:
    """Folded words of a written name with abbreviations and misspellings expanded."""
    tokens = words_key(written).split()
    out: list[str] = []
    i = 0
    table = _variant_to_canonical()
    while i < len(tokens):
        for variant, canon in table:
            if tuple(tokens[i : i + len(variant)]) == variant:
                out.extend(canon)
                i += len(variant)
                break
        else:
            out.append(tokens[i])
            i += 1
    return tuple(out)


# ------------------------------------------------------------ name scoring


def _char_distance_le1(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _same_word(a: str, b: str) -> bool:
    return a == b or (min(len(a), len(b)) >= 4 and _char_distance_le1(a, b))


def _token_distance(a: tuple[str, ...], b: tuple[str, ...]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (0 if _same_word(x, y) else 1)))
        prev = cur
    return prev[-1]


def _name_score(written: tuple[str, ...], name: tuple[str, ...]) -> float:
    """How well a written name matches a catalogue name (1.0 exact, 0 none).

    Tolerates one dropped/added/misspelt word in names of 3+ words and two in
    names of 6+ words ("… phát triển nông thôn" for "… phát triển kinh tế nông
    thôn"), and a shortened name that is a word prefix of the catalogue name.
    """
    if not written or not name:
        return 0.0
    if written == name:
        return _EXACT
    longest = max(len(written), len(name))
    allowed = 2 if longest >= 6 else 1 if longest >= 3 else 0
    distance = _token_distance(written, name)
    if distance <= allowed:
        return 0.9 - 0.05 * distance
    if len(written) >= 2 and len(written) < len(name) and name[: len(written)] == written:
        return _MIN_SCORE
    return 0.0


def _criterion_names(criterion: Criterion) -> list[tuple[str, ...]]:
    return [canonical_tokens(n) for n in (criterion.name, *criterion.aliases)]


def name_scores(number: int, written_name: str) -> dict[str, float]:
    """Score of `written_name` as the name of criterion `number`, per set."""
    written = canonical_tokens(written_name)
    scores = {}
    for set_id, cset in criteria_sets().items():
        criterion = cset.criteria.get(number)
        if criterion is None:
            continue
        best = max(_name_score(written, n) for n in _criterion_names(criterion))
        if best > 0:
            scores[set_id] = best
    return scores


def sets_for_name(number: int, written_name: str) -> set[str]:
    """Sets that call criterion `number` by this written name (best tier only).

    An exact name or alias beats a tolerated variant, so "Văn hóa" for 6 gives
    the nâng cao sets and "Hộ nghèo" for 11 gives `ntm-2016` only.
    """
    scores = name_scores(number, written_name)
    if not scores:
        return set()
    best = max(scores.values())
    if best < _MIN_SCORE:
        return set()
    return {s for s, v in scores.items() if v == best}


def canonical_name(set_id: str, number: int) -> str:
    return criteria_sets()[set_id].criteria[number].name


def indicator_count(set_id: str) -> int | None:
    return criteria_sets()[set_id].indicator_count


# --------------------------------------------------------- phrase registry


@dataclass
class _Phrase:
    text: str  # first spelling seen, as in the data
    entries: dict[str, list[tuple[int, str | None, str]]] = field(default_factory=dict)


_KIND_RANK = {"name": 0, "alias": 1, "keyword": 2}


@lru_cache(maxsize=1)
def _phrases() -> dict[tuple[str, ...], _Phrase]:
    """Every name, alias and keyword, keyed by canonical tokens, with what it denotes per set."""
    phrases: dict[tuple[str, ...], _Phrase] = {}

    def add(text: str, set_id: str, number: int, indicator: str | None, kind: str) -> None:
        key = canonical_tokens(text)
        if not key:
            return
        phrase = phrases.setdefault(key, _Phrase(text))
        phrase.entries.setdefault(set_id, []).append((number, indicator, kind))

    for set_id, cset in criteria_sets().items():
        for c in cset.criteria.values():
            add(c.name, set_id, c.number, None, "name")
            for alias in c.aliases:
                add(alias, set_id, c.number, None, "alias")
            for kw in c.keywords:
                add(kw, set_id, c.number, None, "keyword")
            for ind in c.indicators.values():
                for kw in ind.keywords:
                    add(kw, set_id, c.number, ind.id, "keyword")
    return phrases


def _resolve(phrase: _Phrase, set_id: str | None = None):
    """(number_by_set, indicator_by_set, kind_by_set), dropping sets where the phrase is ambiguous."""
    numbers, indicators, kinds = {}, {}, {}
    for sid, entries in phrase.entries.items():
        if set_id is not None and sid != set_id:
            continue
        nums = {e[0] for e in entries}
        if len(nums) != 1:
            continue
        numbers[sid] = nums.pop()
        # A criterion with a single indicator ("11") has no separate indicator id.
        inds = {e[1] for e in entries if e[1] and "." in e[1]}
        if len(inds) == 1:
            indicators[sid] = inds.pop()
        kinds[sid] = min((e[2] for e in entries), key=_KIND_RANK.__getitem__)
    return numbers, indicators, kinds


def number_for_name(set_id: str, written_name: str) -> int | None:
    """The criterion of `set_id` a name written without its number refers to.

    Looks at names, aliases and indicator keywords ("bảo hiểm y tế" → 15 in
    `ntm-2021`, 14 in `ntm-nc-2021`), then at tolerated name variants; None
    when nothing or more than one criterion fits.
    """
    phrase = _phrases().get(canonical_tokens(written_name))
    if phrase is not None and set_id in phrase.entries:
        numbers, _, _ = _resolve(phrase, set_id)
        return numbers.get(set_id)
    written = canonical_tokens(written_name)
    scored = []
    for c in criteria_sets()[set_id].criteria.values():
        best = max(_name_score(written, n) for n in _criterion_names(c))
        if best >= _MIN_SCORE:
            scored.append((best, c.number))
    if not scored:
        return None
    scored.sort(reverse=True)
    if len(scored) > 1 and scored[1][0] == scored[0][0]:
        return None
    return scored[0][1]


# ---------------------------------------------------- running-text matching

_WORD_SEP = r"[\s,;/\-–—]+"


def _phrase_source(text: str, marks: bool = False) -> str:
    """Regex source for a phrase, accepting equivalent spellings.

    Meant for `fold(text)`; with `marks=True`, for the words of `_shape_words`.
    """
    words = _shape_words if marks else (lambda t: words_key(t).split())
    groups = []
    for canonical, variants in _equivalences():
        groups.append((tuple(words(canonical)), [tuple(words(v)) for v in variants]))
    groups.sort(key=lambda g: len(g[0]), reverse=True)
    return _sequence_source(tuple(words(text)), groups)


def _sequence_source(tokens: tuple[str, ...], groups) -> str:
    """Join tokens with a separator; a canonical sub-sequence also accepts its variants.

    The canonical form inside an alternation is built with the remaining
    groups, so "bảo hiểm y tế" accepts both "BHYT" and "bảo hiểu y tế".
    """
    parts, i = [], 0
    while i < len(tokens):
        for g, (canon, variants) in enumerate(groups):
            if canon and tuple(tokens[i : i + len(canon)]) == canon:
                rest = groups[:g] + groups[g + 1 :]
                alts = {_sequence_source(canon, rest)}
                alts.update(_WORD_SEP.join(map(regex.escape, v)) for v in variants if v)
                parts.append("(?:" + "|".join(sorted(alts, key=len, reverse=True)) + ")")
                i += len(canon)
                break
        else:
            parts.append(regex.escape(tokens[i]))
            i += 1
    return _WORD_SEP.join(parts)


_SHAPE_INNER = regex.compile(r"[^\p{L}\p{N}&]+")


def _shape_words(text: str) -> list[str]:
    """Words with all marks kept, tone placement ignored ("hoá" = "hóa", "điển" ≠ "điện")."""
    return [tone_key(w) for w in _SHAPE_INNER.sub(" ", text.lower()).split()]


@lru_cache(maxsize=8)
def _matcher(set_id: str | None = None):
    """One alternation of all phrases (of one set, when given), longest first."""
    phrases = sorted(
        (kv for kv in _phrases().items() if set_id is None or set_id in kv[1].entries),
        key=lambda kv: (-len(" ".join(kv[0])), kv[0]),
    )
    names = [p for _, p in phrases]
    body = "|".join(f"(?P<p{i}>{_phrase_source(p.text)})" for i, p in enumerate(names))
    pattern = regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{body})(?![\p{{L}}\p{{N}}])")
    return pattern, names


def compile_matchers() -> None:
    """Build the name matcher of every set (and of all sets) and the mark check of every phrase,
    which are otherwise built on first use (the worker warm-up calls this)."""
    for set_id in (None, *criteria_sets()):
        _matcher(set_id)
    for phrase in _phrases().values():
        _shape_check(phrase.text)
    _first_words()


@lru_cache(maxsize=1)
def _first_words() -> frozenset[str]:
    """Every word a phrase match can begin with: the first word of each phrase, of each
    canonical spelling and of each of its variants (folded, as `_phrase_source` writes them)."""
    firsts = {words_key(p.text).split()[0] for p in _phrases().values() if words_key(p.text)}
    for canonical, variants in _equivalences():
        for written in (canonical, *variants):
            tokens = words_key(written).split()
            if tokens:
                firsts.add(tokens[0])
    return frozenset(firsts)


# A word of the folded text, as it starts a phrase match: letters and digits, and with the
# "&" of an abbreviation ("gd&dt") when one follows.
_TEXT_WORD = regex.compile(r"(?<![\p{L}\p{N}])(?P<w>[\p{L}\p{N}]+)(?P<amp>[\p{L}\p{N}&]*)")


def _match_starts(folded: str) -> list[int]:
    """The offsets where a phrase match may begin: words a phrase begins with. Trying the
    phrase alternation there only is what a search does, without trying it at every offset."""
    firsts = _first_words()
    return [m.start() for m in _TEXT_WORD.finditer(folded)
            if m["w"] in firsts or (m["amp"] and m.group() in firsts)]


@lru_cache(maxsize=1024)
def _shape_check(text: str) -> "regex.Pattern[str]":
    return regex.compile(_phrase_source(text, marks=True))


def _marks_agree(span: str, phrase: _Phrase) -> bool:
    """Reject fold collisions ("diện", "điển" for "Điện") unless the span is written bare.

    Marks must agree exactly, tone placement aside; a span written without
    any diacritics is accepted on its fold alone.
    """
    if not has_marks(span):
        return True
    return _shape_check(phrase.text).fullmatch(" ".join(_shape_words(span))) is not None


def find_criterion_names(text: str, set_id: str | None = None) -> list[NameMatch]:
    """Criterion names, aliases and indicator keywords in `text`, leftmost-longest.

    Offsets are into `text` (matching runs on the length-preserving fold).
    With `set_id`, only phrases meaningful in that set are kept and the
    per-set dicts are restricted to it.
    """
    pattern, names = _matcher(set_id)
    folded = fold(text)
    out: list[NameMatch] = []
    pos = 0
    for start in _match_starts(folded):
        if start < pos:
            continue
        m = pattern.match(folded, start)
        if m is None:
            continue
        phrase = names[int(m.lastgroup[1:])]
        span = text[m.start() : m.end()]
        if not _marks_agree(span, phrase):
            pos = m.start() + 1
            continue
        numbers, indicators, kinds = _resolve(phrase, set_id)
        if numbers:
            out.append(NameMatch(m.start(), m.end(), numbers, span, indicators, kinds))
        pos = m.end()
    return out


def criterion_for_subject(subject_text: str, set_id: str) -> tuple[int, str | None] | None:
    """Criterion (and indicator, when known) that a rate's subject phrase is about.

    "tỷ lệ người dân tham gia bảo hiểm y tế" → (15, "15.1") in `ntm-2021`.
    The longest phrase wins, an indicator keyword over a bare name; None when
    nothing matches or the best candidates disagree.
    """
    matches = find_criterion_names(subject_text, set_id)
    if not matches:
        return None

    def rank(m: NameMatch) -> tuple[int, int]:
        return (m.end - m.start, 1 if set_id in m.indicator_by_set else 0)

    best = max(rank(m) for m in matches)
    top = {(m.number_by_set[set_id], m.indicator_by_set.get(set_id)) for m in matches if rank(m) == best}
    if len({n for n, _ in top}) != 1:
        return None
    number = next(iter(top))[0]
    indicators = {i for _, i in top if i}
    return number, (indicators.pop() if len(indicators) == 1 else None)
