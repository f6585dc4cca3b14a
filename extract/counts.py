"""Counts claimed in the text: "đạt 17/19 tiêu chí", "chưa đạt có 10 tiêu chí", "05 tiêu chí còn lại".

A count is a number (digits, "02", or words like "hai") or a fraction or a range
("từ 02 đến 03"), followed by a counted noun (tiêu chí, chỉ tiêu, thôn, xã,
huyện). Its kind follows from its form and place: "còn lại" after it is
`remaining`; a count in a line that announces a list ("… gồm:", "… bao gồm") is
`declared_list`; a fraction of criteria is `met_total` (or `target_total` when
aimed at); of indicators `indicators`; of villages `villages`. Comparisons and
averages ("tăng 01 tiêu chí so với năm 2020", "13,3 tiêu chí/xã") are not claims.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.clauses import inherited_status, statement_span, status_cues, status_period
from extract.component import Component
from extract.numbers import parse_number_words, parse_vn_number
from extract.records import CountClaim
from gazetteer.cues import count_unit_pattern, cue_data, phrase_pattern, phrase_starts
from gazetteer.lexicon import pattern, prefix_alternation, words
from gazetteer.text import fold, match_at, matches_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

UNIT_GAP = 3  # at most this many chars between the number and its noun
STATUS_AFTER_WINDOW = 45  # chars after the noun searched for a status ("chưa đạt", "mà chưa có xã nào đạt")

_PLAIN = pattern(r"(?<![\p{L}\d/.,])(?P<num>\d{1,3}|(?i:@{count_units}|(?:@{count_ten})(?:\s+(?:@{count_after_ten}))?))(?![\p{L}\d])")
# Where a _PLAIN match can start, found on the folded text (much faster than _PLAIN's case-insensitive words).
_PLAIN_START = pattern(r"(?<![\p{L}\d/.,])(?:\d|(?:@{count_units:folded}|@{count_ten:folded})(?![\p{L}\d]))")
_GAP = regex.compile(r"[ \t]{0,%d}" % UNIT_GAP)
_ANNOUNCES = pattern(r"(?i)(?:\b(?:@{count_list_announcers}))\s*:?|:")
_CLAUSE_MARK = regex.compile(r"[,;:.()]")
_SPACES = re.compile(r"\s+")


_POPULATION_END = regex.compile(r"\s*,")  # "Trong số 25 xã, có 8 xã …": the population ends its clause
UNIT_COUNTS = ("xa", "huyen", "thon")  # counts of units, which a continuing sentence may subdivide
_THOUSANDS = regex.compile(r"(?<![\p{L}\d/.,])(?P<num>\d{1,3}(?:\.\d{3})+)(?![\p{L}\d]|[.,]\d)")


def _unit_at(folded: str, pos: int) -> regex.Match | None:
    m = match_at(count_unit_pattern(), folded, pos)
    if m is None:
        pre = match_at(_unit_prefix(), folded, pos)
        if pre:
            m = match_at(count_unit_pattern(), folded, pre.end())
    return m


def _alts(phrases) -> str:
    return "|".join(sorted({regex.escape(fold(p)).replace(r"\ ", r"\s+") for p in phrases}, key=len, reverse=True))


@lru_cache(maxsize=None)
def _unit_prefix() -> "regex.Pattern[str]":
    return regex.compile(rf"(?:{_alts(cue_data()['count_unit_prefixes'])})\s+")


@lru_cache(maxsize=None)
def _total_patterns() -> tuple["regex.Pattern[str]", "regex.Pattern[str]", "regex.Pattern[str]"]:
    """"A trong tổng số B", "trong số B <unit>, (có) A", "tất cả N" on the folded text."""
    t = cue_data()["count_totals"]
    num = r"\d{1,3}(?:\.\d{3})*"
    unit = count_unit_pattern().pattern.replace("(?P<", "(?P<u_")  # "05 tiêu chí trong tổng số 19 tiêu chí"
    between = regex.compile(rf"(?<![\p{{L}}\d/.,])(?P<a>{num})\s+(?:{unit}\s+)?(?:{_alts(t['between'])})\s+(?P<b>{num})(?![\d/])")
    before = regex.compile(rf"(?<![\p{{L}}])(?:{_alts(t['before'])})\s+(?P<b>{num})(?![\d/])")
    whole = regex.compile(rf"(?<![\p{{L}}])(?:{_alts(t['whole'])})\s+(?P<a>{num})(?![\d/])")
    return between, before, whole


def _total_matches(total: "regex.Pattern[str]", key: str, folded: str):
    """The matches of a `_total_patterns` pattern, each of which holds a phrase of `count_totals[key]`:
    most documents write none, which a standard `re` scan tells far faster than the pattern is tried."""
    return total.finditer(folded) if phrase_starts(tuple(cue_data()["count_totals"][key])).search(folded) else ()


def _count_candidates(ctx: "PreparedDoc") -> list[tuple[int, int, int, int | None, int | None, str, int]]:
    """(start, end, value, total, value_max, unit, unit_end) for every count-like phrase."""
    text = ctx.text
    folded = ctx.folded
    out = []
    taken: set[int] = set()  # offsets inside a fraction or range already read

    def unit_after(end: int):
        gap = match_at(_GAP, folded, end)
        pos = gap.end() if gap else end
        m = _unit_at(folded, pos)
        if not m:
            return None
        return m.lastgroup, m.end()

    for fr in ctx.fractions:
        u = unit_after(fr.end)
        if u and fr.numerator <= fr.denominator:
            out.append((fr.start, u[1], int(fr.numerator), int(fr.denominator), None, u[0], u[1]))
            taken.update(range(fr.start, fr.end))
    for rg in ctx.ranges:
        u = unit_after(rg.end)
        if u and rg.start not in taken:
            out.append((rg.start, u[1], int(rg.low), None, int(rg.high), u[0], u[1]))
            taken.update(range(rg.start, rg.end))
    between, before, whole = _total_patterns()
    for m in _total_matches(between, "between", folded):
        u = unit_after(m.end())
        a, b = parse_vn_number(m.group("a")), parse_vn_number(m.group("b"))
        if u and a is not None and b is not None and a <= b:
            out.append((m.start(), u[1], int(a), int(b), None, u[0], u[1]))
            taken.update(range(m.start(), m.end()))
    for m in _total_matches(whole, "whole", folded):
        u = unit_after(m.end())
        if u and m.start("a") not in taken:
            a = int(parse_vn_number(m.group("a")))
            out.append((m.start("a"), u[1], a, a, None, u[0], u[1]))
            taken.update(range(m.start("a"), m.end()))
    populations = []  # "Trong số 25 xã": the total of the count that follows in the sentence
    for m in _total_matches(before, "before", folded):
        u = unit_after(m.end())
        if u and m.start("b") not in taken and _POPULATION_END.match(folded, u[1]):
            populations.append((m.start(), u[1], int(parse_vn_number(m.group("b"))), u[0]))
            taken.update(range(m.start("b"), m.end()))
    for m in _plain_counts(text, folded):
        if m.start() in taken:
            continue
        raw = m.group("num")
        value = parse_vn_number(raw) if raw[0].isdigit() else parse_number_words(raw)
        if value is None or not float(value).is_integer():
            continue
        u = unit_after(m.end())
        if not u:
            continue
        total = None
        for ps, pe, pb, pu in populations:
            if pu == u[0] and pe <= m.start() and ctx.sentence_at(ps) == ctx.sentence_at(m.start()) and value <= pb:
                total = pb
        out.append((m.start(), u[1], int(value), total, None, u[0], u[1]))
    out.sort()
    return out


def _plain_counts(text: str, folded: str) -> list[regex.Match]:
    """The matches of `_PLAIN` and `_THOUSANDS` in the text that a noun may follow.

    Only a number that ends right before a gap and a counted noun can be a count, and a standard
    `re` scan finds those few ends (`_count_ends`) far faster than the numbers are found; each is
    then read as the whole text would be, from the start of the two words before it on."""
    out = []
    for end in (m.start() for m in _count_ends().finditer(folded)):
        start = _words_start(folded, end)
        starts = [c.start() for c in _PLAIN_START.finditer(folded, start, end)]
        out += [m for m in matches_at(_PLAIN, text, starts) if m.end() == end]
        out += [m for m in _THOUSANDS.finditer(text, start, end) if m.end() == end]
    return out


@lru_cache(maxsize=None)
def _count_words_before() -> int:
    """How many words at the end of a text a count in words can span, as the data writes its
    words: a tens word and the word after it ("mười hai"), or a unit word, each of one or more words."""
    def most_words(key: str) -> int:
        return max(len(w.split()) for w in words(key))

    return max(most_words("count_units"), most_words("count_ten") + most_words("count_after_ten"))


def _words_start(folded: str, end: int, reach: int = 24) -> int:
    """Where the last words before `end` that a count can span begin (`_count_words_before`):
    after the space before the first of them, or at the text's start."""
    span = _count_words_before()
    while True:
        low = max(0, end - reach)
        space_ends = [m.end() for m in _SPACES.finditer(folded, low, end)]
        if len(space_ends) >= span:
            return space_ends[-span]
        if low == 0:
            return 0
        reach *= 2


