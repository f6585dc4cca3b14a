"""Rates: every percentage and every fraction of a population, with what it measures.

A rate is written as a percentage ("đạt 79,9%", "≤ 6,5%", "90% trở lên"), as a
fraction of a population ("417/910 bằng cấp") or both ("71/1.784 = 3,97%", one
row with numerator and denominator). Fractions of criteria, indicators or
villages ("18/19 tiêu chí", "9/9 thôn") are counts, not rates, and map scales
("tỷ lệ 1/500") are neither. In a written sum ("3,97% + 8,24% = 12,21%") the
operands belong to the computation: the result is a row, an operand only when
no row of its line already carries its value.

Each row says what it measures (`subject`: the "tỷ lệ …" phrase, the measured
population, or the enclosing indicator's name when the sentence says "tỷ lệ
này"), its comparator, its role (a measured value, an aim, or a criterion's
norm), the indicator and criterion it belongs to (written in the clause, else
the enclosing item, else inferred from the subject) and its period.
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.component import Component
from extract.numbers import comparator_words, find_comparator
from extract.records import IndicatorValue
from gazetteer.criteria import criterion_for_subject
from gazetteer.cues import count_unit_pattern, phrase_pattern
from gazetteer.lexicon import expand, load_data, pattern, words_alternation
from gazetteer.lexicon import words as lexicon_words
from gazetteer.text import fold, match_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc
    from extract.structure import Line

UNIT_GAP = 3  # at most this many spaces between a fraction and a counted noun
SUBJECT_MAX_CHARS = 160  # a longer subject is cut to its last words
AFTER_SUBJECT_MAX_CHARS = 90  # the population named after a value ("100% cán bộ …")

_COMPUTATION_TAIL = regex.compile(r"[\s\d.,/%+\-–−=×xX*:≤≥<>]*$")


_EQUALS = regex.compile(r"\s*=\s*")
# "71/1.784 = 3,97%", "2.891/3.115 người = 92,8%": a fraction (and its noun) equal to a percentage
_FRACTION_EQUALS = regex.compile(r"(?:\s+\p{Ll}+){0,2}\s*=\s*")


_UNIT_GAP = regex.compile(r"[ \t]{0,%d}" % UNIT_GAP)
_PLUS_MINUS = regex.compile(r"\s*[+\-–−]\s*")


_LAST_WORD = regex.compile(r"(\p{L}+)\s*$")
_SUBJECT_STOP = regex.compile(r"[;.(]")
_CLAUSE_CUT = regex.compile(r"[;:]")


@lru_cache(maxsize=None)
def role_words() -> dict:
    """The word lists of `gazetteer/data/indicator_roles.yaml`."""
    return load_data("indicator_roles.yaml")


@lru_cache(maxsize=1)
def _COMPARATOR_AFTER() -> "regex.Pattern[str]":
    """A comparator word written after a value ("90% trở lên"), from comparators.yaml."""
    return regex.compile(rf"\s*(?:{words_alternation(comparator_words()['after'])})", regex.I)


@lru_cache(maxsize=None)
def _reached_before() -> "regex.Pattern[str]":
    """A verb of reaching, then a comparator word, right before a value (on the folded text)."""
    verbs = words_alternation(fold(w) for w in role_words()["reached_verbs"])
    words = words_alternation(fold(w) for w in role_words()["rough_comparators"])
    return regex.compile(rf"(?<!\p{{L}})(?:{verbs})\s+(?:{words})\s*\Z")


@lru_cache(maxsize=None)
def _pattern(key: str) -> "regex.Pattern[str]":
    return phrase_pattern(role_words()[key])


@dataclass
class _Value:
    start: int
    end: int
    value: float
    unit: str
    numerator: float | None
    denominator: float | None
    comparator: str
    value_start: int  # where the quantity the subject precedes begins (the fraction, or the percentage)
    operand: bool = False


# --------------------------------------------------------------------- values


def _is_count(folded: str, end: int) -> bool:
    """A fraction followed by a counted noun ("18/19 tiêu chí", "9/9 thôn") is a count."""
    gap = _UNIT_GAP.match(folded, end, end + UNIT_GAP + 1)
    pos = gap.end() if gap else end
    return match_at(count_unit_pattern(), folded, pos) is not None


def _is_map_scale(folded: str, start: int, numerator: float) -> bool:
    if numerator != 1:
        return False
    before = folded[max(0, start - 16):start]
    return any(m.end() >= len(before) - 1 for m in _pattern("map_scale_words").finditer(before))


def _percentages(found) -> list[tuple[int, int, float, str | None]]:
    """(start, end, value, comparator hint) of each percentage; an "=" written before it
    (the result of a computation) is left out of its span and gives no comparator."""
    out = []
    for p in found:
        start, hint = p.start, p.comparator_hint
        if p.text.startswith("="):
            start = p.start + len(p.text) - len(p.text[1:].lstrip())
            hint = None
        out.append((start, p.end, float(p.value), hint))
    return out


def _values(ctx: "PreparedDoc") -> list[_Value]:
    """Every rate value in the text, fractions joined to the percentage they equal."""
    text = ctx.text
    folded = ctx.folded
    pcts = _percentages(ctx.percentages)
    starts = {p[0] for p in pcts}
    joined: dict[int, tuple[float, float, int]] = {}  # percentage start -> (num, den, fraction start)
    restates: dict[int, tuple[float, float]] = {}  # percentage start -> (num, den) written after it
    out: list[_Value] = []
    for fr in ctx.fractions:
        eq = match_at(_FRACTION_EQUALS, text, fr.end)
        if eq and eq.end() in starts:
            joined[eq.end()] = (fr.numerator, fr.denominator, fr.start)
            continue
        if _is_count(folded, fr.end) or _is_map_scale(folded, fr.start, fr.numerator):
            continue
        if match_at(_not_rate_after(), folded, fr.end) or _is_page_counter(text, fr):
            continue
        value = round(fr.numerator / fr.denominator, 4)
        restated = _restates(pcts, text, fr, value)
        if restated is not None:
            # "87,7% (8.481/9.669)": the basis of the percentage before it, not a second rate
            restates[restated] = (fr.numerator, fr.denominator)
            continue
        cmp = find_comparator(text, fr) or "eq"
        out.append(_Value(fr.start, fr.end, value, "ratio", fr.numerator, fr.denominator, cmp, fr.start))
    for i, (p_start, p_end, value, hint) in enumerate(pcts):
        if match_at(_MONEY_AFTER, folded, p_end):
            continue  # "28,6% triệu đồng/người/năm": a unit slip (an income), not a rate
        num, den, start = joined.get(p_start, (None, None, p_start))
        if p_start in restates:
            num, den = restates[p_start]
        cmp = hint or find_comparator(text, _Span(p_start, p_end)) or "eq"
        out.append(_Value(start, p_end, value, "%", num, den, cmp, start, _is_operand(text, pcts, i)))
    out.sort(key=lambda v: v.start)
    return out


_MONEY_AFTER = regex.compile(
    r"[ \t]*(?:" + expand("@{money_scale_words:folded}") + r")[ \t]+(?:"
    + words_alternation(fold(w) for w in lexicon_words("currency_dong")) + r")(?!\p{L})")


_PAGE_COUNTER = regex.compile(r"[ \t]*\d+[ \t]*/[ \t]*\d+[ \t]*")
RESTATE_TOLERANCE = 0.0051  # a fraction equal to the percentage before it, to its written precision


def _restates(pcts, text: str, fr, value: float) -> int | None:
    """Start of the percentage a fraction in parentheses right after it restates."""
    mark = _percent_before_paren(text, fr.start)
    if mark is None:
        return None
    for p_start, p_end, pct, _ in pcts:  # in text order: the "%" must be at or after the percentage's last character
        if p_end - 1 > mark:
            break
        if abs(pct / 100 - value) <= RESTATE_TOLERANCE:
            return p_start
    return None


def _percent_before_paren(text: str, pos: int) -> int | None:
    """Where the "%" of "…% (" right before `pos` stands (blanks allowed around the bracket), else None."""
    at = pos
    while at > 0 and text[at - 1].isspace():
        at -= 1
    if at == 0 or text[at - 1] != "(":
        return None
    at -= 1
    while at > 0 and text[at - 1].isspace():
        at -= 1
    return at - 1 if at > 0 and text[at - 1] == "%" else None


def _is_page_counter(text: str, fr) -> bool:
    """A viewer's page counter: a line holding only "1 / 101"."""
    line_start = text.rfind("\n", 0, fr.start) + 1
    line_end = text.find("\n", fr.end)
    return _PAGE_COUNTER.fullmatch(text, line_start, len(text) if line_end < 0 else line_end) is not None


