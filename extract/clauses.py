"""The status of a clause: cue phrases read with the words that govern them.

A status statement is subject (units and their count, or a commune), a status
phrase (a verb with its adverbs and negation) and its object (criteria by
number, by name, as a list or a count). The cue phrases of `gazetteer/data/
cues.yaml` carry their status ("chưa đạt", "đã đạt", "phấn đấu"); the verbs of
`extract/data/status_clauses.yaml` ("đạt", "đạt được", "đạt chuẩn") take theirs
from what governs them:

- a negation earlier in their clause makes them unmet ("chưa có xã nào đạt"), and so
  does a shortfall cue they are coordinated with ("cần khắc phục và đạt được");
- else an aim (a target cue) earlier in their sentence, with no stated state
  between, makes them targets: one target verb governs a series ("phấn đấu có
  thêm 6 xã đạt chuẩn, 2 xã đạt chuẩn nâng cao");
- a weak verb opening its sentence is a plan's order: a target ("Hoàn thành tiêu chí 2");
- else they are met ("xã hiện đạt 14 tiêu chí", "đã cơ bản đạt", "cán đích").

A cue right after a purpose marker ("để hoàn thiện", "mới đảm bảo về đích") is an
aim: a target. Names that contain a cue word ("Chương trình mục tiêu quốc gia")
state nothing.
"""
from __future__ import annotations

import bisect
import re
from functools import lru_cache
from typing import TYPE_CHECKING, Iterable

import regex

from gazetteer.cues import Cue, PhraseList, find_status_cues, phrase_list, phrase_pattern, phrase_starts, status_words
from gazetteer.datafiles import load_data

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

_CLAUSE_BREAK = regex.compile(r"[,;:.()\n]")
_WORD = regex.compile(r"\S+")


@lru_cache(maxsize=1)
def grammar() -> dict:
    return load_data("status_clauses.yaml")


@lru_cache(maxsize=None)
def _phrases(key: str) -> tuple[str, ...]:
    return tuple(grammar()[key])


def _pattern(key: str) -> "regex.Pattern[str]":
    return phrase_pattern(_phrases(key))


@lru_cache(maxsize=None)
def _phrase_list(key: str) -> PhraseList:
    return phrase_list(_phrases(key))


def _found(key: str, ftext: str, start: int, end: int) -> "Iterable[regex.Match[str]]":
    """The phrases of one grammar list written in ftext[start:end]."""
    return _phrase_list(key).within(ftext, start, end)


def _masked(ftext: str, start: int, end: int) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _found("not_cues", ftext, max(0, start - 40), end)]


def _negated(ftext: str, verb_start: int, lo: int) -> bool:
    """A negation in the verb's clause, at most `negation_reach` words before it."""
    clause_lo = lo
    for m in _CLAUSE_BREAK.finditer(ftext, lo, verb_start):
        clause_lo = m.end()
    window = ftext[clause_lo:verb_start]
    for m in _found("negation", window, 0, len(window)):
        if len(_WORD.findall(window[m.end():])) <= grammar()["negation_reach"]:
            return True
    return False


def status_cues(ftext: str, start: int = 0, end: int | None = None, scope_start: int | None = None) -> list[Cue]:
    """Status cues in ftext[start:end] (the document's fold, `PreparedDoc.folded`), each with
    the status the clause gives it.

    `scope_start` is where the governing words may begin (the sentence start);
    it defaults to `start`."""
    end = len(ftext) if end is None else end
    if not _may_state(ftext, start, end):
        return []  # most windows: no cue nor verb written in them, whatever governs them
    lo = start if scope_start is None else min(scope_start, start)
    masks = _masked(ftext, lo, end)

    def free(s: int, e: int) -> bool:
        return not masks or not any(ms <= s and e <= me for ms, me in masks)

    purposes = [m.end() for m in _found("purpose_markers", ftext, max(0, lo - 20), end)]

    def purpose(s: int) -> bool:
        return bool(purposes) and any(pe <= s and len(_WORD.findall(ftext[pe:s])) <= grammar()["purpose_reach"]
                   and not _CLAUSE_BREAK.search(ftext, pe, s) for pe in purposes)

    strong = [c if not purpose(c.start) else Cue(c.start, c.end, "target")
              for c in find_status_cues(ftext, lo, end) if free(c.start, c.end)]
    weak = []
    for m in _found("weak_verbs", ftext, lo, end):
        if free(m.start(), m.end()) and not any(c.start < m.end() and m.start() < c.end for c in strong):
            weak.append((m.start(), m.end()))
    resolved: list[Cue] = []
    items = sorted([(c.start, c.end, c) for c in strong] + [(ws, we, None) for ws, we in weak], key=lambda t: t[0])
    for ws, we, cue in items:
        if cue is not None:
            resolved.append(cue)
            continue
        if purpose(ws) or _opens_sentence(ftext, lo, ws):
            kind = "target"
        elif _negated(ftext, ws, lo):
            kind = "unmet"
        else:
            before = resolved[-1] if resolved else None
            kind = "met"
            if before is not None and before.kind == "target":
                kind = "target"  # one aim governs the verbs after it: "phấn đấu có thêm 6 xã đạt chuẩn, …"
            elif before is not None and before.kind == "unmet" and not _CLAUSE_BREAK.search(ftext, before.end, ws):
                kind = "unmet"  # coordinated with a shortfall: "cần khắc phục và đạt được …"
        resolved.append(Cue(ws, we, kind))
    # in text order, as `items` are; a weak verb's own words ("đạt chuẩn") inside a stronger
    # phrase were dropped above
    return [c for c in resolved if c.start >= start]


