"""Criteria (tiêu chí) named with a status: met, unmet or targeted, in a period.

A criterion is written as "tiêu chí (số) N", often with its name ("Tiêu chí số
15: Y tế", "tiêu chí 15 về Y tế"), sometimes only by its indicator ("Mục 15.1")
or by name inside a list of shortfalls ("… chưa hoàn thành …: bảo hiểm y tế, hộ
nghèo"). Its status comes from the words right after it ("… tiêu chí 17 chưa
đạt"), else from its sentence before it, else from the line that introduced its
list ("Các tiêu chí chưa đạt có 10 tiêu chí bao gồm:"); a criterion merely
named as a topic ("Đối với tiêu chí số 15 …") has no status and gives no row.
The set (whose name goes with which number) is inferred from the names written
next to the numbers, the decisions cited, the programme and the year.
"""
from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import TYPE_CHECKING

import regex

from extract.component import Component
from extract.records import CriterionMention
from gazetteer.criteria import (
    TERM_VARIANTS,
    canonical_name,
    criteria_sets,
    find_criterion_names,
    name_scores,
    sets_for_name,
)
from extract.clauses import inherited_status, statement_span, status_cues, status_period
from gazetteer.cues import LeftmostOf, count_unit_pattern, find_family, find_status_cues, matches_where, phrase_starts
from gazetteer.lexicon import expand, pattern, words, words_alternation
from gazetteer.text import fold, match_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

MAX_NAME_WORDS = 12  # a criterion's written name is at most this many words
LOCAL_STATUS_WINDOW = 40  # chars after a mention searched for "chưa đạt"/"đã đạt"
TOPIC_WINDOW = 12  # chars before a mention searched for a topic marker ("Đối với")

# Patterns of this module run on the folded text.
_INDICATOR_ID_AFTER_LEAD = r"\s*(?:(?:@{number_word:folded})\s*)?(?P<id>\d{1,2}\.\d{1,2})"
INDICATOR_ID = pattern(r"(?<![\p{L}\d.])(?:@{indicator_leads:folded})" + _INDICATOR_ID_AFTER_LEAD + r"(?![\d])")
# Its words and digits in standard `re` patterns, one per lead word (each found by a fast scan
# for its word): where an indicator id may stand.
_INDICATOR_ID_STARTS = tuple(re.compile(words_alternation([fold(lead)]) + expand(_INDICATOR_ID_AFTER_LEAD))
                             for lead in words("indicator_leads"))


@dataclass(frozen=True, slots=True)
class IndicatorId:
    """An indicator named by its id and a lead word: "Mục 15.1", "chỉ tiêu 17.8"."""

    start: int
    end: int
    id: str  # "15.1"
    id_start: int

    @property
    def criterion(self) -> int:
        return int(self.id.split(".")[0])


def find_indicator_ids(folded: str) -> list[IndicatorId]:
    """Every indicator id written with its lead word, on the folded text."""
    return [IndicatorId(m.start(), m.end(), m.group("id"), m.start("id"))
            for m in matches_where(INDICATOR_ID, LeftmostOf(_INDICATOR_ID_STARTS), folded)]


_NAME_SEP = pattern(r"\s*(?:[:\-–—]|\b(?:@{criterion_name_lead:folded})\b)?\s*")


_NAME_END = pattern(r"[;(\n]|\.(?:\s|$)|\s+(?:@{criterion_and:folded})\b|,\s*(?:@{indicator_leads:folded})\b")
_OBJECTIVE = pattern(r"\s*(?:@{objective_leads:folded})\b")


@lru_cache(maxsize=1)
def _mention_written() -> str:
    """"tiêu chí (số) N" as written: the term or a misspelling of it, the number."""
    term = words("criterion_term")[0]
    variants = {term, *TERM_VARIANTS.get(term, ())}
    alts = words_alternation(fold(t) for t in variants)
    number_word = expand("@{number_word:folded}")
    return rf"(?:{alts})\s*(?:(?:{number_word})\s*)?(?P<no>\d{{1,2}})"


@lru_cache(maxsize=1)
def _mention_pattern() -> "regex.Pattern[str]":
    return regex.compile(r"(?<![\p{L}])" + _mention_written() + r"(?![\d]|[.,]\d)")


@lru_cache(maxsize=1)
def _mention_starts() -> "re.Pattern[str]":
    """The words and number of a mention in a standard `re` pattern: where one may stand."""
    return re.compile(_mention_written())