@lru_cache(maxsize=None)
def _not_rate_after() -> "regex.Pattern[str]":
    """Nouns after a fraction that make it a score or a count of things ("96/100 điểm")."""
    return regex.compile(rf"[ \t]*(?:{words_alternation(fold(w) for w in role_words()['not_rate_nouns'])})(?!\p{{L}})")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int


def _is_operand(text: str, pcts, i: int) -> bool:
    """A percentage joined by + or - to others in a written sum that ends in "= result"."""

    def joined(j: int) -> bool:
        return _PLUS_MINUS.fullmatch(text, pcts[j][1], pcts[j + 1][0]) is not None

    if not ((i + 1 < len(pcts) and joined(i)) or (i > 0 and joined(i - 1))):
        return False
    j = i
    while j + 1 < len(pcts) and joined(j):
        j += 1
    eq = match_at(_EQUALS, text, pcts[j][1])
    return eq is not None and j + 1 < len(pcts) and pcts[j + 1][0] == eq.end()


# -------------------------------------------------------------------- subject


def _paren_depths(text: str, start: int, end: int) -> list[int]:
    """Paren depth at each offset of text[start:end] (0 outside parentheses)."""
    segment = text[start:end]
    if "(" not in segment:
        return [0] * len(segment)  # most clauses open no parenthesis: no loop over their characters
    depth, out = 0, []
    for ch in segment:
        if ch == "(":
            depth += 1
        out.append(depth)
        if ch == ")" and depth:
            depth -= 1
    return out


