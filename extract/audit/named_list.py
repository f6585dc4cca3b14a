"""`named_list_count`: a number of criteria followed by a list of names of another length.

"đã cơ bản đạt 6 tiêu chí gồm quy hoạch thủy lợi và phòng chống thiên tai,
điện, y tế, văn hóa, giáo dục, …": the announced count is set against the
parts of the enumeration that follows its announcer, split at commas and
semicolons, up to the end of the sentence. Names carry no numbers here, and a
criterion's name may itself run over several parts (the huyện set's "Y tế -
Văn hóa - Giáo dục"), so the finding is `info` under `count_mismatch`.
Enumerations that name criteria by number are `count_mismatch`'s own; after
"5 xã đạt 14 tiêu chí gồm" the names are those of the communes.

The separators of a list of names (data: `named_list.separators`) split the
announced body into its parts; that is list layout, which the prepared document
does not split.
"""
from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.audit.common import audit_data
from extract.audit.messages import make_finding
from extract.audit.quantities import CRITERIA, quantities, skip_blanks
from extract.component import Check
from extract.records import Finding

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc


@lru_cache(maxsize=1)
def _splitter():
    return regex.compile("|".join(regex.escape(s) for s in audit_data()["named_list"]["separators"]))


def check_named_list_count(prep: "PreparedDoc", records: dict) -> list[Finding]:
    window = audit_data()["named_list"]["announce_window"]
    findings = []
    qs = quantities(prep)
    group_units = audit_data()["quantities"]["group_units"]
    for i, q in enumerate(qs):
        if q.unit != CRITERIA or q.decimals or q.per_value or q.repeated:
            continue
        before = qs[i - 1] if i else None
        if before is not None and before.unit in group_units and q.start - before.end <= window:
            continue  # "5 xã đạt 14 tiêu chí gồm Thắng Quân, …": the names are the communes'
        pos = skip_blanks(prep.text, q.end, window)
        ann = prep.phrase_at(audit_data()["counts"]["announcers"], pos)
        if not ann:
            continue
        start = ann.end()
        while start < len(prep.text) and prep.text[start] in " \t:":
            start += 1
        _, end = prep.sentence_at(start)
        end = min(end, prep.line_at(start).end)
        body = prep.text[start:end].rstrip(" .;")
        if not body or prep.mentions_in(start, end) or any(ch.isdigit() for ch in body):
            continue
        parts = [p for p in _splitter().split(body) if p.strip()]
        if len(parts) < 2 or len(parts) == int(q.value):
            continue
        findings.append(make_finding(
            "named_list_count", [(q.start, start + len(body))],
            declared=int(q.value), found=len(parts), quote=prep.text[q.start:ann.end()],
        ))
    return findings


CHECKS = (
    Check("named_list_count", check_named_list_count, severities=("info",), kind="count_mismatch",
          requires=("numbers", "mentions", "sentence_spans")),
)