@lru_cache(maxsize=65536)  # the same names recur across documents
def _best_score(number: int, written_name: str) -> float:
    """The best score of a written name as criterion `number`'s, over the sets (0.0: none)."""
    return max(name_scores(number, written_name).values(), default=0.0)


_sets_for_name = lru_cache(maxsize=65536)(sets_for_name)
NAME_WINDOW = 400  # chars after a mention that can hold its name (MAX_NAME_WORDS words)


@dataclass
class NumberedMention:
    start: int  # start of "tiêu chí"
    end: int  # end of the written name (or of the number)
    number_end: int
    number: int
    name: str | None
    name_start: int
    sets: frozenset[str]


def _written_name(text: str, folded: str, number: int, pos: int) -> tuple[str | None, int, int, frozenset[str]]:
    """The name written after "tiêu chí N" at `pos`: the longest word prefix some set accepts."""
    sep = match_at(_NAME_SEP, folded, pos)
    start = sep.end() if sep else pos
    stop = _NAME_END.search(folded, start, start + NAME_WINDOW)
    limit = stop.start() if stop else min(len(text), start + NAME_WINDOW)
    window = text[start:limit]
    words = list(islice(_WORD.finditer(window), MAX_NAME_WORDS))
    best: tuple[float, int, str] | None = None
    for k in range(len(words), 0, -1):
        end = start + words[k - 1].end()
        cand = text[start:end].rstrip(" ,.:;")
        top = _best_score(number, cand)
        if top > 0 and (best is None or top > best[0]):
            best = (top, k, cand)
    if best is not None:
        cand = best[2]
        sets = _sets_for_name(number, cand)
        if sets:
            return cand, start, start + len(cand), frozenset(sets)
    cand = text[start:limit].rstrip(" ,.:;")
    if cand and cand[0].isalpha() and len(cand.split()) <= 8 and not find_status_cues(fold(cand)):
        return cand, start, start + len(cand), frozenset()
    return None, pos, pos, frozenset()


_MORE_NUMBERS = pattern(r"\s*(?:[;,]|\b(?:@{enumeration_joiners:folded})\b)\s*(?P<no>\d{1,2})(?![\d/%]|[.,]\d)")


_AFTER_GAP = regex.compile(r"\s*")


def find_numbered_mentions(text: str, folded: str) -> list[NumberedMention]:
    """Every "tiêu chí (số) N" with N in 1..19, and the name written after it; a bare list of
    numbers after one ("tiêu chí số 02; 05; 06 và 09") names a criterion per number."""
    out = []
    for m in matches_where(_mention_pattern(), _mention_starts(), folded):
        number = int(m.group("no"))
        if not 1 <= number <= 19:
            continue
        name, ns, ne, sets = _written_name(text, folded, number, m.end())
        out.append(NumberedMention(m.start(), max(ne, m.end()), m.end(), number, name, ns, sets))
        if name is None:
            pos = m.end()
            while True:
                nxt = match_at(_MORE_NUMBERS, folded, pos)
                if nxt is None or not 1 <= int(nxt.group("no")) <= 19:
                    break
                gap = match_at(_AFTER_GAP, folded, nxt.end())
                if match_at(count_unit_pattern(), folded, gap.end() if gap else nxt.end()):
                    break  # "…, 05 xã": a count, not another criterion
                out.append(NumberedMention(nxt.start("no"), nxt.end("no"), nxt.end("no"), int(nxt.group("no")),
                                           None, nxt.end("no"), frozenset()))
                pos = nxt.end()
    return out


# "nâng cao" names the programme only after its name ("nông thôn mới nâng cao", "NTM nâng
# cao"), not as the verb "to raise" ("nâng cao ý thức").
_ADVANCED_PROGRAMME = pattern(r"(?<![\p{L}])(?:@{programme_names:folded})\s+(?:@{advanced_programme:folded})(?![\p{L}])", regex.I)


