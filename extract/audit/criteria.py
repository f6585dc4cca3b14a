"""Criteria that contradict the set: `set_mismatch` (`status_conflict` is read from the
derived criteria_status rows, in `extract.criteria_status`).

`set_mismatch`: a criterion written with a name that the document's set does
not accept for its number but another set does ("Tiêu chí số 17 - Môi trường
và An toàn thực phẩm" in a nâng cao plan, where 17 is "Môi trường"). When many
named criteria carry another set's names, the document speaks of two sets on
purpose (a commune reporting basic and advanced criteria) and nothing is said.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from extract.component import Check
from extract.audit.common import audit_data
from extract.records import Finding
from gazetteer.criteria import canonical_name, name_scores
from gazetteer.text import words_key

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

ACCEPTED_SCORE = 0.7  # a written name the set accepts (see gazetteer.criteria._name_score)


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
            also = f" (as the document writes it elsewhere: '{ctx.text[ok.start:ok.end]}')"
        findings.append(Finding(
            "set_mismatch", "warning",
            f"In a {cset} document, criterion {number} is named '{first.name}', the name of {number} in "
            f"{others}; in {cset} criterion {number} is '{canonical_name(cset, number)}'{also}.",
            evidence,
        ))
    return findings


CHECKS = (
    Check("set_mismatch", check_set_mismatch, severities=("warning",), requires=("mentions", "criteria_set")),
)
