"""The audit: what does not add up inside one document.

Each check is one small function `check(ctx, records) -> list[Finding]` in a
module per family (counts, numbering, arithmetic, criteria); a check that
finds nothing wrong returns nothing. `audit_document` runs them all after the
extractors (see `extract.registry`). Checks across documents live in
`corpus.audit_across`.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from extract.records import Finding

if TYPE_CHECKING:
    from extract.context import DocContext

log = logging.getLogger("ntm")

Check = Callable[["DocContext", dict], list[Finding]]


def all_checks() -> list[Check]:
    from extract.audit.arithmetic import check_arithmetic, check_denominators
    from extract.audit.counts import check_count_mismatch, check_count_sum
    from extract.audit.criteria import check_set_mismatch, check_status_conflict
    from extract.audit.numbering import check_list_numbering

    return [
        check_count_mismatch,
        check_count_sum,
        check_list_numbering,
        check_arithmetic,
        check_set_mismatch,
        check_denominators,
        check_status_conflict,
    ]


def audit_document(ctx: "DocContext", records: dict) -> list[Finding]:
    """Every finding of every check, in document order.

    A check that fails on an unexpected text is logged and skipped, so one
    odd document never loses its extracted rows.
    """
    findings: list[Finding] = []
    for check in all_checks():
        try:
            findings.extend(check(ctx, records))
        except Exception:  # noqa: BLE001 - the rows matter more than one check
            log.exception("audit check %s failed", check.__name__)
    findings.sort(key=lambda f: (f.evidence[0] if f.evidence else (0, 0), f.check))
    return findings
