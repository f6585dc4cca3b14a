"""Counts that do not add up: `count_mismatch` and `count_sum`.

`count_mismatch`: a count of criteria followed by the words that announce its
items ("chưa đạt có 10 tiêu chí bao gồm:", "02 tiêu chí còn lại: …") and the
items themselves, as list lines introduced by that line or inline after the
announcer on the same line. Items are counted as lines and as distinct
criterion numbers (an indicator "Mục 15.1" names criterion 15); only when the
declared number matches neither is it a finding, so a list whose items carry
sub-points or explanations stays silent.

`count_sum`: met + unmet, or met + remaining, must make the whole set (the
total written in "đạt 16/19", else the size of the document's set). Met and
unmet are compared within one period; a remaining count ("05 tiêu chí còn
lại", what is left to do) with the latest met count at or before its period.
A period holding two different met counts (a district report naming several
communes) is ambiguous and not checked.

Counts, criterion mentions and indicator ids come from the records and the
prepared document. Patterns kept, each for a reason: `_MORE_NUMBERS` reads the
bare numbers that continue a mention's list ("6, 12 và 17") up to the end of an
enumeration, also before a count unit where the extractor stops; `_ENUM_SEPARATOR`
and `_SENTENCE_BREAK` split an inline enumeration into its parts and find where it
ends (list layout, not numbers); `_PERIOD` reads the records' period field.
"""
from __future__ import annotations

import bisect
from collections import defaultdict
from typing import TYPE_CHECKING

import regex

from extract.component import Check
from extract.audit.common import audit_data, trimmed
from extract.audit.messages import make_finding
from extract.records import CountClaim, CriterionMention, Finding
from gazetteer.criteria import criteria_sets
from gazetteer.lexicon import pattern
from gazetteer.text import fold

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

# Patterns run on the folded text.
_MORE_NUMBERS = pattern(r"\s*(?:[,;&]|@{conjunction:folded})\s*(?:(?:@{number_word:folded})\s*)?(?P<no>\d{1,2})(?!\d|[.,]\d)")
_ENUM_SEPARATOR = pattern(r"[;,]\s+|\s+(?:@{enumeration_joiners:folded})\s+")
_SENTENCE_BREAK = regex.compile(r"\.\s+(?=\p{Lu})")
_PERIOD = regex.compile(r"(\d{4})(?:-Q([1-4]))?")


def _criteria_counts(records: dict) -> list[CountClaim]:
    return [c for c in records.get("counts", []) if c.unit == "tieu_chi" and c.value_max is None]


def _announcer_end(ctx: "PreparedDoc", count: CountClaim, count_starts: list[int]) -> int | None:
    """End of the words announcing the count's items, in its clause, else None.

    `count_starts`: the sorted starts of all counts; another count before the
    announcer means the announcer is not this count's."""
    text = ctx.text
    line = ctx.line_at(count.start)
    window_end = min(line.end, count.end + audit_data()["counts"]["announce_window"])
    brk = _SENTENCE_BREAK.search(text, count.end, window_end)
    if brk:
        window_end = brk.start()
    cfg = audit_data()["counts"]
    found = []
    strong = ctx.phrases(cfg["announcers"], count.end, window_end)
    if strong:
        found.append(strong[0].end())
    for w in ctx.phrases(cfg["announcers_before_colon"], count.end, window_end):
        after = text[w.end():line.end].lstrip()
        if not after or after.startswith(":"):
            found.append(w.end())
            break
    colon = text.find(":", count.end, window_end)
    if colon >= 0:
        found.append(colon + 1)
    if not found:
        return None
    end = min(found)
    if bisect.bisect_left(count_starts, count.end) < bisect.bisect_left(count_starts, end):
        return None
    while end < line.end and text[end] in " \t:":
        end += 1
    return end


def _criteria_in(ctx: "PreparedDoc", start: int, end: int) -> set[int]:
    """Criteria named in [start, end): "tiêu chí số 6, 12 và 17" names three, "Mục 15.1" names 15."""
    folded = ctx.folded
    numbers = set()
    for mn in ctx.mentions_in(start, end):
        numbers.add(mn.number)
        pos = mn.number_end
        while (more := _MORE_NUMBERS.match(folded, pos, end)) is not None:
            if 1 <= int(more.group("no")) <= 19:
                numbers.add(int(more.group("no")))
            pos = more.end()
    numbers |= {m.criterion for m in ctx.indicator_ids_in(start, end) if 1 <= m.criterion <= 19}
    return numbers


def listed_items(ctx: "PreparedDoc", named_lists: list[CriterionMention], start: int) -> tuple[set[int], str, int, set[int]] | None:
    """What follows an announcer ending at `start`: (item counts, how, end of the list, criteria named).

    Item counts are the measures that agree with a reader: list lines and
    distinct criteria for a list of lines; distinct criteria (or named criteria
    when as many as the separated parts) for an inline enumeration.
    `named_lists`: the criteria rows of lists of named criteria, sorted by start.
    """
    text = ctx.text
    line = ctx.line_at(start)
    if not text[start:line.end].strip():
        items = ctx.items_introduced_by(line)
        if not items:
            return None
        measures = {len(items)}
        numbers = set()
        for ln in items:
            first = next((mn.number for mn in ctx.mentions_in(ln.start, ln.end)), None)
            if first is not None:
                numbers.add(first)
        if numbers:
            measures.add(len(numbers))
        return measures, "lines", items[-1].end, numbers
    end = line.end
    brk = _SENTENCE_BREAK.search(text, start, end)
    if brk:
        end = brk.start() + 1
    numbers = _criteria_in(ctx, start, end)
    if numbers and _first_item_start(ctx, start, end) - start > audit_data()["counts"]["inline_first_item_window"]:
        return None  # criteria named further on are discussed, not enumerated
    if numbers:
        return {len(numbers)}, "inline", end, numbers
    starts = [r.start for r in named_lists]
    named = {r.criterion_no for r in named_lists[bisect.bisect_left(starts, start):bisect.bisect_left(starts, end)]}
    parts = [p for p in _ENUM_SEPARATOR.split(fold(text[start:end]).strip(" .;")) if p.strip()]
    if named and len(named) == len(parts):
        return {len(named)}, "inline", end, named
    return None


