"""What every extractor reads: the normalized document, its structure, its metadata.

`DocContext` computes each view once (structure, sentences, periods, the
document's criteria set) and answers the questions extractors share: which
sentence holds an offset, which line introduced its list, and which period a
statement refers to when it does not say.
"""
from __future__ import annotations

import bisect
from functools import cached_property

from extract.dates import find_periods
from extract.records import DocumentMeta
from extract.structure import Line, Structure, parse_structure, sentences
from gazetteer.cues import find_family, find_status_cues
from gazetteer.cues import folded as folded_text
from normalize.document import NormalizedDoc


COMPARISON_GAP = 6  # chars between "so với" and the period it compares with


class DocContext:
    def __init__(self, doc: NormalizedDoc):
        self.doc = doc
        self.text = doc.text
        self._last_status_period: dict[int, str] = {}

    @cached_property
    def folded(self) -> str:
        """The length-preserving fold of the text (lowercase, no marks), for tone-insensitive matching."""
        return folded_text(self.text)

    @cached_property
    def structure(self) -> Structure:
        return parse_structure(self.text)

    @cached_property
    def sentence_spans(self) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []
        for ln in self.structure.lines:
            spans.extend(sentences(self.text, ln.start, ln.end))
        return spans

    @cached_property
    def _sentence_starts(self) -> list[int]:
        return [s for s, _ in self.sentence_spans]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        i = bisect.bisect_right(self._sentence_starts, offset) - 1
        if i < 0:
            return (0, 0)
        return self.sentence_spans[i]

    def line_at(self, offset: int) -> Line:
        return self.structure.line_at(offset)

    @cached_property
    def periods(self) -> list:
        """Single periods (years, quarters) written in the text; ranges and full dates excluded."""
        out = []
        for p in find_periods(self.text):
            if getattr(p, "kind", "single") == "range" or not p.period:
                continue
            out.append(p)
        return out

    @cached_property
    def _period_starts(self) -> list[int]:
        return [p.start for p in self.periods]

    def periods_in(self, start: int, end: int) -> list:
        i = bisect.bisect_left(self._period_starts, start)
        out = []
        while i < len(self.periods) and self.periods[i].start < end:
            if self.periods[i].end <= end:
                out.append(self.periods[i])
            i += 1
        return out

    @cached_property
    def meta(self) -> DocumentMeta:
        from extract.metadata import extract_metadata

        return extract_metadata(self)

    @cached_property
    def criteria_set(self) -> str | None:
        from extract.criteria import infer_criteria_set

        return infer_criteria_set(self)

    # -- time reference -------------------------------------------------

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
        compared = [c.end for c in find_family(self.text, "comparison", start, end)]
        cands = [(p.start, p.period) for p in self.periods_in(start, end)
                 if not any(0 <= p.start - ce <= COMPARISON_GAP for ce in compared)]
        cands += [(c.start, self.now_period()) for c in find_family(self.text, "now", start, end)]
        cands = [(s, p) for s, p in cands if p]
        before = [c for c in cands if c[0] < anchor]
        if before:
            return max(before)[1]
        after = sorted(c for c in cands if c[0] >= anchor)
        return after[0][1] if after else None

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

    def intro_line(self, line: Line) -> Line | None:
        return self.structure.lines[line.intro] if line.intro is not None else None

    def resolve_period(self, offset: int, status: str | None, clause_start: int | None = None) -> str | None:
        """Period of the statement at `offset`: its sentence, its list's intro, its headings,
        the period of the previous statement of the same status in its section, the default."""
        s, e = self.sentence_at(offset)
        p = self.period_in_span(clause_start if clause_start is not None else s, e, offset)
        if p:
            return p
        line = self.line_at(offset)
        intro = self.intro_line(line)
        if intro is not None:
            p = self.period_in_span(intro.start, intro.end, intro.end)
            if p:
                return p
        p = self.heading_period(line)
        if p:
            return p
        if status in ("met", "unmet"):
            section = self.section_of(line)
            if section in self._last_status_period:
                return self._last_status_period[section]
        return self.default_period(status)

    def remember_status_period(self, offset: int, status: str | None, period: str | None) -> None:
        if status in ("met", "unmet") and period:
            self._last_status_period[self.section_of(self.line_at(offset))] = period

    def section_of(self, line: Line) -> int:
        """The heading a line belongs to (list members are not sections)."""
        for anc in self.structure.ancestors(line.index):
            if anc.is_heading and anc.intro is None:
                return anc.index
        return -1

    # -- status ------------------------------------------------------------

    def status_before(self, start: int, end: int) -> tuple[str, int] | None:
        """The status cue nearest the end of text[start:end] (the one that governs what follows)."""
        cues = find_status_cues(self.text, start, end)
        if not cues:
            return None
        c = cues[-1]
        return c.kind, c.start
