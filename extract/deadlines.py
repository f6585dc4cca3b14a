"""Deadlines: every dated commitment ("hoàn thành trước 30/9/2022", "phấn đấu trong năm 2024").

A date (day, month, quarter, year or part of a year, from `extract.dates`) is a
deadline when its statement commits to it: a relation that commits by itself
("trước", "chậm nhất đến") or a commitment cue in its sentence ("phấn đấu",
"mục tiêu", "hoàn thành", "thời gian thực hiện" …; gazetteer/data/deadline_words.yaml).
Not deadlines: the document's date line, dates of cited documents ("Quyết định
số … ngày 08/3/2022", sentences that open with "Căn cứ"/"Thực hiện" + a
document), year ranges ("giai đoạn 2021-2025"), dates before the time of
writing (past results), a year that only labels a plan or target set ("Kế
hoạch … năm 2022", "chỉ tiêu xây dựng NTM năm 2024"), and a weakly related date
("Đến quý I năm 2024 xã đạt …") whose sentence has no commitment cue.

The relation is read from the words before the date ("trước" before, "đến"/"vào"
by, "trong" during); without one a year or quarter is the period during which
the aim falls, a day or month the date by which it is due, and a part of a year
("cuối năm 2023") the year by which it is due.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.component import Component
from extract.dates import DateMatch, parse_issued_line, relation_before
from extract.records import Deadline
from gazetteer.criteria import find_criterion_names
from gazetteer.cues import phrase_pattern, phrase_starts
from gazetteer.doccodes import type_word_pattern, type_words
from gazetteer.lexicon import expand, load_data, pattern, prefix_alternation, words_alternation
from gazetteer.lexicon import words as lexicon_words
from gazetteer.text import fold, match_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc
    from extract.structure import Line

CITATION_GAP = 24  # max chars between a document number (or type word) and its date
CUTOFF_GAP = 30  # max chars between "tính đến" and the date it cuts off at
TASK_MAX_CHARS = 140
MIN_TASK_WORDS = 3  # a shorter remainder ("Thời gian thực hiện xong") takes the item's text

_DEFAULT_RELATION = {"year": "during", "quarter": "during", "month": "by", "day": "by"}
_DOC_NUMBER = regex.compile(r"(?<![\p{L}\d])\d+(?:\s?/\s?\d+)*\s?[/-]\s?\p{Lu}[\p{L}\d]*(?:\s?[-/]\s?\p{L}[\p{L}\d]*)*")


_PLURAL_CRITERIA = pattern(r"(?<![\p{L}])(?:@{plural_determiners:folded}|\d+)\s+(?:@{criteria_or_indicators:folded})(?![\p{L}])")  # on folded text
# The nouns a _PLURAL_CRITERIA match ends with, as written: a standard `re` scan tells where none is.
_CRITERIA_NOUNS = re.compile(prefix_alternation(fold(w) for w in lexicon_words("criteria_or_indicators")))
_LIST_MARK = regex.compile(r"[\s\-+*•]*")


@lru_cache(maxsize=None)
def deadline_words() -> dict:
    """The word lists of `gazetteer/data/deadline_words.yaml`."""
    return load_data("deadline_words.yaml")


@lru_cache(maxsize=None)
def _pattern(key: str) -> "regex.Pattern[str]":
    return phrase_pattern(deadline_words()[key])


@lru_cache(maxsize=None)
def _after_year() -> "regex.Pattern[str]":
    return regex.compile(r"\s+" + _pattern("this_year_after").pattern)


@lru_cache(maxsize=None)
def _type_words() -> "regex.Pattern[str]":
    return regex.compile(rf"(?<![\p{{L}}]){type_word_pattern(folded=True)}(?![\p{{L}}])")


@lru_cache(maxsize=None)
def _actor_pattern() -> "regex.Pattern[str]":
    alts = words_alternation(deadline_words()["actor_heads"])
    # the head, then its name: capitalised words, "xã"/"huyện", joined by spaces or " - "
    name = expand(r"(?:\s*[-–]\s*|\s+)(?:\p{Lu}[\p{L}\d]*|@{actor_name_words})")
    return regex.compile(rf"(?P<actor>(?:{alts})(?![\p{{L}}])(?:{name})*)")


@lru_cache(maxsize=None)
def _type_words_written() -> "re.Pattern[str]":
    """Where a `_type_words` match may begin: the type words as written, word bounds aside."""
    return re.compile(prefix_alternation(fold(w) for w in type_words()))


@dataclass
class _Candidate:
    date: DateMatch
    relation: str
    relation_start: int
    strong: bool


# --------------------------------------------------------------- exclusions


def _is_date_line(ctx: "PreparedDoc", line: "Line") -> bool:
    return line.index < ctx.structure.first_section and parse_issued_line(line.text) is not None


# between a document number and its date: "số 31/QĐ-UBND, ngày …"
_CITATION_DATE_GAP = pattern(r"[\s,;]*(?:(?i:@{citation_date_leads}))?[\s,]*")


# between a document type and its date: "Quyết định số … ngày"
_TYPE_DATE_GAP = pattern(r"[\s,]*(?:(?:@{number_word:folded})\s+)?[\s,]*(?:@{day_word:folded})\s*")


def _is_citation(ctx: "PreparedDoc", d: DateMatch) -> bool:
    """A date right after a document number or type word ("… số 31/QĐ-UBND ngày 08/01/2024")."""
    text = ctx.text
    window_start = max(0, d.start - CITATION_GAP - 40)
    before = text[window_start:d.start]
    for m in _DOC_NUMBER.finditer(before):
        gap = before[m.end():]
        if len(gap) <= CITATION_GAP and _CITATION_DATE_GAP.fullmatch(gap):
            return True
    folded_before = ctx.folded[window_start:d.start]
    written = _type_words_written().search(folded_before)  # most dates follow no type word
    for m in _type_words().finditer(folded_before, written.start()) if written else ():
        gap = folded_before[m.end():]
        if _TYPE_DATE_GAP.fullmatch(gap):
            return True
    return False


# the filler words between "Căn cứ" and the document it cites
_CITATION_FILLER = pattern(r"\s*(?:(?:@{citation_fillers:folded})\s+)?")


def _is_citation_sentence(ctx: "PreparedDoc", start: int) -> bool:
    """A sentence that opens with "Căn cứ"/"Thực hiện" + a cited document."""
    folded = ctx.folded
    s, e = ctx.sentence_at(start)
    lead = _LIST_MARK.match(folded, s, e)
    pos = lead.end() if lead else s
    opener = match_at(_pattern("citation_openers"), folded, pos)
    if opener is None:
        return False
    rest = _CITATION_FILLER.match(folded[opener.end():e])
    cited = match_at(_type_words(), folded, opener.end() + (rest.end() if rest else 0))
    if cited is None:
        return False
    if match_at(_pattern("citation_openers_strong"), folded, opener.start()):
        return True
    # "Theo kế hoạch đặt ra, năm 2019 …" names no document; "Thực hiện Kế hoạch số 45/KH-UBND …" does
    return bool(_DOC_NUMBER.search(ctx.text, cited.end(), min(e, cited.end() + CITATION_GAP)))


# between a status cut-off ("tính đến") and its year
_CUTOFF_YEAR_GAP = pattern(r"\s*(?:@{year_word:folded})?\s*")


def _is_cutoff(ctx: "PreparedDoc", d: DateMatch) -> bool:
    """A status cut-off: "tính đến cuối năm 2023, … đạt …" states how things stand then."""
    folded = ctx.folded
    s, _ = ctx.sentence_at(d.start)
    lead = _pattern("status_cutoffs")
    return any(not folded[m.end():d.start].strip(" ,") or _CUTOFF_YEAR_GAP.fullmatch(folded[m.end():d.start])
               for m in lead.finditer(folded, max(s, d.start - CUTOFF_GAP), d.start))


_LEAD = regex.compile(r"[\s\-+*•]*")  # a line's bullet and spaces


def _is_cited_horizon(ctx: "PreparedDoc", d: DateMatch) -> bool:
    """The horizon of a cited document: "Nghị quyết đã xác định mục tiêu … đến năm 2020"
    (a sentence whose subject is a document, with a verb of having set it before the date)."""
    folded = ctx.folded
    s, _ = ctx.sentence_at(d.start)
    lead = _LEAD.match(folded, s, d.start)
    subject = match_at(_type_words(), folded, lead.end() if lead else s)
    return subject is not None and bool(_cues(folded, subject.end(), d.start, "horizon_verbs"))


def _in_range(ranges: list[tuple[int, int]], starts: list[int], d: DateMatch) -> bool:
    """Whether the date overlaps one of `ranges` (sorted, not overlapping one another; `starts` their starts)."""
    i = bisect.bisect_left(starts, d.end) - 1
    return i >= 0 and ranges[i][1] > d.start


def _is_past(ctx: "PreparedDoc", d: DateMatch) -> bool:
    """Before the time of writing: the year (or month) of the issued date, else the plan year."""
    meta = ctx.meta
    ref = meta.issued_date or (str(meta.plan_year) if meta.plan_year else None)
    if not ref:
        return False
    year, ref_year = int(d.iso[:4]), int(ref[:4])
    if year != ref_year:
        return year < ref_year
    if len(ref) >= 7 and d.precision in ("month", "day"):
        return d.iso[:7] < ref[:7]
    return False


# ------------------------------------------------------------- commitment


@lru_cache(maxsize=None)
def _written(key: str) -> "re.Pattern[str]":
    """Where a phrase of `_pattern(key)` may begin: its phrases as written, word bounds aside."""
    return phrase_starts(tuple(deadline_words()[key]))


def _phrases_in(folded: str, start: int, end: int, key: str) -> list["regex.Match[str]"]:
    """What `_pattern(key).finditer(folded, start, end)` finds, scanned from the first place a
    standard `re` pattern of the phrases finds one written: most windows hold none."""
    written = _written(key).search(folded, start, end)
    return list(_pattern(key).finditer(folded, written.start(), end)) if written else []


def _cues(folded: str, start: int, end: int, key: str) -> list["regex.Match[str]"]:
    found = _phrases_in(folded, start, end, key)
    if not found:
        return found  # most windows hold no cue: the exclusions are not looked for
    excluded = [(m.start(), m.end()) for m in _phrases_in(folded, start, end, "cue_exclusions")]
    return [m for m in found if not any(a <= m.start() < b for a, b in excluded)]


def _clause_start(text: str, s: int, pos: int) -> int:
    """Start of the clause holding `pos`: after the last ".;:(" of its sentence before it."""
    cut = max(text.rfind(ch, s, pos) for ch in ".;:(")
    return cut + 1 if cut >= s else s


def _labels_a_plan(ctx: "PreparedDoc", d: DateMatch) -> bool:
    """A bare year right after a label noun ("Kế hoạch … năm 2022"), no achievement verb between."""
    text = ctx.text
    folded = ctx.folded
    s, _ = ctx.sentence_at(d.start)
    c = _clause_start(text, s, d.start)
    if match_at(_after_year(), folded, d.end):
        return False  # "Theo kế hoạch, năm 2022 này, …": the year of writing, not a plan's label
    labels = _cues(folded, c, d.start, "label_nouns")
    if not labels:
        return False
    verbs = _cues(folded, c, d.start, "achievement_verbs")
    return not verbs or verbs[-1].start() < labels[-1].start()


def _commits(ctx: "PreparedDoc", cand: _Candidate) -> bool:
    """A strong relation commits; otherwise a commitment cue in the sentence must be nearer
    the date than any mark of a finished action ("đã hoàn thành")."""
    if cand.strong:
        return True
    folded = ctx.folded
    s, e = ctx.sentence_at(cand.date.start)
    past = _cues(folded, s, e, "past_markers")
    cues = [m for m in _cues(folded, s, e, "commitment_cues")
            if not any(p.start() <= m.start() < p.end() for p in past)]
    if not cues and cand.date.part != "end":
        # an event listed under a "THỜI GIAN THỰC HIỆN" / "Tiến độ" heading is scheduled by it
        return not past and _under_schedule_heading(ctx, cand.date.start)
    if past:
        def distance(m) -> int:
            return min(abs(m.start() - cand.date.start), abs(m.end() - cand.date.end))

        nearest_past = min(distance(m) for m in past)
        if not cues or nearest_past < min(distance(m) for m in cues):
            return False
    return True


def _under_schedule_heading(ctx: "PreparedDoc", offset: int) -> bool:
    folded = ctx.folded
    line = ctx.line_at(offset)
    for anc in ctx.structure.ancestors(line.index):
        if anc.index != line.index and anc.is_heading and _pattern("schedule_headings").search(folded, anc.start, anc.end):
            return True
    return False


def _candidates(ctx: "PreparedDoc") -> list[_Candidate]:
    text = ctx.text
    folded = ctx.folded
    ranges = [(p.start, p.end) for p in ctx.all_periods if p.kind == "range"]
    range_starts = [a for a, _ in ranges]
    strong_words = _pattern("strong_relations")
    strong_leads = _pattern("strong_relation_leads")
    out = []
    for d in sorted(ctx.dates + ctx.relative_dates, key=lambda d: d.start):
        if _in_range(ranges, range_starts, d) or _is_past(ctx, d):  # the cheap tests first
            continue
        if _is_cutoff(ctx, d) or _is_cited_horizon(ctx, d):
            continue
        if _is_date_line(ctx, ctx.line_at(d.start)) or _is_citation(ctx, d) or _is_citation_sentence(ctx, d.start):
            continue
        rel = relation_before(text, d)
        if rel is not None and rel[1] < d.start:
            relation, rel_start = rel
            written = folded[rel_start:d.start]
            lead = folded[max(0, rel_start - 20):rel_start]
            strong = relation == "before" or bool(strong_words.match(written)) or any(
                m.end() >= len(lead.rstrip()) for m in strong_leads.finditer(lead)
            )
        else:
            relation = "by" if d.part is not None else _DEFAULT_RELATION[d.precision]
            rel_start, strong = d.start, False
            if d.precision == "year" and _labels_a_plan(ctx, d):
                continue
        out.append(_Candidate(d, relation, rel_start, strong))
    return out


# ------------------------------------------------------------------ fields


def _parenthesis(ctx: "PreparedDoc", cand: _Candidate) -> tuple[int, int, int] | None:
    """(start of the words it qualifies, "(" offset, ")" offset) for a deadline written in
    parentheses after what it applies to: "trường lớp học MN, THCS (Phấn đấu hoàn thành trước …)"."""
    text = ctx.text
    s, e = ctx.sentence_at(cand.date.start)
    open_at = text.rfind("(", s, cand.relation_start)
    if open_at < 0 or text.find(")", open_at, cand.relation_start) >= 0:
        return None
    close = text.find(")", cand.date.end, e)
    if close < 0:
        close = e
    prev = max(text.rfind(")", s, open_at), *(text.rfind(ch, s, open_at) for ch in ":;."))
    return (prev + 1 if prev >= s else s), open_at, close


def _segment(ctx: "PreparedDoc", cand: _Candidate, dates: list[_Candidate]) -> tuple[int, int]:
    """The part of the sentence that belongs to this date: its clause, split at commas
    between neighbouring dates of the same clause."""
    text = ctx.text
    paren = _parenthesis(ctx, cand)
    if paren is not None:
        return paren[0], paren[2]
    s, e = ctx.sentence_at(cand.date.start)
    a = _clause_start(text, s, cand.relation_start)
    nxt = [text.find(ch, cand.date.end, e) for ch in ";."]
    b = min([x for x in nxt if x >= 0] or [e])
    for other in dates:
        if other is cand:
            continue
        if a <= other.date.start < cand.date.start:
            comma = text.rfind(",", other.date.end, cand.relation_start)
            a = max(a, comma + 1 if comma >= 0 else other.date.end)
        elif cand.date.end <= other.date.start < b:
            comma = text.rfind(",", cand.date.end, other.relation_start)
            b = min(b, comma if comma >= 0 else other.relation_start)
    return a, b


def _task(ctx: "PreparedDoc", cand: _Candidate, seg: tuple[int, int]) -> str | None:
    """What must be done, as written: the statement around the date without the date, its
    relation and lead cue words; a parenthesised deadline takes the words before the
    parenthesis; a statement that says only when ("Thời gian thực hiện xong …") takes its item."""
    text = ctx.text
    folded = ctx.folded
    a, b = seg
    paren = _parenthesis(ctx, cand)
    if paren is not None:
        inner = " ".join(f"{text[paren[1] + 1:cand.relation_start]} {text[cand.date.end:paren[2]]}".split())
        inner = _strip_lead_words(_strip_lead_words(inner.strip(" ,.;:-–*")))
        outer = " ".join(text[paren[0]:paren[1]].split()).strip(" ,.;:-–*")
        task = f"{outer}: {inner}" if len(inner.split()) >= MIN_TASK_WORDS else outer
        return task[:TASK_MAX_CHARS].rsplit(" ", 1)[0] if len(task) > TASK_MAX_CHARS else (task or None)
    before_start = a
    cues = [m for m in _cues(folded, a, cand.relation_start, "commitment_cues")]
    if cues:
        comma = text.rfind(",", a, cues[-1].start())
        if comma >= 0:
            before_start = comma + 1
    after = match_at(_after_year(), folded, cand.date.end)  # "năm 2022 này": "này" goes with the date
    parts = [text[before_start:cand.relation_start], text[after.end() if after else cand.date.end:b]]
    if parts[0].rstrip().endswith(",") and parts[1].lstrip().startswith(","):
        parts[0] = ""  # "Theo kế hoạch, năm 2026 này, huyện phấn đấu …": the lead before the date says no task
    remainder = " ".join(" ".join(p.split()) for p in parts)
    remainder = _strip_lead_words(remainder.strip(" ,.;:()-–*"))
    if len(remainder.split()) < MIN_TASK_WORDS:
        line = ctx.line_at(cand.date.start)
        for anc in ctx.structure.ancestors(line.index):
            body = " ".join(ctx.text[anc.body_start:anc.end].split()).strip(" ,.;:")
            if body:
                remainder = f"{body}: {remainder}" if remainder else body
                break
    remainder = remainder.strip(" ,.;:()-–*")
    if len(remainder) > TASK_MAX_CHARS:
        remainder = remainder[:TASK_MAX_CHARS].rsplit(" ", 1)[0]
    return remainder or None


def _strip_lead_words(task: str) -> str:
    """Drop cue words that open a task ("Phấn đấu", "Thời gian thực hiện xong") and say only when."""
    pattern = _pattern("task_lead_words")
    while True:
        folded = fold(task)
        m = pattern.match(folded)
        if m is None:
            return task
        task = task[m.end():].strip(" ,.;:()-–*")


def _names_several(folded: str, start: int, end: int) -> bool:
    """Whether folded[start:end] speaks of several criteria ("các tiêu chí", "05 tiêu chí")."""
    return _CRITERIA_NOUNS.search(folded, start, end) is not None and _PLURAL_CRITERIA.search(folded, start, end) is not None


def _criterion(ctx: "PreparedDoc", cand: _Candidate, seg: tuple[int, int]) -> int | None:
    """The one criterion the statement is about; None when it names several or none."""
    folded = ctx.folded
    s, e = ctx.sentence_at(cand.date.start)

    def written(a: int, b: int) -> set[int] | None:
        numbers = {mn.number for mn in ctx.mentions_in(a, b)}
        numbers |= {m.criterion for m in ctx.indicator_ids_in(a, b)}
        return numbers or None

    numbers = written(s, e)
    if numbers:
        return numbers.pop() if len(numbers) == 1 else None
    if _names_several(folded, s, e):
        return None
    cset = ctx.criteria_set
    if cset:
        names = {m.number_by_set[cset] for m in find_criterion_names(ctx.text[seg[0]:seg[1]], cset)
                 if cset in m.number_by_set}
        if names:
            return names.pop() if len(names) == 1 else None
    line = ctx.line_at(cand.date.start)
    for anc in ctx.structure.ancestors(line.index):
        numbers = written(anc.start, anc.end)
        if numbers:
            return numbers.pop() if len(numbers) == 1 else None
        if _names_several(folded, anc.start, anc.end):
            return None
    return None


def _actor_at(ctx: "PreparedDoc", start: int, end: int) -> str | None:
    """An actor's name opening text[start:end] (after lead words such as "Riêng")."""
    text = ctx.text
    folded = ctx.folded
    pos = start + len(text[start:end]) - len(text[start:end].lstrip(" -+*•:"))
    lead = match_at(_pattern("actor_lead_words"), folded, pos)
    if lead:
        pos = lead.end() + len(text[lead.end():end]) - len(text[lead.end():end].lstrip())
    m = _actor_pattern().match(text, pos, end)
    if m is None:
        return None
    return m.group("actor").strip(" -–")


