"""The prepare step: one read-only view of a document that every component reads.

`prepare(doc)` computes, once and in this order, everything more than one
component needs:

1. the text and its length-preserving fold, the tables of the document;
2. the structure (headings, list items with their introducing line) and the
   sentence spans;
3. the number layer: every date, period, fraction, range, percentage,
   money amount and plain number written in the text, with its value and span,
   the written computations ("100 - 29 = 71/1.784 = 3,97%") and the numbers
   with the unit they count ("87 tiêu chí", "1.286 tiêu chí/92 xã");
4. the numbered criterion mentions ("tiêu chí số 5 …"), the indicator ids
   written with their lead word ("Mục 15.1", "chỉ tiêu 17.8") and the
   criteria set they vote for;
5. the document metadata (which reads the criteria set), and from its date
   the phrases naming the year of writing ("năm nay", "cuối năm") as dates;
6. the status statements about criteria (met, unmet, target) with their
   periods, and from them the period of the latest met/unmet statement of each
   section, which later statements that name no period inherit.

The result is frozen: components (extractors and audit checks) receive it,
read it and return records; none can leave state for another, so the order in
which they run does not change their output.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extract.computations import Computation, find_computations
from extract.criteria import (CriterionStatement, IndicatorId, NumberedMention, criterion_statements, find_indicator_ids,
                              find_numbered_mentions, infer_criteria_set)
from extract.dates import (DateMatch, PeriodMatch, find_dates, find_relative_dates, periods_of_dates, periods_of_head,
                           year_windows)
from extract.metadata import extract_metadata
from extract.numbers import FractionMatch, MoneyMatch, NumberMatch, PercentMatch, RangeMatch, find_fractions, find_numbers, find_percentages, find_ranges, find_vnd_amounts
from extract.records import DocumentMeta
from extract.structure import Line, Structure, parse_structure, sentences
from gazetteer.cues import find_family, phrase_matches, phrase_pattern
from gazetteer.text import fold, match_at
from normalize.document import NormalizedDoc

if TYPE_CHECKING:
    import regex

COMPARISON_GAP = 6  # chars between "so với" and the period it compares with


@dataclass(frozen=True, eq=False)
class PreparedDoc:
    """A normalized document with every shared view computed (see the module docstring)."""

    doc: NormalizedDoc
    text: str
    folded: str
    tables: tuple = ()
    structure: Structure = None  # type: ignore[assignment]
    sentence_spans: tuple[tuple[int, int], ...] = ()
    dates: tuple[DateMatch, ...] = ()
    all_periods: tuple[PeriodMatch, ...] = ()  # years, quarters, months and ranges
    fractions: tuple[FractionMatch, ...] = ()
    ranges: tuple[RangeMatch, ...] = ()
    percentages: tuple[PercentMatch, ...] = ()
    amounts: tuple[MoneyMatch, ...] = ()
    numbers: tuple[NumberMatch, ...] = ()  # every written number with its kind (extract.numbers.find_numbers)
    computations: tuple[Computation, ...] = ()  # written arithmetic: "100 - 29 = 71/1.784 = 3,97%"
    mentions: tuple[NumberedMention, ...] = ()
    indicator_ids: tuple[IndicatorId, ...] = ()  # "Mục 15.1": an indicator named by its id
    criteria_set: str | None = None
    meta: DocumentMeta = None  # type: ignore[assignment]
    relative_dates: tuple[DateMatch, ...] = ()  # "năm nay", "cuối năm" resolved to the year of writing
    statements: tuple[CriterionStatement, ...] = ()
    # section index -> (offsets, periods) of its met/unmet statements, in text order
    status_periods: dict[int, tuple[list[int], list[str]]] = field(default_factory=dict)
    _index: dict[str, Any] = field(default_factory=dict, repr=False)

    # -- positions ---------------------------------------------------------

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._index["sentence_starts"], offset) - 1
        if i < 0:
            return (0, 0)
        return self.sentence_spans[i]

    @property
    def date_starts(self) -> list[int]:
        """Start offsets of `dates`, for bisecting."""
        return self._index["date_starts"]

    def line_at(self, offset: int) -> Line:
        return self.structure.line_at(offset)

    def intro_line(self, line: Line) -> Line | None:
        return self.structure.lines[line.intro] if line.intro is not None else None

    def section_of(self, line: Line) -> int:
        """The heading a line belongs to (list members are not sections)."""
        for anc in self.structure.ancestors(line.index):
            if anc.is_heading and anc.intro is None:
                return anc.index
        return -1

    def items_introduced_by(self, line: Line) -> list[Line]:
        """The list items whose list `line` introduced (and which it encloses)."""
        return self._index["introduced"].get(line.index, [])

    def mentions_in(self, start: int, end: int) -> list[NumberedMention]:
        """Numbered criterion mentions that start in [start, end)."""
        starts = self._index["mention_starts"]
        return list(self.mentions[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)])

    def has_mention_in(self, start: int, end: int) -> bool:
        """Whether a numbered criterion mention starts in [start, end)."""
        starts = self._index["mention_starts"]
        i = bisect.bisect_left(starts, start)
        return i < len(starts) and starts[i] < end

    def indicator_ids_in(self, start: int, end: int) -> list[IndicatorId]:
        """Indicator ids ("Mục 15.1") written inside [start, end)."""
        starts = self._index["indicator_starts"]
        return [m for m in self.indicator_ids[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]
                if m.end <= end]

    # -- word lists --------------------------------------------------------

    def phrases(self, words, start: int = 0, end: int | None = None) -> list:
        """Where the phrases of a word list (data) are written inside [start, end): matches of
        `gazetteer.cues.phrase_pattern(words)` on the folded text. Those of the whole document
        are found once per document (several checks read the same list)."""
        if start == 0 and end is None:
            cache = self._index.setdefault("phrases", {})
            entry = cache.get(id(words))
            if entry is None or entry[0] is not words:
                entry = cache[id(words)] = (words, phrase_matches(words, self.folded))
            return entry[1]
        return list(_phrase_pattern_of(words).finditer(self.folded, start, len(self.text) if end is None else end))

    def phrase_at(self, words, pos: int):
        """The phrase of a word list that begins at `pos`, or None."""
        return match_at(_phrase_pattern_of(words), self.folded, pos)

    @property
    def periods(self) -> list[PeriodMatch]:
        """Single periods (years, quarters, months) written in the text; ranges excluded."""
        return self._index["single_periods"]

    def head_periods(self, end: int) -> list[PeriodMatch]:
        """The periods `extract.dates.find_periods` reads in the text's first `end` characters."""
        return periods_of_head(self.text, self.all_periods, self._index["date_windows"], end)

    def periods_in(self, start: int, end: int) -> list[PeriodMatch]:
        periods = self.periods
        i = bisect.bisect_left(self._index["period_starts"], start)
        out = []
        while i < len(periods) and periods[i].start < end:
            if periods[i].end <= end:
                out.append(periods[i])
            i += 1
        return out

    # -- time reference ----------------------------------------------------

    def now_period(self) -> str | None:
        """The time of writing: the issued year, else the plan year."""
        m = self.meta
        if m.issued_date:
            return m.issued_date[:4]
        return str(m.plan_year) if m.plan_year else None

    def default_period(self, status: str | None) -> str | None:
        """Period of a statement that names none: targets fall in the plan year; states
        (met/unmet) in a plan are those reached by the end of the year before it."""
        m = self.meta
        if status == "target":
            return str(m.plan_year) if m.plan_year else self.now_period()
        if m.plan_year and m.doc_kind == "ke_hoach":
            issued = int(m.issued_date[:4]) if m.issued_date else None
            if issued is None or issued >= m.plan_year:
                return str(m.plan_year - 1)
        return self.now_period()

    def period_in_span(self, start: int, end: int, anchor: int) -> str | None:
        """The period written in [start, end) nearest before `anchor`, else the first after it;
        a "now" phrase ("đến thời điểm báo cáo", "hiện nay") counts as the time of writing."""
        compared = [c.end for c in find_family(self.folded, "comparison", start, end)]
        cands = [(p.start, p.period) for p in self.periods_in(start, end)
                 if not compared or not any(0 <= p.start - ce <= COMPARISON_GAP for ce in compared)]
        cands += [(c.start, self.now_period()) for c in find_family(self.folded, "now", start, end)]
        cands = [(s, p) for s, p in cands if p]
        before = [c for c in cands if c[0] < anchor]
        if before:
            return max(before)[1]
        after = [c for c in cands if c[0] >= anchor]
        return min(after)[1] if after else None

    def heading_period(self, line: Line) -> str | None:
        """A period written in an enclosing heading (the document's own title excluded)."""
        first = self.structure.first_section
        for anc in self.structure.ancestors(line.index):
            if anc.index < first:
                break
            if anc.is_heading:
                span_end = anc.end
                # A part heading's title continues on the capitalised line after it.
                k = anc.index + 1
                while k < len(self.structure.lines):
                    nxt = self.structure.lines[k]
                    if not (nxt.is_heading and nxt.parent == anc.index and nxt.scheme is None):
                        break
                    span_end = nxt.end
                    k += 1
                p = self.period_in_span(anc.start, span_end, span_end)
                if p:
                    return p
        return None

    def written_period(self, offset: int, clause_start: int | None = None) -> str | None:
        """The period the text gives a statement at `offset`: its sentence (or clause),
        its list's introducing line, its enclosing headings."""
        s, e = self.sentence_at(offset)
        p = self.period_in_span(clause_start if clause_start is not None else s, e, offset)
        if p:
            return p
        line = self.line_at(offset)
        if line.start < s:  # a period stated once for the paragraph, in an earlier sentence
            p = self.period_in_span(line.start, s, s)
            if p:
                return p
        intro = self.intro_line(line)
        if intro is not None:
            p = self.period_in_span(intro.start, intro.end, intro.end)
            if p:
                return p
        return self.heading_period(line)

    def section_status_period(self, offset: int) -> str | None:
        """The period of the latest met/unmet criterion statement before `offset` in its section."""
        entry = self.status_periods.get(self.section_of(self.line_at(offset)))
        if not entry:
            return None
        i = bisect.bisect_left(entry[0], offset) - 1
        return entry[1][i] if i >= 0 else None

    def resolve_period(self, offset: int, status: str | None, clause_start: int | None = None) -> str | None:
        """Period of the statement at `offset`: its sentence, its list's intro, its headings,
        the period of the previous met/unmet statement in its section, the default."""
        p = self.written_period(offset, clause_start)
        if p:
            return p
        if status in ("met", "unmet"):
            p = self.section_status_period(offset)
            if p:
                return p
        return self.default_period(status)

    # -- status ------------------------------------------------------------

    def status_before(self, start: int, end: int) -> tuple[str, int] | None:
        """The status cue nearest the end of text[start:end] (the one that governs what follows),
        read with the words that govern it (`extract.clauses`). Read once per span: the items
        of a list all ask for the status of its introducing line."""
        from extract.clauses import status_before

        read = self._index.setdefault("status_before", {})
        if (start, end) not in read:
            read[start, end] = status_before(self, start, end)
        return read[start, end]


