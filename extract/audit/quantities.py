"""Numbers with what they count: "87 tiêu chí", "7 xã", "1.286 tiêu chí/92 xã".

Reads the prepared number layer (`PreparedDoc.numbers`) and the unit words of
gazetteer/data/audit.yaml (`quantities`): each plain number followed by a unit
word becomes a `Quantity` with that unit, whether it counts criteria once per
commune ("306 lượt tiêu chí"), whether a change word precedes it ("tăng 3
tiêu chí"), and the number of units it is given per ("/92 xã").

Unit words, repeat words and bounds are phrases of the prepared document
(`PreparedDoc.phrase_at`, `phrases`); the change words are matched on the few
characters before a number as written there (`_change_words`), where a phrase
must end right before the number.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.audit.common import audit_data
from extract.numbers import parse_vn_decimal, per_after
from gazetteer.cues import phrase_pattern
from gazetteer.text import match_at

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

CRITERIA = "criteria"


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int  # end of the unit (or of the "/N unit" that follows it)
    value: Decimal
    decimals: int
    unit: str
    repeated: bool = False  # "lượt tiêu chí"
    change: bool = False  # after "tăng", "giảm", …
    per_value: Decimal | None = None  # "/92 xã" → 92; "/xã" → 1
    per_unit: str | None = None


@lru_cache(maxsize=1)
def _change_words() -> "regex.Pattern[str]":
    return phrase_pattern(audit_data()["quantities"]["change_words"])


@lru_cache(maxsize=1)
def _units() -> "regex.Pattern[str]":
    """The phrases of every unit, one named group each in the order of the data: at one place,
    the first unit whose phrase is written there matches (one try instead of one per unit)."""
    units = audit_data()["quantities"]["units"]
    return regex.compile("|".join(f"(?P<{name}>{phrase_pattern(words).pattern})" for name, words in units.items()))


def _unit_at(prep: "PreparedDoc", pos: int) -> tuple[str, int] | None:
    folded, units = prep.folded, _units()
    for skip in range(audit_data()["quantities"]["unit_gap"] + 1):
        m = match_at(units, folded, pos + skip)
        if m:
            return m.lastgroup, m.end()
        if pos + skip >= len(folded) or not folded[pos + skip].isspace():
            break
    return None


def skip_blanks(text: str, pos: int, limit: int | None = None) -> int:
    """`pos` moved past spaces and tabs, by at most `limit` characters."""
    stop = len(text) if limit is None else min(len(text), pos + limit)
    while pos < stop and text[pos] in " \t":
        pos += 1
    return pos


def unit_after(prep: "PreparedDoc", pos: int) -> str | None:
    """The unit written right after `pos` ("18/19 tiêu chí" → criteria), if any."""
    unit = _unit_at(prep, pos)
    return unit[0] if unit else None


def quantities(prep: "PreparedDoc", start: int = 0, end: int | None = None) -> list[Quantity]:
    """Every number with a unit in [start, end), in text order (read once per document, for
    every check that asks: they are kept in the prepared document's index)."""
    index = prep._index
    if "quantities" not in index:
        index["quantities"] = found = find_quantities(prep)
        index["quantity_starts"] = [q.start for q in found]
    starts = index["quantity_starts"]
    first = bisect.bisect_left(starts, start)
    last = len(starts) if end is None else bisect.bisect_left(starts, end)
    return index["quantities"][first:last]


def find_quantities(prep: "PreparedDoc") -> list[Quantity]:
    """Every number of the prepared number layer with a unit written after it, in text order."""
    folded = prep.folded
    repeat_words, change = audit_data()["quantities"]["repeat_words"], _change_words()
    out = []
    for n in prep.numbers:
        # A number after a criterion label may still count units: "tiêu chí 14 xã đạt chuẩn".
        if n.kind not in ("number", "label") or n.is_word:
            continue
        value = parse_vn_decimal(n.text)
        if value is None:
            continue
        pos, repeated = n.end, False
        r = prep.phrase_at(repeat_words, pos + 1) if folded[pos:pos + 1].isspace() else None
        if r:
            pos, repeated = r.end(), True
        unit = _unit_at(prep, pos)
        if unit is None:
            continue
        name, stop = unit
        if n.kind == "label" and name == CRITERIA:
            continue
        per_value = per_unit = None
        per = per_after(prep.text, stop)
        if per:
            after = _unit_at(prep, per[0])
            if after:
                per_value = per[1]
                per_unit, stop = after
        before = prep.folded[max(0, n.start - 12):n.start]
        changed = any(m.end() == len(before.rstrip()) for m in change.finditer(before))
        out.append(Quantity(n.start, stop, value, len(n.text.partition(",")[2]), name, repeated, changed,
                            per_value, per_unit))
    return out


def amount_bound(prep: "PreparedDoc", amount) -> str | None:
    """"lower" (trên 293 tỷ), "upper" (gần 7.000 tỷ), "about" (khoảng 350 tỷ) or None (as written)."""
    cfg = audit_data()["shares"]
    window = cfg["bound_window"]
    for kind, key in (("lower", "lower_bounds"), ("upper", "upper_bounds"), ("about", "approximations")):
        for m in prep.phrases(cfg[key], max(0, amount.start - 20), amount.start):
            if amount.start - m.end() <= window:
                return kind
    return None


def amount_range(value: Decimal, bound: str | None) -> tuple[Decimal, Decimal | None]:
    """(least, most) the amount can be; None for no upper limit."""
    slack = Decimal(str(audit_data()["shares"]["approximate_share"]))
    if bound == "lower":
        return value, None
    if bound == "upper":
        return Decimal(0), value
    if bound == "about":
        return value * (1 - slack), value * (1 + slack)
    return value, value
