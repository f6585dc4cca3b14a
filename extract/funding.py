"""Amounts of money (kinh phí, nguồn vốn): one `FundingAmount` per amount written.

Amounts come from the money grammar of `extract.numbers`; per-person or
per-year figures (incomes, support rates) are not funding and are dropped.
Each amount then gets:

- its parent when it is a part of a total: an item of a list announced by a
  line that holds the total ("Tổng nguồn vốn … là: 31.003.700.000 đồng. Trong
  đó:" then "+ Huyện 650.000.000 đồng;"), or an amount after "trong đó"/"gồm"
  or inside parentheses right after a total in the same sentence;
- its role: `total` when parts follow it, `component` for a part, else
  `estimate` or `spent` from the nearest cue of its sentence ("ước khoảng",
  "đề nghị", "dự kiến" / "đã chi", "với tổng giá trị"), else `total` after
  "tổng", else none;
- its source from the label written before it ("ngân sách huyện", "Dân góp",
  "+ Xã:"), the words being data in `gazetteer/data/funding_sources.yaml`;
- its purpose as written ("chi cho xây dựng cơ sở hạ tầng"), parts sharing
  the purpose of their total;
- its period from the document context.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import regex

from extract.component import Component
from extract.numbers import MoneyMatch
from extract.records import FundingAmount
from gazetteer.lexicon import load_data, pattern, words_alternation
from gazetteer.lexicon import words as lexicon_words
from gazetteer.text import match_at, strip_tones, words_key

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

_CLAUSE_SEP = regex.compile(r"[;\n]|\.(?=\s|\Z)|:(?=\s)")
_LABEL_SEP = regex.compile(r"[;,(\n]|\.(?=\s|\Z)")
_LIST_MARKER = regex.compile(r"^[\s\-–+*•·]*")
_LABEL_EDGE = regex.compile(r"^[\s\-–+*•·:]+|[\s:=,]+$")
_FUNDS_NOUN = pattern(r"(?<!\p{L})(?i:@{funds_noun})\s+(?=\p{Ll})")
_WORKS_VALUE = pattern(r"\s+(?i:@{works_value})(?!\p{L})")
_AFTER_SPACE = regex.compile(r"\s*")
_OPEN_PAREN = regex.compile(r"\s*\(")


@lru_cache(maxsize=None)
def funding_words() -> dict:
    """gazetteer/data/funding_sources.yaml, parsed once."""
    return load_data("funding_sources.yaml")


def _exact_words(words: list[str]) -> "regex.Pattern[str]":
    return regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?i:{words_alternation(words)})(?![\p{{L}}\p{{N}}])")


@dataclass(frozen=True)
class _Vocabulary:
    source_phrases: "regex.Pattern[str]"  # over strip_tones(text); group name = source
    source_abbreviations: "regex.Pattern[str] | None"  # over the text, exact case
    labels: dict[str, str]  # words_key of a bare label → source
    fillers: frozenset[str]
    roles: "regex.Pattern[str]"
    role_of: dict[str, str]
    breakdown: "regex.Pattern[str]"
    purpose_lead: "regex.Pattern[str]"
    purpose_stop: "regex.Pattern[str]"


@lru_cache(maxsize=None)
def _vocabulary() -> _Vocabulary:
    data = funding_words()
    phrase_alts, abbreviation_alts, labels = [], [], {}
    for source, entry in data["sources"].items():
        phrases = sorted({strip_tones(p) for p in entry.get("phrases") or []}, key=len, reverse=True)
        if phrases:
            alt = words_alternation(phrases)
            not_before = entry.get("not_before") or []
            guard = (
                rf"(?!\s+(?:{'|'.join(regex.escape(strip_tones(w)) for w in not_before)})(?!\p{{L}}))"
                if not_before else ""
            )
            phrase_alts.append(rf"(?P<{source}>(?<![\p{{L}}\p{{N}}])(?:{alt})(?![\p{{L}}\p{{N}}]){guard})")
        for abbr in entry.get("abbreviations") or []:
            abbreviation_alts.append(rf"(?P<{source}>(?<![\p{{L}}\p{{N}}]){regex.escape(abbr)}(?![\p{{L}}\p{{N}}]))")
        for label in entry.get("labels") or []:
            labels[words_key(label)] = source
    role_of = {}
    for role, words in data["roles"].items():
        for w in words:
            role_of[" ".join(w.lower().split())] = role
    leads = words_alternation(data["purpose_leads"])
    return _Vocabulary(
        source_phrases=regex.compile("|".join(phrase_alts)),
        source_abbreviations=regex.compile("|".join(abbreviation_alts)) if abbreviation_alts else None,
        labels=labels,
        fillers=frozenset(words_key(w) for w in data["label_fillers"]),
        roles=_exact_words(list(role_of)),
        role_of=role_of,
        breakdown=_exact_words(data["breakdown"]),
        purpose_lead=regex.compile(rf"(?<![\p{{L}}\p{{N}}])(?i:{leads})\s+(?=\p{{L}})"),
        purpose_stop=regex.compile(
            rf"\s*(?:[:;,(]|(?<![\p{{L}}\p{{N}}])(?i:{words_alternation(data['purpose_stops'])})(?![\p{{L}}\p{{N}}]))"
        ),
    )


# ---------------------------------------------------------------------------
# Source


def _source_in(text: str, start: int, end: int) -> tuple[str, int] | None:
    """(source, start) of the source phrase nearest the end of text[start:end]."""
    v = _vocabulary()
    found: list[tuple[int, str]] = []
    for m in v.source_phrases.finditer(strip_tones(text[start:end])):
        found.append((start + m.start(), m.lastgroup))
    if v.source_abbreviations is not None:
        for m in v.source_abbreviations.finditer(text, start, end):
            found.append((m.start(), m.lastgroup))
    if not found:
        return None
    pos, source = max(found)
    return source, pos


def _label_source(label: str) -> str | None:
    """Source of a bare breakdown label: "Huyện", "Xã:", "DN", "Xã đối ứng là"."""
    v = _vocabulary()
    words = words_key(_LABEL_EDGE.sub("", label)).split()
    while words and words[-1] in v.fillers:
        words.pop()
    while words and words[0] in v.fillers:
        words.pop(0)
    return v.labels.get(" ".join(words)) if words else None


def _label_start(text: str, line_body_start: int, amount_start: int) -> int:
    """Start of the words that label an amount: after the last separator before it."""
    start = line_body_start
    for m in _LABEL_SEP.finditer(text, line_body_start, amount_start):
        start = m.end()
    v = _vocabulary()
    for m in v.breakdown.finditer(text, start, amount_start):
        start = m.end()
    return start


# ---------------------------------------------------------------------------
# Role


def _role_cue(text: str, start: int, end: int) -> str | None:
    """estimate / spent from the cue nearest before `end`; total only when neither is written."""
    v = _vocabulary()
    cues = [(m.start(), v.role_of[" ".join(m.group().lower().split())]) for m in v.roles.finditer(text, start, end)]
    decisive = [c for c in cues if c[1] != "total"]
    if decisive:
        return max(decisive)[1]
    return "total" if cues else None


# ---------------------------------------------------------------------------
# Purpose


def _phrase_until_stop(text: str, start: int, end: int) -> str | None:
    """Words from `start` up to a purpose stop word or punctuation; None if under two words."""
    stop = _vocabulary().purpose_stop.search(text, start, end)
    words = text[start: stop.start() if stop else end].strip(" .").split()
    return " ".join(words) if len(words) >= 2 else None


def _purpose(text: str, start: int, end: int, after: tuple[int, int] | None = None) -> str | None:
    """Purpose of the amount at text[end:], written before it in text[start:end] or in its
    clause after it (`after` = span from the amount's end to the clause end): "chi cho <purpose> là", "kinh phí
    <purpose> ước …", "<purpose> với tổng giá trị …", or after it: "… đồng để <purpose>"."""
    v = _vocabulary()
    for lead in reversed(list(v.purpose_lead.finditer(text, start, end))):
        phrase = _phrase_until_stop(text, lead.end(), end)
        if phrase:
            return phrase
    m = _FUNDS_NOUN.search(text, start, end)
    if m:
        phrase = _phrase_until_stop(text, m.end(), end)
        if phrase and not phrase.lower().startswith(lexicon_words("purpose_not_named")):
            return phrase
    if after is not None:
        lead = v.purpose_lead.match(text, match_at(_AFTER_SPACE, text, after[0]).end(), after[1])
        if lead:
            phrase = _phrase_until_stop(text, lead.end(), after[1])
            if phrase:
                return phrase
    m = _WORKS_VALUE.search(text, start, end)
    if m:
        clause_start = max(start, *(text.rfind(sep, start, m.start()) + 1 for sep in ";:"))
        words = _LIST_MARKER.sub("", text[clause_start:m.start()]).strip(" .").split()
        if len(words) >= 2:
            return " ".join(words)
    return None


# ---------------------------------------------------------------------------
# Breakdown of totals


def _parents(ctx: "PreparedDoc", amounts: list[MoneyMatch]) -> dict[int, int]:
    """Index of each part → index of its total (list items of an announcing line; inline "trong đó")."""
    text = ctx.text
    v = _vocabulary()
    parent: dict[int, int] = {}

    def last_amount_in(start: int, end: int) -> int | None:
        found = [i for i, a in enumerate(amounts) if start <= a.start and a.end <= end]
        return found[-1] if found else None

    for i, a in enumerate(amounts):
        line = ctx.line_at(a.start)
        intro = ctx.intro_line(line) if line.scheme is not None else None
        if intro is not None:
            total = last_amount_in(intro.start, intro.end)
            if total is None and v.breakdown.match(intro.text.strip()) and intro.index > 0:
                prev = ctx.structure.lines[intro.index - 1]
                total = last_amount_in(prev.start, prev.end)
            if total is not None and total != i:
                announces = v.breakdown.search(text, amounts[total].end, intro.end) or intro.text.rstrip().endswith(":")
                if announces:
                    parent[i] = total
                    continue
        # Inline: "Tổng kinh phí 3 tỷ đồng, trong đó: ngân sách tỉnh 2 tỷ đồng, …" or "3 tỷ đồng (tỉnh 2 tỷ …)".
        s, _ = ctx.sentence_at(a.start)
        for j in range(i - 1, -1, -1):
            t = amounts[j]
            if t.start < s:
                break
            if j in parent:
                continue
            between = text[t.end:a.start]
            opens = v.breakdown.search(between) or _OPEN_PAREN.match(between)
            closed = ")" in between[between.find("(") + 1:] if "(" in between else False
            if opens and not closed:
                parent[i] = j
                break
    return parent


def _clause_end(text: str, start: int, end: int) -> int:
    m = _CLAUSE_SEP.search(text, start, end)
    return m.start() if m else end


# ---------------------------------------------------------------------------


def extract_funding(ctx: "PreparedDoc") -> list[FundingAmount]:
    text = ctx.text
    amounts = [a for a in ctx.amounts if not a.per_unit]
    parent = _parents(ctx, amounts)
    has_parts = set(parent.values())
    records: list[FundingAmount] = []
    for i, a in enumerate(amounts):
        s, e = ctx.sentence_at(a.start)
        line = ctx.line_at(a.start)
        body_start = max(s, line.body_start)
        label_start = _label_start(text, body_start, a.start)
        if i in parent:
            role, rule = "component", "funding.breakdown_part"
        elif i in has_parts:
            role, rule = "total", "funding.breakdown_total"
        else:
            role = _role_cue(text, s, a.start)
            if role in (None, "total"):
                # "… 1.500 triệu đồng, dự kiến từ ngân sách huyện": a cue after the amount, before the next one
                next_start = amounts[i + 1].start if i + 1 < len(amounts) else e
                after = _role_cue(text, a.end, min(_clause_end(text, a.end, e), next_start))
                role = after if after not in (None, "total") else role
            if role is None:
                intro = ctx.intro_line(line)
                if intro is not None:
                    role = _role_cue(text, intro.start, intro.end)
                    role = role if role != "total" else None
            rule = "funding.amount"
        source = None
        if i in parent:
            source = _label_source(text[label_start:a.start])
        if source is None:
            found = _source_in(text, label_start, a.start)
            if found is None and i not in has_parts:
                found = _source_in(text, a.end, _clause_end(text, a.end, e))
            source = found[0] if found else None
        records.append(
            FundingAmount(
                start=a.start,
                end=a.end,
                rule=rule,
                amount_vnd=a.amount_vnd,
                amount_text=a.text,
                role=role,
                source=source,
                purpose=_purpose(text, body_start, a.start, (a.end, _clause_end(text, a.end, e))),
                period=ctx.resolve_period(a.start, "target" if role == "estimate" else None),
            )
        )
    for i, j in parent.items():
        part, total = records[i], records[j]
        part.parent_start = total.start
        part.purpose = total.purpose or part.purpose
        part.period = total.period
    return records


COMPONENT = Component(
    name="funding", record=FundingAmount, run=extract_funding,
    label="role",
    shown=("amount_vnd", "role", "source", "purpose", "period"),
    requires=("amounts", "structure", "sentence_spans", "meta"),
    enums={"role": ("total", "component", "estimate", "spent"),
           "source": ("ngan_sach_huyen", "ngan_sach_xa", "ngan_sach_tinh", "trung_uong", "dan_gop",
                      "long_ghep", "doanh_nghiep", "xa_hoi_hoa")},
)