def _first_item_start(ctx: "PreparedDoc", start: int, end: int) -> int:
    starts = [mn.start for mn in ctx.mentions_in(start, end)]
    starts += [m.start for m in ctx.indicator_ids_in(start, end)]
    return min(starts, default=end)


def _first_item_end(ctx: "PreparedDoc", start: int, end: int) -> int:
    """End of the first criterion named in an inline enumeration (the evidence stops there)."""
    ends = [mn.number_end for mn in ctx.mentions_in(start, end)]
    ends += [m.end for m in ctx.indicator_ids_in(start, end)]
    return min(ends, default=end)


def check_count_mismatch(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    counts = _criteria_counts(records)
    count_starts = sorted(c.start for c in counts)
    named_lists = sorted((r for r in records.get("criteria", []) if r.rule == "criteria.named_list"), key=lambda r: r.start)
    findings = []
    for c in counts:
        if c.total is not None:
            continue
        ann = _announcer_end(ctx, c, count_starts)
        if ann is None:
            continue
        listed = listed_items(ctx, named_lists, ann)
        if listed is None:
            continue
        measures, how, list_end, numbers = listed
        if c.value in measures:
            continue
        found = min(measures, key=lambda n: abs(n - c.value))
        lead = trimmed(ctx.text, c.start, ann)
        quote = ctx.text[lead[0]:lead[1]]
        criteria = f" ({', '.join(str(n) for n in sorted(numbers))})" if numbers else ""
        evidence_end = ctx.line_at(ann).end if how == "lines" else _first_item_end(ctx, ann, list_end)
        findings.append(make_finding(
            "count_mismatch", [trimmed(ctx.text, c.start, evidence_end)],
            quote=quote, declared=c.value, status=c.status or "-", period=c.period or "-", found=found,
            criteria=criteria,
        ))
    return findings


def _period_key(period: str | None) -> tuple[int, int] | None:
    """Order of periods: a quarter before the end of its year ("2024-Q1" < "2024")."""
    if not period:
        return None
    m = _PERIOD.match(period)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2)) if m.group(2) else 5


def _set_size(ctx: "PreparedDoc") -> int | None:
    cset = ctx.criteria_set
    return len(criteria_sets()[cset].criteria) if cset else None


def _met_counts(counts: list[CountClaim], set_size: int | None) -> list[tuple[CountClaim, int]]:
    """Statements of how many criteria are met, each with the whole they are part of."""
    out = []
    for c in counts:
        if c.status != "met":
            continue
        if c.kind == "met_total" and c.total:
            out.append((c, c.total))
        elif c.kind == "declared_list" and c.total is None and set_size:
            out.append((c, set_size))
    return out


def _quote(ctx: "PreparedDoc", c: CountClaim) -> str:
    return ctx.text[c.start:c.end]


UNIT_COUNTS = ("xa", "huyen", "thon")  # count units that are places, not criteria


def check_count_sum(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    counts = _criteria_counts(records)
    met = _met_counts(counts, _set_size(ctx))
    by_period: dict[tuple, list[tuple[CountClaim, int]]] = defaultdict(list)
    for c, whole in met:
        key = _period_key(c.period)
        if key:
            by_period[key].append((c, whole))

    def single_met(key) -> tuple[CountClaim, int] | None:
        rows = by_period.get(key, [])
        if len({(c.value, whole) for c, whole in rows}) != 1:
            return None
        return rows[0]

    over_units = {ctx.sentence_at(u.start) for u in records.get("counts", []) if u.unit in UNIT_COUNTS}

    def about_many_units(claim: CountClaim) -> bool:
        """A count of criteria said of many communes at once ("6 tiêu chí có 10/10 xã đạt"):
        such counts split no single unit's criteria, so they need not add up to the set."""
        return ctx.sentence_at(claim.start) in over_units

    findings = []
    seen = set()
    for c in counts:
        key = _period_key(c.period)
        if key is None or c.total is not None or about_many_units(c):
            continue
        if c.kind == "declared_list" and c.status == "unmet":
            m = single_met(key)
            label = "unmet"
        elif c.kind == "remaining" and c.status in ("target", "unmet"):
            earlier = [k for k in by_period if k <= key]
            m = single_met(max(earlier)) if earlier else None
            label = "remaining"
        else:
            continue
        if m is None:
            continue
        mc, whole = m
        pair = (mc.value, whole, c.value)
        if mc.value + c.value == whole or pair in seen or about_many_units(mc):
            continue
        seen.add(pair)
        findings.append(make_finding(
            f"count_sum_{label}", [(mc.start, mc.end), (c.start, c.end)],
            met=mc.value, period=mc.period, met_quote=_quote(ctx, mc), other=c.value, other_quote=_quote(ctx, c),
            summed=mc.value + c.value, whole=whole, rest=whole - mc.value,
        ))
    return findings


CHECKS = (
    Check("count_mismatch", check_count_mismatch, severities=("error",), requires=("counts", "criteria", "mentions")),
    Check("count_sum", check_count_sum, severities=("error",), requires=("counts",)),
)