@lru_cache(maxsize=None)
def _count_ends() -> "re.Pattern[str]":
    """Where a count may end on the folded text: after a digit or a number word, before at most
    `UNIT_GAP` spaces and a counted noun (or a word before one) as written."""
    endings = {fold(w) for key in ("count_units", "count_ten", "count_after_ten") for w in words(key)}
    by_length: dict[int, list[str]] = {}
    for ending in sorted(endings):
        by_length.setdefault(len(ending), []).append(re.escape(ending))
    after = "|".join([r"(?<=\d[ \t])"] + [f"(?<=(?:{'|'.join(same)})[ \t])" for _, same in sorted(by_length.items())])
    nouns = [w for listed in cue_data()["count_units"].values() for w in listed] + list(cue_data()["count_unit_prefixes"])
    noun = prefix_alternation(fold(w) for w in nouns)
    # Tried at each space, the rare test first: a noun follows, then the space is the first after a number.
    gap = rf"[ \t]{{0,{UNIT_GAP - 1}}}"
    return re.compile(rf"[ \t](?={gap}{noun})(?<![ \t][ \t])(?:{after}){gap}")


def _excluded(ctx: "PreparedDoc", start: int, unit_end: int) -> bool:
    folded = ctx.folded
    ex = cue_data()["count_exclusions"]
    before = folded[max(0, start - 12):start]
    if phrase_pattern(ex["before"]).search(before):
        return True
    after = folded[unit_end:unit_end + 14]
    return any(after.lstrip().startswith(fold(w)) for w in ex["after"])