_PHRASE_PATTERNS: dict[int, tuple] = {}
MAX_PHRASE_LISTS = 4096


def _phrase_pattern_of(words) -> "regex.Pattern[str]":
    """`phrase_pattern` of a word list, known by identity: the data's lists live as long as the
    process, and each is kept here with its pattern, so its id is never another list's."""
    entry = _PHRASE_PATTERNS.get(id(words))
    if entry is None or entry[0] is not words:
        if len(_PHRASE_PATTERNS) > MAX_PHRASE_LISTS:  # lists made on the fly would pile up
            _PHRASE_PATTERNS.clear()
        entry = _PHRASE_PATTERNS[id(words)] = (words, phrase_pattern(tuple(words)))
    return entry[1]


def _set(prep: PreparedDoc, **values) -> None:
    for name, value in values.items():
        object.__setattr__(prep, name, value)


def prepare(doc: NormalizedDoc, *, criteria_set: str | None = None, meta: DocumentMeta | None = None) -> PreparedDoc:
    """The prepared document, built in the fixed order of the module docstring.

    `criteria_set` and `meta`, when given, stand in for what the text would give
    (a short passage read as if it were part of a whole document)."""
    text = doc.text
    prep = PreparedDoc(doc=doc, text=text, folded=fold(text), tables=tuple(getattr(doc, "tables", ()) or ()))
    index = prep._index

    structure = parse_structure(text)
    spans = sentences(text)
    _set(prep, structure=structure, sentence_spans=tuple(spans))
    index["sentence_starts"] = [s for s, _ in spans]
    introduced: dict[int, list[Line]] = {}
    for ln in structure.lines:
        if ln.intro is not None and ln.parent == ln.intro:
            introduced.setdefault(ln.intro, []).append(ln)
    index["introduced"] = introduced

    windows = index["date_windows"] = year_windows(text)
    dates = find_dates(text, windows)
    all_periods = periods_of_dates(text, dates, windows)
    single = [p for p in all_periods if p.kind != "range" and p.period]
    _set(prep, dates=tuple(dates), all_periods=tuple(all_periods), fractions=tuple(find_fractions(text)),
         ranges=tuple(find_ranges(text)), percentages=tuple(find_percentages(text)),
         amounts=tuple(find_vnd_amounts(text)), computations=tuple(find_computations(text)))
    index["date_starts"] = [d.start for d in dates]
    _set(prep, numbers=tuple(find_numbers(text)))
    index["single_periods"] = single
    index["period_starts"] = [p.start for p in single]

    mentions = find_numbered_mentions(text, prep.folded)
    _set(prep, mentions=tuple(mentions), indicator_ids=tuple(find_indicator_ids(prep.folded)))
    index["mention_starts"] = [m.start for m in mentions]
    index["indicator_starts"] = [m.start for m in prep.indicator_ids]
    _set(prep, criteria_set=criteria_set if criteria_set is not None else infer_criteria_set(prep))
    _set(prep, meta=meta if meta is not None else extract_metadata(prep))
    _set(prep, relative_dates=tuple(find_relative_dates(text, dates, prep.now_period())))

    # Statements are read in text order; each may inherit the period of the one before it
    # in its section, so the section memory is filled as they are read.
    statements = []
    memory: dict[int, tuple[list[int], list[str]]] = {}
    _set(prep, status_periods=memory)
    for st in criterion_statements(prep):
        period = prep.resolve_period(st.mention.start, st.status)
        statements.append(st.with_period(period))
        if st.status in ("met", "unmet") and period:
            offsets, periods = memory.setdefault(prep.section_of(prep.line_at(st.mention.start)), ([], []))
            offsets.append(st.mention.start)
            periods.append(period)
    _set(prep, statements=tuple(statements))
    return prep
