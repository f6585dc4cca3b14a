"""Criteria that contradict the set: `set_mismatch` (`status_conflict` is read from the
derived criteria_status rows, in `extract.criteria_status`).

`set_mismatch`: a criterion written with a name that the document's set does
not accept for its number but another set does ("Tiêu chí số 17 - Môi trường
và An toàn thực phẩm" in a nâng cao plan, where 17 is "Môi trường"). When many
named criteria carry another set's names, the document speaks of two sets on
purpose (a commune reporting basic and advanced criteria) and nothing is said.
A name that only sets of an earlier period accept is the criterion's former
name (`info`); a name of another set of the same period is a `warning`.
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


CHECKS = (
    Check("set_mismatch", check_set_mismatch, severities=("warning", "info"), requires=("mentions", "criteria_set")),
)
