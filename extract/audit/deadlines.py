"""`deadline_disagreement`: one task given two target months that differ.

"hoàn thành giải ngân … trong tháng 11/2015" (during November) in one place
and "ngân xong trước tháng 11/2015" (before November: by the end of October)
in another: the same month read with two relations names two different
months. Deadlines of month precision with the same month and the relations
"before" and "during" (or "by") are compared when their tasks share a word
beyond the common ones of `deadline_disagreement.stop_words`. Reported under
`other`, as `info`: the two may be a target and a hope.

`_WORD` splits the records' task texts into words to compare them; it reads no
document text.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.audit.common import audit_data
from extract.audit.messages import make_finding
from extract.component import Check
from extract.records import Finding
from gazetteer.text import fold

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

_WORD = regex.compile(r"\p{L}+")
MONTH = "month"
BEFORE, INCLUSIVE = "before", ("during", "by")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    return frozenset(fold(w) for w in audit_data()["deadline_disagreement"]["stop_words"])


def _words(task: str | None) -> set[str]:
    return {w for w in _WORD.findall(fold(task or "").lower()) if w not in _stop_words()}


def check_deadline_disagreement(prep: "PreparedDoc", records: dict) -> list[Finding]:
    rows = [d for d in records.get("deadlines", []) if d.precision == MONTH]
    findings, seen = [], set()
    for a in rows:
        if a.relation not in INCLUSIVE:
            continue
        for b in rows:
            if b.relation != BEFORE or b.due != a.due or (a.start, b.start) in seen:
                continue
            if not _words(a.task) & _words(b.task):
                continue
            seen.add((a.start, b.start))
            first, second = sorted([a, b], key=lambda d: d.start)
            findings.append(make_finding(
                "deadline_disagreement", [(first.start, first.end), (second.start, second.end)],
                month=a.due, first=prep.text[first.start:first.end], second=prep.text[second.start:second.end],
            ))
    return findings


CHECKS = (
    Check("deadline_disagreement", check_deadline_disagreement, severities=("info",), kind="other",
          requires=("deadlines",)),
)