def _matches_outside_parens(pattern, folded: str, start: int, end: int) -> list["regex.Match[str]"]:
    depth = _paren_depths(folded, start, end)
    return [m for m in pattern.finditer(folded, start, end) if depth[m.start() - start] == 0]


def _clause_before(ctx: "PreparedDoc", v: _Value) -> tuple[int, int]:
    """The last clause (between ";"/":" outside parentheses) before a value that is not mere arithmetic."""
    text = ctx.text
    s, _ = ctx.sentence_at(v.start)
    end = v.value_start
    depth = _paren_depths(text, s, end)
    cuts = [s] + [m.end() for m in _CLAUSE_CUT.finditer(text, s, end) if depth[m.start() - s] == 0]
    for a in reversed(cuts):
        piece = text[a:end]
        stripped = _COMPUTATION_TAIL.sub("", piece)
        if stripped.strip(" ,.;:()-–"):
            return a, a + len(stripped)
        end = a - 1 if a > s else a
    return s, s


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without edge punctuation and without a parenthesis left open at its end."""
    while start < end and text[start] in " ,.;:-–+*•)]\t":
        start += 1
    while end > start and text[end - 1] in " ,.;:-–([\t":
        end -= 1
    # unbalanced parenthesis at the end ("… (áp dụng" cut) or a lone "(" before the value
    seg = text[start:end]
    if seg.count("(") > seg.count(")"):
        cut = seg.rfind("(")
        end = start + cut
        while end > start and text[end - 1] in " ,.;:-–\t":
            end -= 1
    return start, end


def _subject_before(ctx: "PreparedDoc", clause: tuple[int, int]) -> tuple[str | None, bool]:
    """(subject written in the clause before a value, whether it refers back to an earlier rate)."""
    text = ctx.text
    folded = ctx.folded
    a, b = clause
    if b <= a:
        return None, False
    heads = _matches_outside_parens(_pattern("rate_heads"), folded, a, b)
    start = a
    if heads:
        start = heads[-1].start()
        if match_at(_pattern("anaphora"), folded, start):
            return None, True
    else:
        leads = _matches_outside_parens(_pattern("subject_leads"), folded, a, b)
        if leads:
            start = leads[-1].end()
        lead_pos = start + len(folded[start:b]) - len(folded[start:b].lstrip(" ,"))
        m = match_at(_pattern("leading_time_words"), folded, lead_pos)
        if m:
            start = m.end()
        ids = ctx.indicator_ids_in(start, b)
        if ids and ids[-1].end < b and not folded[start:ids[-1].start].strip(" .:-"):
            start = ids[-1].end
    stops = [m for m in _matches_outside_parens(_pattern("subject_stops"), folded, start, b) if m.start() > start]
    end = stops[-1].start() if stops else b
    tail = _pattern("subject_tails").search(folded, start, end)
    if tail:
        end = tail.start()
    start, end = _trim(text, start, end)
    end = _strip_trailing_words(folded, start, end)
    start, end = _trim(text, start, end)
    if end <= start:
        return None, False
    if end - start > SUBJECT_MAX_CHARS:
        start = text.find(" ", end - SUBJECT_MAX_CHARS, end) + 1
    return text[start:end], False


def _strip_trailing_words(folded: str, start: int, end: int) -> int:
    trailing = {fold(w) for w in role_words()["trailing_words"]}
    while end > start:
        word = _LAST_WORD.search(folded[start:end])
        if word is None or word.group(1) not in trailing:
            break
        end = start + word.start()
    return end


# a noun right after a value ("85% lượng rác thải"), on the folded text
_POPULATION_AFTER_FOLDED = pattern(r"[ \t]+(?:(?:@{population_count_lead:folded})\s+)?(?=\p{L})")


def _names_population_after(ctx: "PreparedDoc", v: _Value, clause: tuple[int, int]) -> bool:
    """A percentage followed at once by a noun ("85% lượng rác thải") and no "tỷ lệ" in its clause."""
    folded = ctx.folded
    m = _POPULATION_AFTER_FOLDED.match(folded[v.end:v.end + 4])
    if m is None or match_at(_pattern("not_after_subject"), folded, v.end + m.end()):
        return False
    a, b = clause
    return not _matches_outside_parens(_pattern("rate_heads"), folded, a, b)


# a noun right after a value ("100% cán bộ"), on the text
_POPULATION_AFTER = pattern(r"\s*(?:(?:@{population_count_lead})\s+)?(?=\p{L})")


def _subject_after(ctx: "PreparedDoc", v: _Value) -> str | None:
    """The population named right after a value: "100% cán bộ, công chức …", "417/910 bằng cấp …"."""
    text = ctx.text
    folded = ctx.folded
    _, s_end = ctx.sentence_at(v.start)
    pos = v.end
    after_cmp = _COMPARATOR_AFTER().match(text[pos:s_end])
    if after_cmp:
        pos += after_cmp.end()
    m = _POPULATION_AFTER.match(text[pos:s_end])
    if not m:
        return None
    start = pos + m.end()
    end = min(s_end, start + AFTER_SUBJECT_MAX_CHARS)
    stop = _SUBJECT_STOP.search(text[start:end])
    if stop:
        end = start + stop.start()
    conj = _conjunction_after_comma().search(folded, start, end)
    if conj:
        end = conj.start()
    start, end = _trim(text, start, end)
    return text[start:end] if end > start else None


@lru_cache(maxsize=None)
def _conjunction_after_comma() -> "regex.Pattern[str]":
    alts = words_alternation(fold(w) for w in role_words()["clause_conjunctions"])
    return regex.compile(rf",\s*(?:{alts})(?![\p{{L}}\p{{N}}])")


def _enclosing_name(ctx: "PreparedDoc", line: "Line") -> str | None:
    """The name of the indicator (or criterion) item that encloses a line."""
    for anc in [line, *ctx.structure.ancestors(line.index)]:
        ids = ctx.indicator_ids_in(anc.start, anc.end)
        if ids and anc is not line:
            start, end = _trim(ctx.text, ids[-1].end, anc.end)
            if end > start:
                return ctx.text[start:end]
        for mn in ctx.mentions_in(anc.start, anc.end):
            if anc is not line and mn.name:
                return mn.name
    return None


# -------------------------------------------------------- criterion, indicator


def _ids_and_numbers(ctx: "PreparedDoc", start: int, end: int) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
    """(offset, indicator id) and (offset, criterion number) written in text[start:end]."""
    ids = [(m.start, m.id) for m in ctx.indicator_ids_in(start, end)]
    numbers = [(mn.start, mn.number) for mn in ctx.mentions_in(start, end)]
    return ids, numbers


def _criterion_and_indicator(ctx: "PreparedDoc", v: _Value, subject: str | None,
                             clause_start: int) -> tuple[int | None, str | None]:
    """Indicator id and criterion written in the value's clause, else in its sentence before it,
    else in the enclosing items; else the criterion the subject names in the catalogue."""
    s, _ = ctx.sentence_at(v.start)
    for a, b in ((clause_start, v.start), (s, v.start)):
        ids, numbers = _ids_and_numbers(ctx, a, b)
        if ids:
            ind = ids[-1][1]
            return int(ind.split(".")[0]), ind
        if numbers:
            return numbers[-1][1], None
    line = ctx.line_at(v.start)
    own_ids, own_numbers = _ids_and_numbers(ctx, line.start, s)
    if own_ids:
        ind = own_ids[-1][1]
        return int(ind.split(".")[0]), ind
    for anc in [line, *ctx.structure.ancestors(line.index)]:
        if anc is line:
            ids, numbers = own_ids, own_numbers
        else:
            ids, numbers = _ids_and_numbers(ctx, anc.start, anc.end)
        id_set = {i for _, i in ids}
        if len(id_set) == 1:
            ind = id_set.pop()
            return int(ind.split(".")[0]), ind
        number_set = {n for _, n in numbers}
        if len(number_set) == 1:
            return number_set.pop(), None
        if len(number_set) > 1 or len(id_set) > 1:
            break
    if subject and ctx.criteria_set:
        found = criterion_for_subject(subject, ctx.criteria_set)
        if found:
            return found[0], None
    return None, None


# ----------------------------------------------------------------------- role


# "nội dung 17.8": a numbered norm of a criterion
_CONTENT_ITEM = pattern(r"\b(?:@{content_item:folded})\b")


def _role(ctx: "PreparedDoc", v: _Value, clause_start: int) -> str:
    folded = ctx.folded
    s, e = ctx.sentence_at(v.start)
    before = folded[max(s, v.value_start - 40):v.value_start]
    paren = before.rfind("(")
    if paren >= 0 and ")" not in before[paren:]:
        if _pattern("threshold_words").search(before, paren):
            return "threshold"
    excluded = [(m.start(), m.end()) for m in _pattern("target_cue_exclusions").finditer(folded, s, v.start)]
    if any(not any(a <= m.start() < b for a, b in excluded) for m in _pattern("target_cues").finditer(folded, s, v.start)):
        return "target"
    if v.comparator != "eq" and _reached_before().search(folded, max(s, v.value_start - 40), v.value_start):
        return "actual"  # "đạt trên 92%", "với trên 85% đồng bào", "chiếm gần 68%": a value reached, roughly
    if v.comparator != "eq" and not _pattern("actual_cues").search(folded, s, v.start):
        line = ctx.line_at(v.start)
        ids, numbers = _ids_and_numbers(ctx, min(clause_start, line.start), v.start)
        labelled = ids or numbers or _CONTENT_ITEM.search(folded[line.start:v.start])
        norm_words = _pattern("threshold_words").search(folded, s, e)
        if labelled or norm_words:
            return "threshold"
    return "actual"


# --------------------------------------------------------------------- period


def _range_in_sentence(ctx: "PreparedDoc", offset: int) -> bool:
    s, e = ctx.sentence_at(offset)
    periods = ctx.all_periods
    i = bisect.bisect_left(periods, s, key=lambda p: p.start)
    while i < len(periods) and periods[i].start < e:
        if periods[i].kind == "range" and periods[i].end <= e:
            return True
        i += 1
    return False


def _period(ctx: "PreparedDoc", v: _Value, role: str, previous: str | None = None) -> str | None:
    """Thresholds of a range ("giai đoạn 2021-2025") have none; targets and norms take the
    statement's period or the plan year; measured values the period of their sentence, their
    paragraph, the previous measured value of their item, else what `PreparedDoc.written_period`
    finds for any statement (its list's intro, its headings)."""
    if role == "threshold":
        if _range_in_sentence(ctx, v.start):
            return None
        return ctx.resolve_period(v.start, "target")
    if role == "target":
        return ctx.resolve_period(v.start, "target")
    s, e = ctx.sentence_at(v.start)
    p = ctx.period_in_span(s, e, v.start)
    if p:
        return p
    line = ctx.line_at(v.start)
    p = ctx.period_in_span(line.start, line.end, v.start)
    if p:
        return p
    if previous:
        return previous
    return ctx.written_period(v.start) or ctx.default_period("met")


# ---------------------------------------------------------------------- rows


def extract_indicators(ctx: "PreparedDoc") -> list[IndicatorValue]:
    rows: list[IndicatorValue] = []
    last_actual: dict[int | None, str | None] = {}  # item (parent line) -> period of its last measured value
    for v in _values(ctx):
        line = ctx.line_at(v.start)
        item_start = ctx.structure.lines[line.parent].end if line.parent is not None else line.start
        if v.operand and any(
            r.value == v.value and r.unit == v.unit and item_start <= r.start < v.start for r in rows
        ):
            continue  # an operand already given as a row of its item
        subject, refers_back, rule = None, False, "indicators.subject_before"
        clause = _clause_before(ctx, v)  # read by the subject, the criterion and the role
        if v.unit == "ratio" or _names_population_after(ctx, v, clause):
            # "417/910 bằng cấp", "hỗ trợ 50% kinh phí": the population is named after the value
            subject, rule = _subject_after(ctx, v), "indicators.subject_after"
        if subject is None:
            subject, refers_back = _subject_before(ctx, clause)
        if refers_back:
            subject, rule = _enclosing_name(ctx, line), "indicators.enclosing_name"
        if subject is None and not refers_back:
            subject, rule = _subject_after(ctx, v), "indicators.subject_after"
        if subject is None:
            subject, rule = _enclosing_name(ctx, line), "indicators.enclosing_name"
        criterion, indicator = _criterion_and_indicator(ctx, v, subject, clause[0])
        role = _role(ctx, v, clause[0])
        rows.append(IndicatorValue(
            start=v.start, end=v.end, rule=f"{rule}.{v.unit if v.unit == 'ratio' else 'percent'}",
            indicator_id=indicator, criterion_no=criterion, subject=subject,
            value=v.value, unit=v.unit, numerator=v.numerator, denominator=v.denominator,
            comparator=v.comparator, role=role, period=_period(ctx, v, role, last_actual.get(line.parent)),
        ))
        if role == "actual":
            last_actual[line.parent] = rows[-1].period
    return rows


COMPONENT = Component(
    name="indicators", record=IndicatorValue, run=extract_indicators,
    label="role",
    shown=("indicator_id", "criterion_no", "subject", "comparator", "value", "unit", "role", "period"),
    requires=("fractions", "percentages", "mentions", "criteria_set", "structure", "sentence_spans", "meta"),
    enums={"unit": ("%", "ratio"), "comparator": ("eq", "ge", "le", "gt", "lt"),
           "role": ("actual", "target", "threshold")},
)