def _responsible(ctx: "PreparedDoc", cand: _Candidate, seg: tuple[int, int]) -> str | None:
    """The subject of the statement when it is an actor, else the numbered item heading
    (an officer or body) the statement sits under."""
    text = ctx.text
    s, e = ctx.sentence_at(cand.date.start)
    c = _clause_start(text, s, cand.relation_start)
    for start in (c, s):
        actor = _actor_at(ctx, start, e)
        if actor:
            return actor
    line = ctx.line_at(cand.date.start)
    for anc in ctx.structure.ancestors(line.index):
        if anc.scheme is None or not anc.is_heading:
            continue
        body = text[anc.body_start:anc.end].strip(" .:")
        if _actor_at(ctx, anc.body_start, anc.end) is not None:
            return body
    return None


# ------------------------------------------------------------------- rows


def extract_deadlines(ctx: "PreparedDoc") -> list[Deadline]:
    cands = [c for c in _candidates(ctx) if _commits(ctx, c)]
    by_sentence: dict[tuple[int, int], list] = {}
    for c in cands:
        by_sentence.setdefault(ctx.sentence_at(c.date.start), []).append(c)
    rows: list[Deadline] = []
    seen: set[tuple[int, str]] = set()
    for cand in cands:
        d = cand.date
        sentence = ctx.sentence_at(d.start)
        due = d.iso if d.part is None else d.iso[:4]
        if (sentence[0], due) in seen:
            continue  # one row per statement and date
        seen.add((sentence[0], due))
        same_sentence = by_sentence[sentence]
        seg = _segment(ctx, cand, same_sentence)
        precision = "year" if d.part is not None else d.precision
        rows.append(Deadline(
            start=min(cand.relation_start, d.start), end=d.end,
            rule="deadlines.strong_relation" if cand.strong else "deadlines.commitment_cue",
            due=due, precision=precision, relation=cand.relation,
            task=_task(ctx, cand, seg), criterion_no=_criterion(ctx, cand, seg),
            responsible=_responsible(ctx, cand, seg),
        ))
    return rows


COMPONENT = Component(
    name="deadlines", record=Deadline, run=extract_deadlines,
    label="relation",
    shown=("due", "relation", "task", "responsible", "criterion_no"),
    requires=("dates", "all_periods", "mentions", "criteria_set", "structure", "sentence_spans", "meta"),
    enums={"precision": ("day", "month", "quarter", "year"), "relation": ("before", "by", "during")},
)