def extract_counts(ctx: "PreparedDoc") -> list[CountClaim]:
    text = ctx.text
    folded = ctx.folded
    rows: list[CountClaim] = []
    remaining = phrase_pattern(words("remaining_words"))
    village_std = phrase_pattern(cue_data()["village_standard"])
    candidates = _count_candidates(ctx)
    declared = _declared_counts(ctx, candidates)
    for start, end, value, total, value_max, unit, unit_end in candidates:
        if _excluded(ctx, start, unit_end):
            continue
        s, e = ctx.sentence_at(start)
        after = folded[unit_end:min(e, unit_end + STATUS_AFTER_WINDOW)]
        clause = _CLAUSE_MARK.search(after)
        clause_end = unit_end + (clause.start() if clause else len(after))
        scope = statement_span(ctx, start)[0]  # a series joined by ";" shares its verb
        after_cues = status_cues(folded, unit_end, clause_end, scope_start=scope)
        before = ctx.status_before(scope, start)
        status = None
        if after_cues:
            status = after_cues[0].kind
        elif before:
            status = before[0]
        elif unit in UNIT_COUNTS:
            inherited = inherited_status(ctx, s)  # "… 20 xã đạt chuẩn. Trong đó, 8 xã thuộc vùng I"
            if inherited:
                status = inherited[0]
        rest_of_sentence = text[unit_end:e]
        if remaining.match(after.lstrip()) and total is None:
            kind, status = "remaining", "target" if (before is None or before[0] == "target") else (status or "unmet")
        elif unit == "thon":
            if not (village_std.search(folded, unit_end, min(e, unit_end + 25)) or total is not None):
                continue
            kind = "villages"
        elif unit == "chi_tieu" and total is not None:
            kind = "indicators"
        elif start in declared and value_max is None:
            kind = "declared_list"
        elif total is None and value_max is None and _ANNOUNCES.search(rest_of_sentence[:60]) and _list_follows(ctx, e) \
                and not _other_count_before_list(candidates, unit_end, e):
            kind = "declared_list"
        elif total is None and value_max is None and _remaining_before(folded, s, start):
            kind = "remaining"
        elif total is not None or value_max is not None or status is not None:
            kind = "target_total" if status == "target" else "met_total"
        else:
            continue
        if status is None:
            if total is None and kind != "villages":
                continue
            status = "met"
        if kind == "met_total" and status == "target":
            kind = "target_total"
        if unit not in ("tieu_chi", "chi_tieu", "thon", "xa", "huyen"):
            continue
        period = status_period(ctx, ctx.resolve_period(start, status))
        rows.append(CountClaim(
            start=start, end=end, rule=f"counts.{kind}", kind=kind, value=value, total=total,
            unit=unit, status=status, period=period, value_max=value_max,
        ))
    return rows