def infer_criteria_set(ctx: "PreparedDoc") -> str | None:
    """Votes: each written name for its sets, then the decisions cited, programme and year."""
    sets = criteria_sets()
    votes: dict[str, float] = defaultdict(float)
    mentions = ctx.mentions
    named = 0
    for mn in mentions:
        if mn.sets:
            named += 1
            for s in mn.sets - {"ntm-km-2021"}:  # kiểu mẫu shares nâng cao's names
                votes[s] += 1.0
    folded = ctx.folded
    if not mentions and not any(fold(t) in folded for t in words("criterion_term")):
        return None
    for sid, cs in sets.items():
        if cs.decision and _decisions_cited()[sid].search(folded):
            votes[sid] += 0.5
    if _ADVANCED_PROGRAMME.search(folded, 0, 3000):
        votes["ntm-nc-2021"] += 0.5
    year = _document_year(ctx)
    if year is not None:
        for sid, cs in sets.items():
            if cs.period and cs.period[0] <= year <= cs.period[1] + 1:
                votes[sid] += 0.25
    if not votes:
        return None
    return max(votes.items(), key=lambda kv: (kv[1], kv[0] == "ntm-2021"))[0]


@lru_cache(maxsize=1)
def _decisions_cited() -> dict[str, "re.Pattern[str]"]:
    """Each set's decision number as the folded text may cite it, spaces anywhere ("318/QĐ - TTg")."""
    return {sid: _citation(cs.decision) for sid, cs in criteria_sets().items()}


def _citation(decision: str) -> "re.Pattern[str]":
    written = fold(decision)
    if any(ch.isspace() for ch in written):
        return re.compile(r"(?!)")  # spaces are read out of the citation: such a number never matches
    return re.compile(r"\s*".join(map(re.escape, written)))


def _document_year(ctx: "PreparedDoc") -> int | None:
    years = [int(p.period[:4]) for p in ctx.head_periods(1500) if getattr(p, "kind", "single") != "range" and p.period]
    return max(years) if years else None


def _indicator_for(ctx: "PreparedDoc", folded: str, number: int, lo: int, hi: int) -> str | None:
    ids = {m.id for m in ctx.indicator_ids_in(lo, hi) if m.criterion == number}
    return ids.pop() if len(ids) == 1 else None


def _local_status(ctx: "PreparedDoc", start: int, limit: int) -> str | None:
    """A met/unmet cue right after the mention, in its clause."""
    end = min(limit, start + LOCAL_STATUS_WINDOW)
    clause = _CLAUSE_END.search(ctx.text, start, end)
    if clause:
        end = clause.start()
    for c in status_cues(ctx.folded, start, end, scope_start=ctx.sentence_at(start)[0]):
        if c.kind in ("met", "unmet"):
            return c.kind
    return None


def _is_topic(ctx: "PreparedDoc", start: int) -> bool:
    lo = max(0, start - TOPIC_WINDOW)
    return any(c.end >= start - 2 for c in find_family(ctx.folded, "topic_markers", lo, start))


@dataclass(frozen=True)
class CriterionStatement:
    """A numbered mention that states a status, how the status was read, and its period."""

    index: int  # position of the mention in the document's mentions
    mention: NumberedMention
    status: str
    rule: str
    label: str | None
    period: str | None = None

    def with_period(self, period: str | None) -> "CriterionStatement":
        return CriterionStatement(self.index, self.mention, self.status, self.rule, self.label, period)


def _list_groups(mentions) -> list[int]:
    """For each mention, the index of the last mention of its bare number list ("tiêu chí
    15, 17 chưa đạt": the verb after the list governs every number of it)."""
    last = list(range(len(mentions)))
    for i in range(len(mentions) - 2, -1, -1):
        nxt = mentions[i + 1]
        if nxt.name is None and nxt.start == nxt.name_start - (nxt.number_end - nxt.start) and nxt.start - mentions[i].number_end <= 6:
            last[i] = last[i + 1]
    return last


_CLAUSE_COMMA = regex.compile(r"[,;]")


def _partial_units(ctx: "PreparedDoc", lo: int, hi: int) -> bool:
    """A count of communes (not all of them) in the clause before a mention: the status is
    theirs, not the criterion's ("02 tiêu chí đạt 09 xã là tiêu chí số 14 …")."""
    clause_lo = lo
    for m in _CLAUSE_COMMA.finditer(ctx.text, lo, hi):
        clause_lo = m.end()
    units = [u for u in _unit_counts(ctx, clause_lo, hi)]
    return any(not full for full in units)


