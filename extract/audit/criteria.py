"""Criteria that contradict the set or each other: `set_mismatch`, `status_conflict`.

`set_mismatch`: a criterion written with a name that the document's set does
not accept for its number but another set does ("Tiêu chí số 17 - Môi trường
và An toàn thực phẩm" in a nâng cao plan, where 17 is "Môi trường"). When many
named criteria carry another set's names, the document speaks of two sets on
purpose (a commune reporting basic and advanced criteria) and nothing is said.
A name that only sets of an earlier period accept is the criterion's former
name (`info`); a name of another set of the same period is a `warning`.

`status_conflict`: one criterion (or one indicator of it) stated both met and
unmet for the same period. Statements about a whole criterion and about one
of its indicators are not compared with each other.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from extract.component import Check
from extract.audit.common import audit_data
from extract.audit.messages import make_finding
from extract.records import Finding
from gazetteer.criteria import canonical_name, criteria_sets, name_scores
from gazetteer.text import words_key

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

ACCEPTED_SCORE = 0.7  # a written name the set accepts (see gazetteer.criteria._name_score)


def _all_earlier(sets, cset: str) -> bool:
    """Every set that accepts the name ended before the document's set began: the criterion is
    written with the name it had in the previous set."""
    known = criteria_sets()
    own = known[cset].period
    periods = [known[s].period for s in sets if s in known]
    return bool(own and periods) and all(p is not None and p[1] < own[0] for p in periods)


def check_set_mismatch(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    cset = ctx.criteria_set
    if not cset:
        return []
    named = [mn for mn in ctx.mentions if mn.name and mn.sets]
    foreign = [mn for mn in named if cset not in mn.sets
               and name_scores(mn.number, mn.name).get(cset, 0.0) < ACCEPTED_SCORE]
    if not foreign or len(foreign) > audit_data()["set_mismatch"]["max_foreign_share"] * len(named):
        return []
    own = defaultdict(list)
    for mn in named:
        if cset in mn.sets:
            own[mn.number].append(mn)
    groups = defaultdict(list)
    for mn in foreign:
        groups[(mn.number, words_key(mn.name))].append(mn)
    findings = []
    for (number, _), mns in groups.items():
        first = mns[0]
        others = ", ".join(sorted(first.sets))
        evidence = [(mn.start, mn.end) for mn in mns]
        also = ""
        if own.get(number):
            ok = own[number][0]
            evidence.append((ok.start, ok.end))
            also = f" ('{ctx.text[ok.start:ok.end]}')"
        findings.append(make_finding(
            "set_mismatch_previous" if _all_earlier(first.sets, cset) else "set_mismatch", evidence, criteria_set=cset, number=number, name=first.name, other_sets=others,
            canonical=canonical_name(cset, number), elsewhere=also,
        ))
    return findings


def check_status_conflict(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    groups = defaultdict(list)
    for r in records.get("criteria", []):
        if r.status in ("met", "unmet") and r.period:
            groups[(r.criterion_no, r.period, r.indicator_id)].append(r)
    findings = []
    for (number, period, indicator), rows in sorted(groups.items(), key=lambda kv: kv[1][0].start):
        met = [r for r in rows if r.status == "met"]
        unmet = [r for r in rows if r.status == "unmet"]
        if not met or not unmet:
            continue
        what = f"indicator {indicator}" if indicator else f"criterion {number}"
        first, second = sorted([met[0], unmet[0]], key=lambda r: r.start)
        findings.append(Finding(
            "status_conflict", "error",
            f"{what} is stated {first.status} and {second.status} for {period} "
            f"('{ctx.text[first.start:first.end]}' / "
            f"'{ctx.text[second.start:second.end]}').",
            [(first.start, first.end), (second.start, second.end)],
        ))
    return findings


CHECKS = (
    Check("set_mismatch", check_set_mismatch, severities=("warning", "info"), requires=("mentions", "criteria_set")),
    Check("status_conflict", check_status_conflict, severities=("error",), requires=("criteria",)),
)