def _may_state(ftext: str, start: int, end: int) -> bool:
    """Whether a status cue or a status verb is written (word bounds aside) in ftext[start:end]."""
    return _stating_words().search(ftext, start, end) is not None


@lru_cache(maxsize=1)
def _stating_words() -> "re.Pattern[str]":
    """The status cues and the status verbs, as written, in one standard `re` pattern."""
    return phrase_starts((*status_words(), *_phrases("weak_verbs")))


_LEAD = regex.compile(r"[\s\-+*•\d.)]*")
_BULLET_LEAD = regex.compile(r"[\s\-+*•]*")


def _opens_sentence(ftext: str, lo: int, pos: int) -> bool:
    lead = _LEAD.fullmatch(ftext, lo, pos)
    return lead is not None


def status_before(ctx: "PreparedDoc", start: int, end: int, scope_start: int | None = None) -> tuple[str, int] | None:
    """The status cue nearest the end of text[start:end] (the one that governs what follows)."""
    cues = status_cues(ctx.folded, start, end, scope_start)
    if not cues:
        return None
    return cues[-1].kind, cues[-1].start


def statement_span(ctx: "PreparedDoc", offset: int) -> tuple[int, int]:
    """The sentence at `offset` with the sentences of its line joined to it by ";" (one
    statement: a series under one verb, "…; 1 xã đạt chuẩn kiểu mẫu")."""
    s, e = ctx.sentence_at(offset)
    line = ctx.line_at(offset)
    spans = ctx.sentence_spans
    i = bisect.bisect_right(ctx._index["sentence_starts"], offset) - 1
    if i < 0 or spans[i] != (s, e):
        return s, e
    j = i
    while j > 0 and spans[j - 1][0] >= line.start and ctx.text[spans[j - 1][0]:spans[j - 1][1]].rstrip().endswith(";"):
        j -= 1
    k = i
    while k + 1 < len(spans) and spans[k + 1][1] <= line.end and ctx.text[spans[k][0]:spans[k][1]].rstrip().endswith(";"):
        k += 1
    return spans[j][0], spans[k][1]


def _opens_continuation(ftext: str, s: int, e: int) -> bool:
    m = _pattern("continuation_openers").match(ftext, s, e)
    if m is None:
        head = _BULLET_LEAD.match(ftext, s, e)
        m = _pattern("continuation_openers").match(ftext, head.end() if head else s, e)
    return m is not None


def inherited_status(ctx: "PreparedDoc", sentence_start: int) -> tuple[str, int] | None:
    """The status a sentence inherits from the one before it (same line) when it opens
    with a continuation ("Cụ thể", "Trong đó") or follows a sentence ending in a colon."""
    s, e = ctx.sentence_at(sentence_start)
    line = ctx.line_at(s)
    prev = None
    spans = ctx.sentence_spans
    i = bisect.bisect_left(ctx._index["sentence_starts"], s)  # the sentences before this one, in order
    if i and spans[i - 1][1] <= s and spans[i - 1][0] >= line.start:
        prev = spans[i - 1]
    if prev is None:
        # the sentence before may end the previous paragraph line
        idx = line.index - 1
        if idx < 0 or not _opens_continuation(ctx.folded, s, e):
            return None
        pl = ctx.structure.lines[idx]
        while not ctx.text[pl.start:pl.end].strip() and idx > 0:
            idx -= 1
            pl = ctx.structure.lines[idx]
        starts = ctx._index["sentence_starts"]
        j = bisect.bisect_left(starts, pl.end)  # the last sentence starting inside that line
        if j == 0 or starts[j - 1] < pl.start:
            return None
        prev = spans[j - 1]
    elif not (_opens_continuation(ctx.folded, s, e) or ctx.text[prev[0]:prev[1]].rstrip().endswith(":")):
        return None
    return ctx.status_before(prev[0], prev[1])


_MONTH = regex.compile(r"^(\d{4})-(\d{2})(?:-\d{2})?$")
DOCUMENT_HEAD = 1500  # chars at the top of a document where its date line or title year stands


def document_period(ctx: "PreparedDoc") -> str | None:
    """The year a document speaks from when its metadata gives none: its first full date
    (a page's date line, "Cập nhật lúc: 08/11/2018"), else the latest year in its head."""
    for d in ctx.dates:
        if d.precision == "day" and d.iso[:4].isdigit():
            return d.iso[:4]
    years = [p.period[:4] for p in ctx.periods_in(0, DOCUMENT_HEAD) if p.period and p.period[:4].isdigit()]
    return max(years) if years else None


def status_period(ctx: "PreparedDoc", period: str | None) -> str | None:
    """A statement's period as the contract writes it: a year or a quarter ("tháng 10 năm
    2018" → "2018"); when the text gives none, the year the document speaks from."""
    if period is None:
        period = document_period(ctx)
    if period is None:
        return None
    m = _MONTH.match(period)
    return m.group(1) if m else period