def _unit_counts(ctx: "PreparedDoc", lo: int, hi: int):
    """For each "<n> xã" / "<a>/<b> xã" in [lo, hi): whether it covers every unit."""
    from gazetteer.cues import cue_data, phrase_pattern

    every = phrase_pattern(tuple(cue_data()["count_totals"]["whole"]))
    for m in _UNIT_COUNT.finditer(ctx.folded, lo, hi):
        a, b = m.group("a"), m.group("b")
        before = ctx.folded[max(0, m.start() - 10):m.start()].rstrip()
        whole = any(w.end() == len(before) for w in every.finditer(before))  # "tất cả 10 xã"
        yield whole or (b is not None and int(a) == int(b))


_UNIT_COUNT = pattern(r"(?<![\p{L}\d/.,])(?P<a>\d{1,3})(?:\s*/\s*(?P<b>\d{1,3}))?\s+(?:@{unit_words_commune:folded}|@{unit_words_district:folded})\b")


def criterion_statements(ctx: "PreparedDoc") -> list[CriterionStatement]:
    """The status each numbered mention states (its own clause, its statement, its list's
    intro, the sentence it continues), in text order; mentions that state none, and topic
    headers, are left out."""
    text = ctx.text
    out = []
    mentions = ctx.mentions
    last_of_list = _list_groups(mentions)
    for i, mn in enumerate(mentions):
        if _is_topic(ctx, mn.start):
            continue
        s_start, s_end = statement_span(ctx, mn.start)
        tail = mentions[last_of_list[i]]
        j = last_of_list[i]
        next_start = mentions[j + 1].start if j + 1 < len(mentions) and mentions[j + 1].start < s_end else s_end
        status = _local_status(ctx, tail.end, next_start)
        rule = "criteria.local_status"
        if status is None:
            st = ctx.status_before(s_start, mn.start)
            if st:
                status, rule = st[0], "criteria.sentence_status"
                if _partial_units(ctx, s_start, mn.start):
                    continue
        line = ctx.line_at(mn.start)
        intro = ctx.intro_line(line)
        if status is None and intro is not None and line.start <= s_start:
            st = ctx.status_before(intro.start, intro.end)
            if st:
                status, rule = st[0], "criteria.list_intro"
        if status is None:
            st = inherited_status(ctx, ctx.sentence_at(mn.start)[0])
            if st:
                status, rule = st[0], "criteria.continued"
        if status is None:
            continue
        if intro is not None and rule == "criteria.list_intro":
            label = intro.text.strip()
        else:
            label = text[s_start:mn.start].strip(" -+*:") or None
        out.append(CriterionStatement(i, mn, status, rule, label))
    return out


NAMES_OF_UNKNOWN_SET = "ntm-2016"  # names of a set not known (2009, provincial) read with this set's numbering


def _level(ctx: "PreparedDoc", cset: str | None) -> str:
    if cset:
        return criteria_sets()[cset].level
    return "basic"  # a set not known is a commune set of the basic programme (2009, provincial)


def extract_criteria(ctx: "PreparedDoc") -> list[CriterionMention]:
    folded = ctx.folded
    cset = ctx.criteria_set
    level = _level(ctx, cset)
    rows: list[CriterionMention] = []
    mentions = ctx.mentions
    for st in ctx.statements:
        i, mn = st.index, st.mention
        s_start, s_end = ctx.sentence_at(mn.start)
        prev_end = mentions[i - 1].end if i > 0 and mentions[i - 1].end > s_start else s_start
        next_start = mentions[i + 1].start if i + 1 < len(mentions) and mentions[i + 1].start < s_end else s_end
        rows.append(CriterionMention(
            start=mn.start, end=mn.end, rule=st.rule,
            criterion_no=mn.number, name_as_written=mn.name,
            canonical_name=canonical_name(cset, mn.number) if cset else None,
            criteria_set=cset, level=level, status=st.status, period=status_period(ctx, st.period),
            indicator_id=_indicator_for(ctx, folded, mn.number, prev_end, next_start),
            list_label=st.label,
        ))
    rows.extend(_objective_rows(ctx, rows, cset, level))
    rows.extend(_named_list_rows(ctx, cset, level))
    rows.sort(key=lambda r: r.start)
    return rows


