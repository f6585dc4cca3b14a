"""`restated_share`: a share of a whole, and the same part given later as an amount of that whole.

"Các nguồn vốn huy động bình quân/xã khoảng 350 tỷ đồng. Ngân sách nhà nước
các cấp trực tiếp hỗ trợ khoảng 22%, …" and later "Riêng ngân sách nhà nước
các cấp hỗ trợ trực tiếp bình quân 45 tỷ đồng/xã": 22% of 350 tỷ is 77 tỷ,
45 tỷ is 12,9%. The whole is the last amount of the sentence before the
share's; the part is named by the words of the share's clause, and a later
amount whose clause holds most of them (`min_overlap`), at most `window`
characters further on, restates it. Both must
speak of the same kind of figure: an average per unit, or not, as the whole.
The bounds written on the amounts and the share ("khoảng", "trên") are
respected (`shares.approximate_share`); only figures that cannot agree
within them are a finding (`arithmetic`, warning).

`_WORD` splits the subject words of two rates to compare them (records' text).
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.audit.common import audit_data, fmt_number
from extract.audit.messages import make_finding
from extract.audit.quantities import amount_bound, amount_range
from extract.component import Check
from extract.records import Finding
from gazetteer.text import fold

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

_WORD = regex.compile(r"\p{L}+")


@lru_cache(maxsize=1)
def _cfg() -> dict:
    return audit_data()["restated_share"]


@lru_cache(maxsize=1)
def _stop() -> frozenset[str]:
    return frozenset(fold(w) for w in _cfg()["stop_words"])


def _clause_start(prep: "PreparedDoc", pos: int) -> int:
    s, _ = prep.sentence_at(pos)
    marks = _cfg()["clause_marks"]
    return max([s] + [prep.text.rfind(m, s, pos) + 1 for m in marks])


def _words(prep: "PreparedDoc", start: int, end: int) -> set[str]:
    return {w for w in _WORD.findall(prep.folded[start:end].lower()) if w not in _stop() and len(w) > 1}


def _is_average(prep: "PreparedDoc", pos: int) -> bool:
    s, e = prep.sentence_at(pos)
    return bool(prep.phrases(audit_data()["averages"]["cues"], s, e))


def check_restated_share(prep: "PreparedDoc", records: dict) -> list[Finding]:
    findings = []
    amounts = prep.amounts
    said_at: dict[int, set[str]] = {}
    for p in prep.percentages:
        start = _clause_start(prep, p.start)
        subject = _words(prep, start, p.start)
        if len(subject) < _cfg()["min_subject_words"]:
            continue
        s, _ = prep.sentence_at(p.start)
        prev_s, _ = prep.sentence_at(s - 1) if s > 0 else (s, s)
        whole = next((a for a in reversed(amounts) if prev_s <= a.start and a.end <= s), None)
        if whole is None:
            continue
        average = _is_average(prep, whole.start)
        for a in amounts:
            if a.start <= p.end or a.amount_vnd >= whole.amount_vnd:
                continue
            if a.start - p.end > _cfg()["window"]:
                break
            if _is_average(prep, a.start) != average:
                continue
            if a.start not in said_at:
                said_at[a.start] = _words(prep, _clause_start(prep, a.start), a.start)
            said = said_at[a.start]
            if len(subject & said) < _cfg()["min_overlap"] * len(subject):
                continue
            value = Decimal(str(p.value))
            w_lo, w_hi = amount_range(Decimal(whole.amount_vnd), amount_bound(prep, whole))
            a_lo, a_hi = amount_range(Decimal(a.amount_vnd), amount_bound(prep, a))
            s_lo, s_hi = amount_range(value, amount_bound(prep, p))
            least = a_lo / w_hi * 100 if w_hi else Decimal(0)
            most = a_hi / w_lo * 100 if a_hi is not None and w_lo else None
            if (s_hi is None or s_hi >= least) and (most is None or s_lo <= most):
                break
            computed = Decimal(a.amount_vnd) / Decimal(whole.amount_vnd) * 100
            findings.append(make_finding(
                "restated_share", [(a.start, a.end), (p.start, p.end), (whole.start, whole.end)],
                share=p.text.strip(), whole=prep.text[whole.start:whole.end], amount=prep.text[a.start:a.end],
                implied=fmt_number(Decimal(whole.amount_vnd) * value / 100), computed=fmt_number(computed, 1),
            ))
            break
    return findings


CHECKS = (
    Check("restated_share", check_restated_share, severities=("warning",), kind="arithmetic",
          requires=("percentages", "amounts", "sentence_spans")),
)