def _remaining_before(folded: str, s: int, start: int) -> bool:
    """"còn 04 tiêu chí …": the word right before the count says it is what remains."""
    before = folded[max(s, start - 8):start]
    m = None
    for m in _remaining_word().finditer(before):
        pass
    return m is not None and not before[m.end():].strip()


@lru_cache(maxsize=None)
def _remaining_word() -> "regex.Pattern[str]":
    from extract.clauses import grammar

    return phrase_pattern(tuple(grammar()["remaining_before"]))


def _other_count_before_list(candidates, unit_end: int, sentence_end: int) -> bool:
    return any(unit_end < c[0] < sentence_end for c in candidates)


def _list_kind(ctx: "PreparedDoc", pos: int, end: int) -> str | None:
    """What a list that begins at `pos` enumerates: criteria (tieu_chi) or communes (xa)."""
    from extract.criteria import NAMES_OF_UNKNOWN_SET
    from gazetteer.criteria import find_criterion_names

    head = ctx.text[pos:end].lstrip(" :")
    lead = len(ctx.text[pos:end]) - len(head)
    if not head:
        return None
    fhead = ctx.folded[pos + lead:end]
    if any(fhead.startswith(fold(t)) for t in words("criterion_terms_loose")):
        return "tieu_chi"
    names = find_criterion_names(head[:60], ctx.criteria_set or NAMES_OF_UNKNOWN_SET)
    if names and names[0].start == 0:
        return "tieu_chi"
    if any(fhead.startswith(fold(w) + " ") for w in words("unit_words_commune")) or head[0].isupper():
        return "xa"
    return None


def _declared_counts(ctx: "PreparedDoc", candidates) -> set[int]:
    """Starts of the counts that a list in their sentence enumerates: the last count before
    the list's opening word ("là", "gồm", ":") whose noun is what the list names
    ("03 xã đạt 09 tiêu chí bao gồm Giáo Hiệu, …" declares the 03 communes)."""
    from extract.clauses import grammar
    from extract.criteria import list_openers

    out: set[int] = set()
    by_sentence: dict[tuple[int, int], list] = {}
    for c in candidates:
        by_sentence.setdefault(ctx.sentence_at(c[0]), []).append(c)
    reasons = phrase_pattern(tuple(grammar()["reason_words"]))
    for (s, e), cands in by_sentence.items():
        for c in cands:
            unit_end = c[6]
            colon = ctx.text.find(":", unit_end, e)
            opener = list_openers().search(ctx.folded, unit_end, colon if colon >= 0 else e)
            ends = [p for p in (opener.end() if opener else None, colon + 1 if colon >= 0 else None) if p is not None]
            if not ends:
                continue
            at = min(ends)
            if reasons.match(ctx.folded[at:e].lstrip()):
                continue
            kind = _list_kind(ctx, at, e)
            if kind is None:
                continue
            limit = opener.start() if opener and opener.end() == at else at - 1  # where the opener begins
            before = [d for d in cands if d[6] <= limit and d[5] == kind]
            if before and before[-1] is c:
                out.add(c[0])
    return out


def _list_follows(ctx: "PreparedDoc", sentence_end: int) -> bool:
    """The sentence ends in a colon or "gồm"-phrase and items follow (inline or as lines)."""
    line = ctx.line_at(sentence_end - 1 if sentence_end else 0)
    tail = ctx.text[sentence_end - 1:line.end] if sentence_end else ""
    nxt_idx = line.index + 1
    if nxt_idx < len(ctx.structure.lines) and ctx.structure.lines[nxt_idx].intro == line.index:
        return True
    # Inline enumeration: text after the colon on the same line.
    colon = ctx.text.rfind(":", line.start, line.end)
    return colon >= 0 and bool(ctx.text[colon + 1:line.end].strip()) or bool(tail.strip())


COMPONENT = Component(
    name="counts", record=CountClaim, run=extract_counts,
    label="kind",
    shown=("kind", "value", "total", "unit", "status", "period"),
    requires=("fractions", "ranges", "structure", "sentence_spans", "meta", "status_periods"),
    enums={"kind": ("met_total", "declared_list", "remaining", "target_total", "villages", "indicators"),
           "status": ("met", "unmet", "target"), "unit": ("tieu_chi", "chi_tieu", "thon", "xa", "huyen")},
)