def _objective_rows(ctx: "PreparedDoc", found: list[CriterionMention], cset, level) -> list[CriterionMention]:
    """"Mục tiêu: …" paragraphs under an item about one criterion target that criterion."""
    st = ctx.structure
    folded = ctx.folded
    by_line: dict[int, list[CriterionMention]] = defaultdict(list)
    for r in found:
        by_line[ctx.line_at(r.start).index].append(r)
    out = []
    for ln in st.lines:
        if ln.scheme is not None or not _OBJECTIVE.match(folded, ln.start, ln.end):
            continue
        owner, indicator = None, None
        for anc in st.ancestors(ln.index):
            ind = _indicator_for_line(ctx, anc)
            if indicator is None and ind:
                indicator = ind
            if by_line.get(anc.index):
                numbers = {r.criterion_no for r in by_line[anc.index]}
                if len(numbers) == 1:
                    owner = by_line[anc.index][0]
                break
        if owner is None:
            continue
        if indicator and int(indicator.split(".")[0]) != owner.criterion_no:
            indicator = None
        period = ctx.period_in_span(ln.start, ln.end, ln.start) or ctx.default_period("target")
        out.append(CriterionMention(
            start=ln.start, end=ln.end, rule="criteria.objective_paragraph",
            criterion_no=owner.criterion_no, name_as_written=owner.name_as_written,
            canonical_name=owner.canonical_name, criteria_set=cset, level=level,
            status="target", period=period, indicator_id=indicator or owner.indicator_id,
            list_label=ctx.text[owner.start:owner.end],
        ))
    return out


def _indicator_for_line(ctx: "PreparedDoc", line) -> str | None:
    ids = {m.id for m in ctx.indicator_ids_in(line.start, line.end)}
    return ids.pop() if len(ids) == 1 else None


_LIST_OF_CRITERIA = pattern(r"(?<![\p{L}])(?:(?:@{plural_marker:folded})\s+)?(?:@{criterion_terms_loose:folded})\b")


_WORD = regex.compile(r"\S+")
_CLAUSE_END = regex.compile(r"[;(.:]")


def _named_list_start(ctx: "PreparedDoc", head_end: int, e: int) -> int | None:
    """Where the names of a list begin: after its colon, after an opening word ("là",
    "gồm"), or right after "tiêu chí" when a name follows ("đạt tiêu chí thu nhập, hộ nghèo")."""
    colon = ctx.text.find(":", head_end, e)
    opener = list_openers().search(ctx.folded, head_end, colon if colon >= 0 else e)
    if opener and _reason().match(ctx.folded, opener.end(), e):
        return -1  # "… là do …": a reason follows
    ends = [p for p in (colon + 1 if colon >= 0 else None, opener.end() if opener else None) if p is not None]
    if ends:
        return min(ends)
    return None


def _list_region_end(ctx: "PreparedDoc", e: int) -> int:
    """A list that runs on past its line (a hard-wrapped sentence) ends with the next line."""
    line = ctx.line_at(max(e - 1, 0))
    if ctx.text[line.start:line.end].rstrip()[-1:] in ".;:!?":
        return e
    k = line.index + 1
    lines = ctx.structure.lines
    if k < len(lines) and lines[k].start - line.end <= 2 and ctx.text[lines[k].start:lines[k].start + 1].islower():
        return ctx.sentence_at(lines[k].start)[1]
    return e


def _named_list_rows(ctx: "PreparedDoc", cset, level) -> list[CriterionMention]:
    """Criteria named without numbers in a list under a statement of status, e.g. "các tiêu
    chí chưa hoàn thành …: bảo hiểm y tế, hộ nghèo", "còn 3 tiêu chí chưa đạt là giao thông,
    trường học và môi trường", "chưa có xã nào đạt tiêu chí thu nhập, hộ nghèo". Where the
    set is not known, names are read with the numbering of the 2016 set."""
    names_set = cset or NAMES_OF_UNKNOWN_SET
    text = ctx.text
    folded = ctx.folded
    out = []
    if _other_set_size(ctx):
        return out  # names map onto numbers only in a 19-criterion set
    district = _district_document(ctx)
    for s, e in _sentences_naming_criteria(ctx):
        if ctx.has_mention_in(s, e):
            continue
        if district and not _names_commune(ctx, s, e):
            continue
        head = _LIST_OF_CRITERIA.search(folded, s, e)
        if not head:
            continue
        begin = _named_list_start(ctx, head.end(), e)
        if begin == -1:
            continue
        direct = begin is None  # "đạt tiêu chí thu nhập, hộ nghèo": the names follow the word
        if direct:
            begin = head.end()
        stop = _list_region_end(ctx, e)
        if ctx.has_mention_in(e, stop):
            continue
        st = ctx.status_before(s, begin) or (inherited_status(ctx, s) if begin > head.end() else None)
        if not st or _partial_units(ctx, s, begin):
            continue
        status = st[0]
        seen = set()
        names = find_criterion_names(text[begin:stop], names_set)
        if direct:
            names = _adjacent_names(folded, begin, names)
        for nm in names:
            number = nm.number_by_set.get(names_set)
            if number is None or number in seen:
                continue
            seen.add(number)
            start, end = begin + nm.start, begin + nm.end
            out.append(CriterionMention(
                start=start, end=end, rule="criteria.named_list",
                criterion_no=number, name_as_written=text[start:end],
                canonical_name=canonical_name(cset, number) if cset else None, criteria_set=cset, level=level,
                status=status, period=status_period(ctx, ctx.resolve_period(start, status)),
                indicator_id=None, list_label=text[s:begin].strip(" :") or None,
            ))
    return out


