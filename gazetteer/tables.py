"""Table vocabulary: column roles from header words, money units, status cells, marks, total rows.

The words live in `data/table_headers.yaml`; this module compiles them once and
answers in terms of folded (lowercase, toneless) text.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import regex
import yaml

from gazetteer.cues import folded
from gazetteer.lexicon import prefix_alternation
from gazetteer.text import fold, matches_at


@dataclass(frozen=True)
class HeaderRole:
    role: str
    start: int
    end: int


@lru_cache(maxsize=1)
def table_words() -> dict:
    with resources.files("gazetteer").joinpath("data/table_headers.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _alternation(phrases) -> str:
    keys = sorted({folded(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(regex.escape(w) for w in k.split()) for k in keys)


@lru_cache(maxsize=1)
def _role_patterns() -> list[tuple[str, "regex.Pattern[str]"]]:
    return [(role, regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{_alternation(words)})(?![\p{{L}}\p{{N}}])"))
            for role, words in table_words()["roles"].items()]


_BRACKETED = regex.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_NOT_A_WORD = regex.compile(r"[^\p{L}\p{N}]+")


@lru_cache(maxsize=8192)  # cells repeat ("Đạt", "x") across rows and documents
def header_role(cell_text: str) -> str | None:
    """The role a header cell gives its column: the longest phrase found, then the first written;
    a role of `whole_cell_roles` only from a phrase that is the whole cell."""
    text = folded(cell_text)
    whole = set(table_words().get("whole_cell_roles", ()))
    bare = _NOT_A_WORD.sub(" ", _BRACKETED.sub(" ", text)).strip()
    best: tuple[int, int, str] | None = None
    for role, pattern in _role_patterns():
        for m in pattern.finditer(text):
            if role in whole and _NOT_A_WORD.sub(" ", m.group(0)).strip() != bare:
                continue
            key = (-(m.end() - m.start()), m.start(), role)
            if best is None or key < best:
                best = key
    return best[2] if best else None


@lru_cache(maxsize=1)
def _unit_pattern() -> "regex.Pattern[str]":
    units = table_words()["money_units"]
    return regex.compile(rf"(?<![\p{{L}}])(?:{_alternation(units)})(?![\p{{L}}])")


@lru_cache(maxsize=1)
def _unit_values() -> dict[str, int]:
    return {" ".join(folded(k).split()): int(v) for k, v in table_words()["money_units"].items()}


@lru_cache(maxsize=8192)  # cells repeat ("Đạt", "x") across rows and documents
def money_unit(header_text: str) -> int | None:
    """Đồng per unit of the amounts under a header that names its unit ("Số tiền (triệu đồng)")."""
    m = _unit_pattern().search(folded(header_text))
    return _unit_values().get(" ".join(m.group(0).split())) if m else None


@lru_cache(maxsize=1)
def _status_patterns() -> list[tuple[str, "regex.Pattern[str]"]]:
    return [(status, regex.compile(rf"\s*(?:{_alternation(words)})(?![\p{{L}}])"))
            for status, words in table_words()["cell_status"].items()]


@lru_cache(maxsize=8192)  # cells repeat ("Đạt", "x") across rows and documents
def cell_status(cell_text: str) -> str | None:
    """met / unmet / target from the words a status cell begins with ("Chưa đạt", "Phấn đấu đạt năm 2025")."""
    text = folded(cell_text)
    best = None
    for status, pattern in _status_patterns():
        m = pattern.match(text)
        if m and (best is None or m.end() > best[1]):
            best = (status, m.end())
    return best[0] if best else None


@lru_cache(maxsize=1)
def _marks() -> frozenset[str]:
    return frozenset(folded(m) for m in table_words()["marks"])


@lru_cache(maxsize=8192)  # cells repeat ("Đạt", "x") across rows and documents
def is_mark(cell_text: str) -> bool:
    return folded(cell_text.strip()) in _marks()


@lru_cache(maxsize=1)
def _total_pattern() -> "regex.Pattern[str]":
    return regex.compile(rf"\s*(?:{_alternation(table_words()['total_rows'])})(?![\p{{L}}])")


@lru_cache(maxsize=8192)  # cells repeat ("Đạt", "x") across rows and documents
def is_total_label(cell_text: str) -> bool:
    return bool(_total_pattern().match(folded(cell_text)))


@lru_cache(maxsize=1)
def _any_role_pattern() -> "regex.Pattern[str]":
    named = [rf"(?P<{role}>{_alternation(words)})" for role, words in table_words()["roles"].items()]
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{'|'.join(named)})(?![\p{{L}}\p{{N}}])")


@lru_cache(maxsize=1)
def _role_starts() -> "re.Pattern[str]":
    """Every place of a folded text where a role's phrase is written, word bounds aside (overlapping
    places included): where `_any_role_pattern` can match, found by the standard engine."""
    phrases = (fold(w) for words in table_words()["roles"].values() for w in words)
    return re.compile(rf"(?=(?:{prefix_alternation(phrases)}))")


@dataclass(frozen=True)
class _LineStart:
    """Lines that start with one of a list of phrases: `exact` is tried only at the text's start and
    after the line breaks where `after_break` (the standard engine, word bounds aside, scanning for
    the line break itself) finds one written."""

    exact: "regex.Pattern[str]"
    after_break: "re.Pattern[str]"

    def match(self, text: str, pos: int) -> bool:
        return self.exact.match(text, pos) is not None

    def search(self, text: str) -> bool:
        return self.match(text, 0) or any(self.match(text, m.end()) for m in self.after_break.finditer(text))


def _line_start(phrases, on_fold: bool = False) -> _LineStart:
    written = [folded(p) if on_fold else p.lower() for p in phrases]
    words = "|".join(r"\s+".join(regex.escape(w) for w in p.split()) for p in written)
    return _LineStart(regex.compile(rf"(?m)^[ \t]*(?:{words})(?![\p{{L}}\p{{N}}])"),
                      re.compile(rf"\n(?=[ \t]*(?:{prefix_alternation(written)}))"))


@lru_cache(maxsize=1)
def _number_line_start() -> _LineStart:
    return _line_start(table_words()["roles"]["number"])


LABEL_ROLES = ("criterion", "indicator", "source")  # a header without a number column starts with one of these


@lru_cache(maxsize=2)
def _label_line_start(on_fold: bool) -> _LineStart:
    return _line_start([w for role in LABEL_ROLES for w in table_words()["roles"][role]], on_fold)


def header_lines(text: str, min_roles: int = 3) -> list[int]:
    """Offsets of the lines of `text` that read like a table's header: a line that holds words of
    `min_roles` or more different column roles ("TT Tên tiêu chí Kết quả thực hiện Đánh giá"), in a
    text where a line starts with a number column's word ("TT", "STT"); or, for a table without a
    number column, a line like that which itself starts with a criterion, indicator or source word
    ("Tên tiêu chí Kết quả thực hiện Đánh giá")."""
    lowered = text.lower()  # the cheap tests every page without a table takes
    numbered = _number_line_start().search(lowered)
    if not numbered and not _label_line_start(False).search(lowered):
        return []
    key = folded(text)
    roles_by_line: dict[int, set[str]] = {}
    for m in matches_at(_any_role_pattern(), key, [c.start() for c in _role_starts().finditer(key)]):
        line = key.rfind("\n", 0, m.start()) + 1
        roles_by_line.setdefault(line, set()).add(m.lastgroup)
    lines = sorted(line for line, roles in roles_by_line.items() if len(roles) >= min_roles)
    return lines if numbered else [line for line in lines if _label_line_start(True).match(key, line)]


@lru_cache(maxsize=1)
def _region_header_pattern() -> "regex.Pattern[str]":
    words = _alternation(table_words()["region_header"]).replace(r"\s+", r"[ \t]+")  # within a line
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?:{words})(?![\p{{L}}\p{{N}}])")


def region_header_words(text: str) -> list[tuple[int, str]]:
    """(offset, word folded) of each word of a region norm table's header found in `text`."""
    return [(m.start(), " ".join(m.group(0).split())) for m in _region_header_pattern().finditer(folded(text))]