def _sentences_naming_criteria(ctx: "PreparedDoc") -> list[tuple[int, int]]:
    """The sentences where a criterion term ("tiêu chí") begins: the only ones a list of
    criteria (`_LIST_OF_CRITERIA`) can open, found by one scan of the document."""
    terms = phrase_starts(tuple(words("criterion_terms_loose")))
    spans, starts = ctx.sentence_spans, ctx._index["sentence_starts"]
    out = []
    pos = 0
    while (hit := terms.search(ctx.folded, pos)) is not None:
        i = bisect.bisect_right(starts, hit.start()) - 1
        if i >= 0 and hit.start() < spans[i][1]:
            out.append(spans[i])
            pos = spans[i][1]  # one term is enough: on to the next sentence
        else:
            pos = hit.start() + 1
    return out


_NAME_GAP = pattern(r"\s*(?:[,;]|\b(?:@{enumeration_joiners:folded})\b)?\s*(?:\b(?:@{criterion_name_lead:folded})\b)?\s*")


def _adjacent_names(folded: str, begin: int, names: list) -> list:
    """The names that follow `begin` one after another, joined only by commas or "và"."""
    out, pos = [], begin
    for nm in names:
        gap = _NAME_GAP.fullmatch(folded, pos, begin + nm.start)
        if gap is None:
            break
        out.append(nm)
        pos = begin + nm.end
    return out


def _district_document(ctx: "PreparedDoc") -> bool:
    from extract.clauses import grammar

    return bool(ctx.phrases(grammar()["district_criteria_markers"]))


# a commune named by its unit word ("xã", "phường")
_COMMUNE_WORD = pattern(r"(?<![\p{L}])(?:@{unit_words_commune:folded})(?![\p{L}])")


def _names_commune(ctx: "PreparedDoc", s: int, e: int) -> bool:
    return _COMMUNE_WORD.search(ctx.folded, s, e) is not None


def _other_set_size(ctx: "PreparedDoc") -> bool:
    """The document counts its criteria out of a total other than 19 ("18/18 tiêu chí")."""
    for fr in ctx.fractions:
        if fr.denominator != 19 and fr.denominator > 1:
            after = ctx.folded[fr.end:fr.end + 12].lstrip()
            if after.startswith(tuple(fold(t) for t in words("criterion_terms_loose"))):
                return True
    return False


@lru_cache(maxsize=1)
def _reason() -> "regex.Pattern[str]":
    from extract.clauses import grammar

    words_ = "|".join(regex.escape(fold(w)) for w in grammar()["reason_words"])
    return regex.compile(rf"\s*(?:{words_})(?![\p{{L}}])")


@lru_cache(maxsize=1)
def list_openers() -> "regex.Pattern[str]":
    from extract.clauses import grammar
    from gazetteer.cues import phrase_pattern

    return phrase_pattern(tuple(grammar()["named_list_openers"]))


COMPONENT = Component(
    name="criteria", record=CriterionMention, run=extract_criteria,
    label="status",
    shown=("criterion_no", "canonical_name", "status", "period", "indicator_id", "criteria_set"),
    requires=("mentions", "statements", "criteria_set", "structure", "sentence_spans", "meta"),
    enums={"criteria_set": ("ntm-2016", "ntm-2021", "ntm-nc-2021", "ntm-km-2021"),
           "level": ("basic", "advanced", "model"), "status": ("met", "unmet", "target")},
)
