"""Vietnamese number, fraction, percentage and money grammar for normalized text.

Vietnamese writes `.` between thousands groups and `,` as the decimal mark
(`11.287,4` = 11287.4). Every extractor reads quantities through this module so
that a date (`30/9/2022`), a count fraction (`18/19`), an indicator id (`15.1`),
a section number (`1.2.3.`) or a document number (`318/QĐ-TTg`) is never taken
for a quantity or an amount of money.

All `find_*` functions return matches with `(start, end)` offsets into the
given text and `text == input[start:end]`. Word lists live in `extract/data/`
and are loaded once; patterns are compiled once, on first use.

Reading rules worth knowing:
- A dot followed by exactly three digits groups thousands (`1.784` = 1784). A dot
  followed by anything else (`1.5`, `15.1`) is ambiguous (an English decimal or
  an indicator/section id) and is not read as a number at all.
- `71, 4` (a stray space after the decimal comma) is a decimal only directly
  before `%`, so lists such as `tiêu chí 9, 12` stay separate numbers.
- "năm" is both "five" and "year": it is read as 5 only when a counted noun
  (number_words.yaml `counted_nouns`, e.g. "tiêu chí", "thôn") follows it.
- A number right after a label word ("tiêu chí 17", "thôn 5") is returned with
  kind 'label'; after a year word ("năm 2024", "giai đoạn 2021-2025") with kind
  'year'; after "thứ" with kind 'ordinal'; before `%` with kind 'percent'.
  Quantities have kind 'number'. Dotted ids (`15.1`) are never returned.
- Money amounts are exact integers computed with `Decimal`.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from typing import Any

import re

import regex

from gazetteer.lexicon import expand, load_data, pattern, prefix_alternation, words_alternation
from gazetteer.lexicon import words as lexicon_words
from gazetteer.text import caseless, match_at, matches_at, merged_windows

# ---------------------------------------------------------------------------
# Match records


@dataclass(slots=True, frozen=True)
class NumberMatch:
    start: int
    end: int
    value: int | float
    text: str
    is_word: bool = False
    kind: str = "number"  # number | percent | year | ordinal | label


@dataclass(slots=True, frozen=True)
class RangeMatch:
    start: int
    end: int
    low: int | float
    high: int | float
    text: str = ""


@dataclass(slots=True, frozen=True)
class FractionMatch:
    start: int
    end: int
    numerator: int | float
    denominator: int | float
    text: str = ""


@dataclass(slots=True, frozen=True)
class PercentMatch:
    start: int
    end: int
    value: int | float
    comparator_hint: str | None = None  # from an adjacent symbol only: eq ge le gt lt
    text: str = ""


@dataclass(slots=True, frozen=True)
class MoneyMatch:
    start: int
    end: int
    amount_vnd: int
    text: str
    per_unit: bool = False
    basis: str | None = None  # the unit an amount is given per, when it is a place ("180 tỷ đồng/xã" → "xã")


# ---------------------------------------------------------------------------
# Written numerals

# A numeral starts a token: not glued to a letter, digit, separator or "Covid-".
TOKEN_PRE = r"(?<![\p{L}\d.,/])(?<!\p{L}-)"
# A numeral ends a token: no further digit group and no "/digit" (dates, fractions).
TOKEN_POST = r"(?![.,]?\d)(?!\s?/\s?\d)"
NUM_CORE = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
STRAY_DECIMAL = r"\d+,\s\d{1,2}"  # "71, 4" — only accepted before "%"

_GROUPED_RE = regex.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_PLAIN_RE = regex.compile(r"\d+(?:,\d+)?")
_STRAY_RE = regex.compile(r"(\d+),\s(\d{1,2})")
_SPACED_GROUPS_RE = regex.compile(r"\d{1,3}(?:\.\d{3})+\.\s\d{3}(?:\.\d{3})*(?:,\d+)?")


def parse_vn_decimal(s: str, *, spaced_groups: bool = False) -> Decimal | None:
    """Exact value of a numeral written the Vietnamese way, or None if ambiguous.

    `spaced_groups` accepts a thousands group broken by a joined line
    (`13.055. 000.000`), which only money amounts need.
    """
    s = s.strip()
    if s.isascii() and s.isdigit():  # the common case, which the patterns below read as it is
        return Decimal(s)
    if spaced_groups and _SPACED_GROUPS_RE.fullmatch(s):
        s = s.replace(". ", ".")
    if _GROUPED_RE.fullmatch(s):
        if s.startswith("0."):  # "0.125" is an English decimal, not a thousands group
            return None
        whole, _, frac = s.partition(",")
        return Decimal(whole.replace(".", "") + ("." + frac if frac else ""))
    if _PLAIN_RE.fullmatch(s):
        whole, _, frac = s.partition(",")
        return Decimal(whole + ("." + frac if frac else ""))
    stray = _STRAY_RE.fullmatch(s)
    if stray:
        return Decimal(f"{stray[1]}.{stray[2]}")
    return None


def _as_number(value: Decimal, written: str) -> int | float:
    """int when written without a decimal part, else float."""
    if "," not in written and value == value.to_integral_value():
        return int(value)
    return float(value)


def parse_vn_number(s: str) -> int | float | None:
    """`1.784`→1784, `79,9`→79.9, `11.287,4`→11287.4, `71, 4`→71.4, `02`→2.

    Returns None for ambiguous or list-like input (`1.5`, `15.1`, `1, 2, 3`).
    """
    value = parse_vn_decimal(s)
    return None if value is None else _as_number(value, s)


# ---------------------------------------------------------------------------
# Number words


@lru_cache(maxsize=None)
def _number_word_table() -> dict[str, Any]:
    data = load_data("number_words")
    table: dict[str, Any] = {
        "digits": {str(k): int(v) for k, v in data["digits"].items()},
        "after_tens": {str(k): int(v) for k, v in data["after_tens"].items()},
        "ten": set(data["ten"]),
        "tens": set(data["tens_multiplier"]),
        "zero": set(data["zero_tens"]),
        "zero_hundreds": set(data["zero_hundreds"]),
        "hundred": set(data["hundred"]),
        "scales": {str(k): int(v) for k, v in data["scales"].items()},
        "mot_not_count_next": set(data["mot_not_count_next"]),
        "ordinal_words": {str(k): int(v) for k, v in data["ordinal_words"].items()},
        "counted_nouns": list(data["counted_nouns"]),
    }
    table["all_words"] = (
        set(table["digits"]) | set(table["after_tens"]) | table["ten"] | table["tens"]
        | table["zero"] | table["hundred"] | set(table["scales"])
    )
    return table


def parse_number_words(s: str) -> int | None:
    """Value of a spelled-out Vietnamese number ("hai mươi mốt" → 21), None if malformed.

    A lone digit after a multiplier counts one place lower, as spoken:
    "một trăm hai" = 120, "hai nghìn ba" = 2300 ("một trăm linh hai" = 102).
    """
    t = _number_word_table()
    tokens = s.lower().split()
    if not tokens:
        return None
    total = 0
    section = 0  # value below the current scale (0..999)
    last_scale = 0
    last_digit = 0
    prev: str | None = None  # kind of the previous token
    prev_multiplier = 1
    zero_hundred = False
    for i, tok in enumerate(tokens):
        is_last = i == len(tokens) - 1
        nxt = tokens[i + 1] if not is_last else None
        if tok in t["zero_hundreds"] and prev == "scale" and nxt in t["hundred"]:
            # "… nghìn không trăm …": an empty hundreds place; what follows is written out in full
            prev, last_digit, prev_multiplier = "digit", 0, 1
            zero_hundred = True
            continue
        if prev in ("ten", "tens") and tok in t["after_tens"]:
            d = t["after_tens"][tok]
            section += d
            prev, last_digit = "digit", d
        elif tok in t["digits"]:
            if prev in ("digit",):
                return None
            d = t["digits"][tok]
            if is_last and prev in ("hundred", "scale") and prev_multiplier >= 100 and not zero_hundred:
                # "một trăm hai" = 120, "hai nghìn ba" = 2300
                if prev == "hundred":
                    section += d * 10
                else:
                    total += d * (prev_multiplier // 10)
            else:
                section += d
            prev, last_digit = "digit", d
        elif tok in t["ten"]:
            if prev in ("digit", "ten", "tens"):
                return None
            section += 10
            prev = "ten"
        elif tok in t["tens"]:
            if prev != "digit" or section % 10 != last_digit:
                return None
            section += last_digit * 9
            prev = "tens"
        elif tok in t["zero"]:
            if prev not in ("hundred", "scale"):
                return None
            prev = "zero"
        elif tok in t["hundred"]:
            if prev != "digit" or section >= 10:
                return None
            section *= 100
            prev, prev_multiplier = "hundred", 100
        elif tok in t["scales"]:
            if prev in (None, "zero"):
                return None
            scale = t["scales"][tok]
            if prev == "scale" and scale > last_scale:
                total *= scale  # "nghìn tỷ" = 10^12
                last_scale *= scale
            elif scale > last_scale:
                total = (total + section) * scale
                last_scale = scale
            else:
                total += section * scale
            section = 0
            prev, prev_multiplier = "scale", scale
        else:
            return None
    value = total + section
    return value if value > 0 else None


# ---------------------------------------------------------------------------
# Compiled patterns (built once from data)


@dataclass(slots=True, frozen=True)
class _Grammar:
    numbers: regex.Pattern[str]
    number_context: regex.Pattern[str]
    number_words: regex.Pattern[str]
    number_word_starts: "re.Pattern[str]"
    money_words: regex.Pattern[str]
    ordinal_words: regex.Pattern[str]
    percent: regex.Pattern[str]
    fraction: regex.Pattern[str]
    range: regex.Pattern[str]
    money: regex.Pattern[str]
    money_full: regex.Pattern[str]
    counted_noun_next: regex.Pattern[str]
    word_token: regex.Pattern[str]
    money_scales: dict[str, int]
    standalone_scales: set[str]
    counted_not_money_next: regex.Pattern[str]
    dong_not_currency_next: regex.Pattern[str]
    per_unit_before: regex.Pattern[str]
    per_unit_after: regex.Pattern[str]
    place_bases: frozenset
    money_scales_words: frozenset
    label_before: regex.Pattern[str]
    year_before: regex.Pattern[str]
    date_context_before: regex.Pattern[str]


def _scale_key(written: str) -> str:
    return " ".join(written.lower().split())


@lru_cache(maxsize=None)
def _grammar() -> _Grammar:
    nw = _number_word_table()
    money = load_data("money_units")
    ctx = load_data("context_words")

    # lower-case and sentence-initial capitalized forms ("Hai tiêu chí"); ALL CAPS headings are skipped
    word_forms = nw["all_words"] | {w[:1].upper() + w[1:] for w in nw["all_words"]}
    assert all(w.isalpha() for w in word_forms), "number_word_starts reads single words"
    word_alt = words_alternation(word_forms)
    words_seq = rf"(?<!\p{{L}})(?:{word_alt})(?:\s+(?:{word_alt}))*(?!\p{{L}})"
    label_alt = words_alternation(ctx["label_words"])
    year_alt = words_alternation(ctx["year_lead"])
    calendar_alt = words_alternation(ctx["calendar_lead"])
    ordinal_alt = words_alternation(nw["ordinal_words"])
    not_money_next = words_alternation(money["scale_not_money_next"])
    number_scale_alt = words_alternation(money["scales"])
    scale_alt = rf"(?:{number_scale_alt})(?!\p{{L}})(?!\s+(?:{not_money_next})(?!\p{{L}}))"

    quarter_word, ordinal_lead, number_word, conjunction, range_from, range_to = (
        expand(f"@{{{key}}}") for key in ("quarter_word", "ordinal_lead", "number_word", "conjunction", "range_from", "range_to"))
    # Digit-led tokens; the lookahead guard lets the scanner skip letters quickly.
    numbers = regex.compile(
        rf"""
        (?=\d)(?:
        (?P<docno>{TOKEN_PRE}(?:\d+(?:\s?/\s?\d+)*\s?/\s?\p{{Lu}}[\p{{L}}\d]*(?:\s?[-–]\s?\p{{Lu}}[\p{{L}}\d]*)*
                              |\d+-\p{{Lu}}{{2,}}[\p{{L}}\d]*(?:\s?/\s?\p{{Lu}}[\p{{L}}\d]*)*))
        |(?P<date>{TOKEN_PRE}(?:\d{{1,2}}/\d{{1,2}}/(?:\d{{4}}|\d{{2}})|\d{{1,2}}[.-]\d{{1,2}}[.-]\d{{4}})(?!\d))
        |(?P<slash_year>(?<=(?<!\p{{L}})(?i:{quarter_word})\s+(?i:IV|I{{1,3}}|[1-4])\s?/\s?)\d{{4}}(?!\d))
        |(?P<chain>{TOKEN_PRE}(?P<c1>\d{{1,3}}(?:\.\d{{3}})+|\d+)(?:\s?/\s?(?P<cn>\d{{1,3}}(?:\.\d{{3}})+|\d+))+(?![.,]?\d))
        |(?P<section>(?<![\p{{L}}\d.,/])\d{{1,2}}(?:\.\d{{1,2}})*\s?\.(?=\s+\**\s*\p{{Lu}}|\*))
        |(?P<yearrange>{TOKEN_PRE}(?P<yr1>(?:19|20)\d\d)\s?[-–—]\s?(?P<yr2>(?:19|20)\d\d)(?![\d/-]))
        |(?P<pct>(?P<pnum>{TOKEN_PRE}(?:{STRAY_DECIMAL}|{NUM_CORE}))(?![.,]?\d)\s?%)
        |(?P<num>{TOKEN_PRE}(?:{NUM_CORE}){TOKEN_POST}(?P<scale>\s+{scale_alt})?)
        )
        """,
        regex.VERBOSE,
    )
    # What the words right before a number make of it ("tiêu chí 17", "năm 2024", "thứ 7").
    # Every context ends at the number, so it is read backwards from there: one try, where a
    # forward search tries each of the 40 characters before. The forward search would give the
    # context that starts first; the backward read gives the longest list, then the first kind
    # whose words end there, longest word first: the same context while no word of one kind ends
    # a word of a kind tried after it (a test holds the word lists to that).
    list_tail = rf"(?P<list>(?:\d+(?:\.\d+)*\s*(?:,|;|-|–|(?i:{conjunction}))\s*)*)"
    number_context = regex.compile(
        rf"(?r)(?<!\p{{L}})(?:(?P<calendar>(?i:{calendar_alt}))|(?P<quarter>(?i:{quarter_word}))|(?P<ordinal>(?i:{ordinal_lead}))"
        rf"|(?P<year>(?i:{year_alt}))|(?P<label>(?i:{label_alt})(?:\s+(?i:{number_word}))?\s*:?))\s+{list_tail}\Z"
    )
    number_words = regex.compile(words_seq)
    # An amount written out in words: number and scale words, then a currency word or a money scale
    # ("hai tỷ đồng", "bốn mươi hai nghìn không trăm linh năm đồng", "một trăm hai mươi triệu").
    amount_word_alt = words_alternation(
        nw["all_words"] | nw["zero_hundreds"] | {w[:1].upper() + w[1:] for w in nw["all_words"]})
    money_words = regex.compile(
        rf"(?<!\d\s?)(?<!\p{{L}})(?P<w>(?:{amount_word_alt})(?:\s+(?:{amount_word_alt}))*)"
        rf"(?:\s+(?P<cur>{words_alternation(money['currency_words'])}))?(?!\p{{L}})"
    )
    ordinal_words = regex.compile(rf"(?<!\p{{L}})(?i:{ordinal_lead})\s+(?P<w>(?i:{ordinal_alt}))(?!\p{{L}})")
    symbols = words_alternation(load_data("comparators")["symbols"])
    percent = regex.compile(
        rf"(?:(?P<cmp>{symbols})\s?)?(?P<num>{TOKEN_PRE}(?:{STRAY_DECIMAL}|{NUM_CORE}))(?![.,]?\d)\s?%"
    )
    frac_num = r"\d{1,3}(?:\.\d{3})+|\d+"
    fraction = regex.compile(
        rf"{TOKEN_PRE}(?P<n>{frac_num})(?:\s?/\s?(?P<part>{frac_num}))+(?![.,]?\d)(?!\s?/\s?\p{{L}})(?!-\p{{Lu}})"
    )
    range_num = rf"{NUM_CORE}"
    range_re = regex.compile(
        rf"(?P<from>(?<!\p{{L}})(?i:{range_from})\s+)?(?<!\d[-–/])(?P<lo>{TOKEN_PRE}(?:{range_num}))(?![.,]?\d)"
        rf"(?:\s?(?P<dash>[-–—])\s?|\s+(?P<word>(?i:{range_to}))\s+)"
        rf"(?P<hi>(?:{range_num}))(?![.,]?\d)(?!\s?[-–/]\s?\d)(?![.,]\d)(?!\s*=)(?!-?\p{{Lu}})"
    )
    currency_alt = words_alternation(money["currency_words"])
    money_num = r"\d{1,3}(?:\.\d{3})+(?:\.\s\d{3}(?:\.\d{3})*)?(?:,\d+)?|\d+(?:,\d+)?"
    # "71, 4 tỉ đồng": a decimal comma followed by a stray space, accepted only before a scale word
    stray_money = rf"{STRAY_DECIMAL}(?=\s*(?:{number_scale_alt})(?!\p{{L}}))"
    component = rf"(?:{stray_money}|{money_num})(?![.,]?\d)(?!\s?/\s?\d)"
    money_body = (
        rf"(?P<c>{TOKEN_PRE}{component})(?:\s*(?P<s>{scale_alt}))?"
        rf"(?:\s+(?P<c>{component})\s*(?P<s>{scale_alt}))*"
        rf"(?:\s*(?P<cur>(?:{currency_alt}))(?!\p{{L}}))?"
    )
    money_re = regex.compile(money_body + r"(?P<per>(?:\s?/\s?\p{L}+)+)?")
    money_full = regex.compile(money_body)
    counted = words_alternation(nw["counted_nouns"])
    return _Grammar(
        numbers=numbers,
        number_context=number_context,
        number_words=number_words,
        # where a number written in words may begin: `re` finds these words far faster than `regex`.
        # A number begins with a digit word or "mười" (`_word_number` drops the words before one),
        # and the run read from there ends where the whole run does. Each word is letters only and
        # number_words begins after a non-letter, so no run can begin inside a word found here:
        # the scan may go on after it (no lookahead at each place).
        number_word_starts=re.compile(prefix_alternation(
            w for w in word_forms if w.lower() in nw["digits"] or w.lower() in nw["ten"])),
        money_words=money_words,
        ordinal_words=ordinal_words,
        percent=percent,
        fraction=fraction,
        range=range_re,
        money=money_re,
        money_full=money_full,
        counted_noun_next=regex.compile(rf"\s+(?i:{counted})(?!\p{{L}})"),
        word_token=regex.compile(r"\S+"),
        money_scales={_scale_key(k): int(v) for k, v in money["scales"].items()},
        standalone_scales={_scale_key(k) for k in money["standalone_money_scales"]},
        counted_not_money_next=regex.compile(
            rf"\s+(?i:{words_alternation(money['counted_not_money'])})(?!\p{{L}})"
        ),
        dong_not_currency_next=regex.compile(
            rf"\s+(?i:{words_alternation(money['dong_not_currency_next'])})(?!\p{{L}})"
        ),
        per_unit_before=regex.compile(rf"(?i:{words_alternation(money['per_unit_cues_before'])})"),
        money_scales_words=frozenset(k.lower() for k in money["scales"] if " " not in k),
        place_bases=frozenset(w.lower() for w in money["place_bases"]),
        per_unit_after=regex.compile(rf"\s*(?i:{words_alternation(money['per_unit_after'])})(?!\p{{L}})"),
        label_before=regex.compile(rf"(?<!\p{{L}})(?i:{label_alt})(?:\s+(?i:{number_word}))?\s*:?\s*$"),
        year_before=regex.compile(rf"(?<!\p{{L}})(?i:{year_alt})\s*$"),
        date_context_before=pattern(r"(?<!\p{L})(?i:@{date_context_before})\s*$"),
    )


# ---------------------------------------------------------------------------
# Finders

_SENTENCE_PUNCT = set(".!?:;\n-–+*#(•\"“")
_YEAR_MIN, _YEAR_MAX = 1900, 2100


def _is_year(s: str) -> bool:
    return len(s) == 4 and s.isdigit() and _YEAR_MIN <= int(s) <= _YEAR_MAX


def _word_number(text: str, m: regex.Match[str]) -> NumberMatch | None:
    """Validate a run of number words found in text; trims a trailing "năm" (year)."""
    g = _grammar()
    t = _number_word_table()
    tokens = [(w.start() + m.start(), w.end() + m.start(), w.group()) for w in g.word_token.finditer(m.group())]
    # A number starts with a digit word or "mười" ("trăm", "linh", "tư" alone are other words).
    while tokens and tokens[0][2].lower() not in t["digits"] and tokens[0][2].lower() not in t["ten"]:
        tokens.pop(0)
    # "năm" at the end is "year" unless a counted noun follows ("năm tiêu chí").
    while tokens and tokens[-1][2].lower() in lexicon_words("year_word") and not match_at(g.counted_noun_next, text, tokens[-1][1]):
        tokens.pop()
    if not tokens:
        return None
    first = tokens[0][2]
    if len(tokens) == 1 and t["digits"].get(first.lower()) == 1:
        nxt = text[tokens[0][1]:tokens[0][1] + 12].split()
        if nxt and nxt[0].lower() in t["mot_not_count_next"]:
            return None
    # Capitalized mid-sentence ("Ba Vì") is a name, not a number.
    if first[0].isupper() and not first.isupper():
        at = tokens[0][0]
        while at > 0 and text[at - 1].isspace():
            at -= 1
        if at > 0 and text[at - 1] not in _SENTENCE_PUNCT:
            return None
    start, end = tokens[0][0], tokens[-1][1]
    value = parse_number_words(text[start:end])
    if value is None:
        return None
    return NumberMatch(start, end, value, text[start:end], True, "number")


_CONTEXT_KINDS = ("calendar", "quarter", "ordinal", "year", "label")


def _context_kind(ctx: regex.Match[str] | None) -> str | None:
    """Which context word precedes a number; only labels run on as lists ("tiêu chí 9, 12")."""
    if ctx is None:
        return None
    kind = next(k for k in _CONTEXT_KINDS if ctx[k] is not None)
    return kind if kind == "label" or not ctx["list"] else None


def find_numbers(text: str) -> list[NumberMatch]:
    """Every written number with its kind; dates, fractions, ids and document numbers excluded."""
    g = _grammar()
    t = _number_word_table()
    out: list[NumberMatch] = []

    def add_year(start: int, end: int) -> None:
        if _is_year(text[start:end]):
            out.append(NumberMatch(start, end, int(text[start:end]), text[start:end], False, "year"))

    for m in g.numbers.finditer(text):
        kind = m.lastgroup
        if kind == "num":
            ctx = g.number_context.search(text, max(0, m.start() - 40), m.start())
            ctx_kind = _context_kind(ctx)
            written = m.group()
            if ctx_kind in ("calendar", "quarter"):
                continue  # "ngày 08", "tháng 3", "quý 1" name a day, month or quarter
            if ctx_kind == "year" and not m["scale"]:
                if _is_year(written):
                    add_year(m.start(), m.end())
                    continue
            if ctx_kind == "label" and not m["scale"]:
                if written.isdigit():
                    out.append(NumberMatch(m.start(), m.end(), int(written), written, False, "label"))
                continue
            core = written if m["scale"] is None else text[m.start(): m.start("scale")]
            value = parse_vn_decimal(core)
            if value is None:
                continue
            if m["scale"]:
                value *= g.money_scales[_scale_key(m["scale"])]
            if ctx_kind == "ordinal" and not m["scale"]:
                start = ctx.start()
                out.append(NumberMatch(start, m.end(), _as_number(value, core), text[start:m.end()], False, "ordinal"))
                continue
            out.append(NumberMatch(m.start(), m.end(), _as_number(value, core), written, False, "number"))
        elif kind == "pct":
            value = parse_vn_number(m["pnum"])
            if value is not None:
                out.append(NumberMatch(m.start(), m.end(), value, m.group(), False, "percent"))
        elif kind == "yearrange":
            add_year(m.start("yr1"), m.end("yr1"))
            add_year(m.start("yr2"), m.end("yr2"))
        elif kind == "slash_year":
            add_year(m.start(), m.end())
        elif kind == "chain" and len(m.captures("cn")) == 1:
            ctx = g.number_context.search(text, max(0, m.start() - 40), m.start())
            if _context_kind(ctx) == "calendar":
                add_year(m.start("cn"), m.end("cn"))  # "tháng 10/2024"
        # docno, date, other chains, section: not quantities
    for m in matches_at(g.number_words, text, [c.start() for c in g.number_word_starts.finditer(text)]):
        match = _word_number(text, m)
        if match is None:
            continue
        ctx = g.number_context.search(text, max(0, match.start - 40), match.start)
        if _context_kind(ctx) == "ordinal":
            out.append(NumberMatch(ctx.start(), match.end, match.value, text[ctx.start():match.end], True, "ordinal"))
        else:
            out.append(match)
    for m in g.ordinal_words.finditer(text):
        value = t["ordinal_words"][m["w"].lower()]
        out.append(NumberMatch(m.start(), m.end(), value, m.group(), True, "ordinal"))
    out.sort(key=lambda n: n.start)
    return out


@dataclass(slots=True, frozen=True)
class Stretch:
    """What the matches of a pattern are made of around the sign each holds (`sign_windows`)."""

    sign: str
    signs: "re.Pattern[str]"
    before: regex.Pattern[str]  # the last character outside the stretch before a place
    after: regex.Pattern[str]  # the first one after it
    reach: int  # characters past a stretch that the pattern's lookaheads read


def stretch(sign: str, chars: str, reach: int) -> Stretch:
    """The `Stretch` of characters `chars` (a character class that holds `sign`)."""
    return Stretch(sign, re.compile(re.escape(sign)), regex.compile(rf"(?r)[^{chars}]"), regex.compile(rf"[^{chars}]"), reach)


def sign_windows(text: str, of: Stretch) -> list[tuple[int, int]]:
    """The stretches of `text` around each sign, each with `of.reach` characters more.

    A pattern whose every match holds the sign, whose every try consumes only the stretch's
    characters and whose lookaheads read at most `reach` characters past them finds in these
    stretches what it finds in the whole text: a try consumes no character past its stretch, so
    the stretches read one after the other give the matches in text order even where the extra
    characters of one reach into the next."""
    if of.sign not in text:
        return []
    return [(start, min(len(text), end + of.reach)) for start, end in merged_windows(text, of.signs, of.before, of.after)]


def matches_in(pattern: regex.Pattern[str], text: str, windows: list[tuple[int, int]]):
    """What `pattern` finds in each window of `text`, in order."""
    return (m for start, end in windows for m in pattern.finditer(text, start, end))


# A fraction around its "/"; its lookaheads read two characters past ("1/2,5", "1/2-QĐ" are none).
FRACTION_STRETCH = stretch("/", r"\d./\s", 2)
# A percentage with its comparator symbol, around its "%".
PERCENT_STRETCH = stretch("%", r"\d.,\s%" + regex.escape("".join(sorted(
    {c for symbol in load_data("comparators")["symbols"] for c in symbol}))), 0)


def find_fractions(text: str) -> list[FractionMatch]:
    """Written count fractions "18/19", "71/1.784"; never dates or document numbers.

    A fraction has two parts, numerator ≤ denominator, is not after a calendar
    word (ngày, tháng, quý, số …) and is not a month/year pair ("10/2024").
    """
    g = _grammar()
    out: list[FractionMatch] = []
    for m in matches_in(g.fraction, text, sign_windows(text, FRACTION_STRETCH)):
        if len(m.captures("part")) != 1:
            continue  # a date d/m/y or a chained reference
        if g.date_context_before.search(text, max(0, m.start() - 8), m.start()):
            continue
        num_s, den_s = m["n"], m["part"]
        num, den = parse_vn_number(num_s), parse_vn_number(den_s)
        if num is None or den is None or den == 0 or num > den:
            continue
        if "." not in den_s and _is_year(den_s) and num <= 12:
            continue  # month/year
        out.append(FractionMatch(m.start(), m.end(), num, den, m.group()))
    return out


def find_percentages(text: str) -> list[PercentMatch]:
    """Percentages "79,9%", "≤ 6,5%", "71, 4 %"; hint only from an adjacent symbol."""
    g = _grammar()
    symbols = load_data("comparators")["symbols"]
    out: list[PercentMatch] = []
    for m in matches_in(g.percent, text, sign_windows(text, PERCENT_STRETCH)):
        value = parse_vn_number(m["num"])
        if value is None:
            continue
        hint = symbols.get(m["cmp"]) if m["cmp"] else None
        out.append(PercentMatch(m.start(), m.end(), value, hint, m.group()))
    return out


@lru_cache(maxsize=None)
def _range_start() -> tuple[regex.Pattern[str], "re.Pattern[str]"]:
    """A number followed by a dash or a closing word ("đến"), and the opening word ("từ") that may
    stand before it: where a range can begin, found by patterns far faster than the range's own.
    The numeral's characters are taken at once and none given back (no dash or word begins with
    one), so a try stops at the first character after them."""
    def alternation(key: str) -> str:
        return "|".join(caseless(w) for w in sorted(lexicon_words(key), key=len, reverse=True))
    low = regex.compile(rf"\d[\d.,]*+(?:\s?[-–—]|\s+(?:{alternation('range_to')})\s)")
    opening = re.compile(rf"(?:{alternation('range_from')})$")
    return low, opening


def _range_starts(text: str) -> list[int]:
    low, opening = _range_start()
    longest = max(len(w) for w in lexicon_words("range_from"))
    starts: list[int] = []
    for m in low.finditer(text):
        gap = m.start()
        while gap > 0 and text[gap - 1].isspace():
            gap -= 1
        if gap < m.start():
            before = opening.search(text, max(0, gap - 2 * longest - 8), gap)
            if before:
                starts.append(before.start())
        starts.append(m.start())
    return starts


def find_ranges(text: str) -> list[RangeMatch]:
    """Numeric ranges "từ 02 đến 03", "16-20", "từ 5 – 7"; not year ranges, dates or sums."""
    g = _grammar()
    out: list[RangeMatch] = []
    # The range pattern is tried only where one can begin, which is what a scan would find.
    for m in matches_at(g.range, text, _range_starts(text)):
        if m["word"] and not m["from"]:
            continue  # "đạt 5 đến ..." without "từ" is not a range
        lo, hi = parse_vn_number(m["lo"]), parse_vn_number(m["hi"])
        if lo is None or hi is None or lo > hi:
            continue
        if _is_year(m["lo"]) and _is_year(m["hi"]):
            continue  # "2021-2025" is a period (see extract.dates.find_periods)
        if g.year_before.search(text, max(0, m.start() - 12), m.start()) or g.label_before.search(
            text, max(0, m.start() - 16), m.start()
        ):
            if not m["from"]:
                continue
        out.append(RangeMatch(m.start(), m.end(), lo, hi, m.group()))
    return out


# ---------------------------------------------------------------------------
# Comparators


@lru_cache(maxsize=None)
def comparator_words() -> dict[str, dict[str, str]]:
    """{'symbols': {...}, 'before': {...}, 'after': {...}} phrase → eq/ge/le/gt/lt."""
    data = load_data("comparators")
    return {k: dict(data[k]) for k in ("symbols", "before", "after")}


@lru_cache(maxsize=None)
def _comparator_patterns() -> tuple[regex.Pattern[str], regex.Pattern[str], dict[str, str]]:
    data = load_data("comparators")
    fillers = words_alternation(data["fillers"])
    before = regex.compile(
        rf"(?<!\p{{L}})(?P<w>(?i:{words_alternation(data['before'])}))\s+(?:(?i:{fillers})\s+)?\Z"
    )
    after = regex.compile(rf"\s*(?P<w>(?i:{words_alternation(data['after'])}))(?!\p{{L}})")
    lookup = {" ".join(k.lower().split()): v for k, v in {**data["before"], **data["after"]}.items()}
    change = regex.compile(rf"(?<!\p{{L}})(?i:{words_alternation(data['change_verbs'])})\s+\Z")
    return before, after, lookup, change


def find_comparator(text: str, pct_match: PercentMatch | NumberMatch) -> str | None:
    """Comparator of a percentage from its symbol or from words around it in text.

    "90% trở lên"→ge, "dưới 6,5%"→lt, "không quá 6,5%"→le, "tối thiểu 90%"→ge.
    """
    hint = getattr(pct_match, "comparator_hint", None)
    if hint:
        return hint
    before, after, lookup, change = _comparator_patterns()
    m = match_at(after, text, pct_match.end)
    if m:
        return lookup[" ".join(m["w"].lower().split())]
    m = before.search(text, max(0, pct_match.start - 40), pct_match.start)
    if m:
        if change.search(text, max(0, m.start() - 20), m.start()):
            return None  # "giảm từ 9,4%": where a change starts, a value written as it was
        return lookup[" ".join(m["w"].lower().split())]
    return None


# ---------------------------------------------------------------------------
# Money


def _money_amount(m: regex.Match[str]) -> int | None:
    """Exact amount of a money match; None if the components are malformed."""
    g = _grammar()
    comps = m.captures("c")
    scales = m.captures("s")
    scale_starts = m.starts("s")
    comp_ends = m.ends("c")
    total = Decimal(0)
    prev_scale = None
    for i, written in enumerate(comps):
        value = parse_vn_decimal(written, spaced_groups=True)
        if value is None:
            return None
        # the scale belonging to this component starts after it and before the next one
        nxt = m.starts("c")[i + 1] if i + 1 < len(comps) else m.end()
        scale = 1
        for s_written, s_start in zip(scales, scale_starts):
            if comp_ends[i] <= s_start < nxt:
                scale = g.money_scales[_scale_key(s_written)]
        if prev_scale is not None and scale >= prev_scale:
            return None
        prev_scale = scale
        total += value * scale
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def parse_vnd_amount(text: str) -> int | None:
    """Amount in đồng of a whole phrase: "1 tỷ 200 triệu đồng" → 1200000000, "7 tỷ" → 7e9.

    A bare numeral ("31.003.700.000") is read as đồng. None if the phrase is not an amount.
    """
    m = _grammar().money_full.fullmatch(text.strip())
    if m is not None:
        return _money_amount(m)
    words = find_vnd_amounts(text.strip())
    return words[0].amount_vnd if len(words) == 1 and words[0].text == text.strip() else None


_GROUPED = regex.compile(r"\d\.\d{3}(?!\d)")


def find_vnd_amounts(text: str) -> list[MoneyMatch]:
    """Money amounts with their exact value in đồng; `per_unit` marks per-person/per-year figures.

    An amount needs a currency word (đồng, đ, VNĐ …) or a money scale on its own
    ("7 tỷ", "500 triệu") that is not followed by a counted noun ("3 triệu người").
    """
    g = _grammar()
    out: list[MoneyMatch] = []
    for m in g.money.finditer(text):
        scales = m.captures("s")
        cur = m["cur"]
        if cur is None:
            if not scales or _scale_key(scales[-1]) not in g.standalone_scales:
                continue
            if match_at(g.counted_not_money_next, text, m.end()):
                continue
        grouped = bool(_GROUPED.search(m.group(0)))  # "3.250.000.000": an amount, whatever follows
        if cur is not None and cur.lower() in lexicon_words("currency_dong") and m["per"] is None and match_at(g.dong_not_currency_next, text, m.end()):
            if not scales and not grouped:
                continue
        first = m.captures("c")[0]
        if len(first) == 4 and not scales and g.year_before.search(text, max(0, m.start() - 12), m.start()):
            continue  # "năm 2023 đồng ..." is a year
        if cur in lexicon_words("currency_d_abbrev") and not grouped and g.label_before.search(text, max(0, m.start() - 16), m.start()):
            continue  # "khoản 2 đ" is a clause letter
        amount = _money_amount(m)
        if amount is None:
            continue
        per_unit = bool(m["per"]) or bool(match_at(g.per_unit_after, text, m.end()))
        if not per_unit:
            clause_start = max(
                text.rfind(sep, 0, m.start()) for sep in (".", ";", "\n", ":")
            )
            window = text[max(clause_start + 1, m.start() - 80): m.start()]
            per_unit = bool(g.per_unit_before.search(window))
        basis = None
        if m["per"]:
            last = m["per"].rsplit("/", 1)[-1].strip().lower()
            basis = last if last in g.place_bases else None
        out.append(MoneyMatch(m.start(), m.end(), amount, m.group(), per_unit, basis))
    merged: list[MoneyMatch] = []
    for a in sorted(out + _word_amounts(text), key=lambda a: a.start):
        prev = merged[-1] if merged else None
        # "1 tỷ hai trăm triệu đồng": a written-out group continues the digit-led amount before it
        if (prev is not None and not prev.per_unit and text[prev.end:a.start].isspace() and a.text[:1].isalpha()
                and prev.text.split()[-1].lower() in g.money_scales_words
                and a.amount_vnd < g.money_scales[_scale_key(prev.text.split()[-1])]):
            merged[-1] = MoneyMatch(prev.start, a.end, prev.amount_vnd + a.amount_vnd, text[prev.start:a.end],
                                    a.per_unit, a.basis)
            continue
        merged.append(a)
    return merged


# An amount in words is letters and spaces only: any other character bounds it. So the amounts
# that hold a scale word lie between the bounds before and after a scale word, and only those
# stretches are read (a scan of the whole text for number words costs many times more).
_AMOUNT_BOUND = regex.compile(r"[^\p{L}\s]")
_AMOUNT_BOUND_BEFORE = regex.compile(r"(?r)[^\p{L}\s]")


@lru_cache(maxsize=None)
def _scale_word() -> "re.Pattern[str]":
    """A money scale word as the amount pattern spells them, lower case or capitalised (the
    standard `re` finds these few words far faster than `regex`)."""
    scales = {w for s in _number_word_table()["scales"] for w in (s, s[:1].upper() + s[1:])}
    return re.compile("|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True)))


def _part_of_longer_word(text: str, m) -> bool:
    return text[m.end():m.end() + 1].isalpha()  # a scale word's letters inside a longer word ("tỉnh")


def _scale_windows(text: str) -> list[tuple[int, int]]:
    """Merged [bound before, bound after) stretches around every scale word of `text`."""
    return merged_windows(text, _scale_word(), _AMOUNT_BOUND_BEFORE, _AMOUNT_BOUND, skip=_part_of_longer_word)


def _word_amounts(text: str) -> list[MoneyMatch]:
    """Amounts written out in words; a scale must be written, and a currency word unless the
    last scale is money on its own ("một trăm hai mươi triệu")."""
    g = _grammar()
    scales = _number_word_table()["scales"]
    out = []
    for m in (m for ws, we in _scale_windows(text) for m in g.money_words.finditer(text, ws, we)):
        words = m["w"].lower().split()
        if not any(w in scales for w in words):
            continue
        if m["cur"] is None:
            if _scale_key(words[-1]) not in g.standalone_scales or match_at(g.counted_not_money_next, text, m.end()):
                continue
        elif m["cur"].lower() in lexicon_words("currency_dong") and match_at(g.dong_not_currency_next, text, m.end()):
            continue
        value = parse_number_words(m["w"])
        if value is None:
            continue
        out.append(MoneyMatch(m.start(), m.end(), value, m.group(), False, None))
    return out


# ---------------------------------------------------------------------------
# Readings the audit checks make of numerals already found (they hold no patterns of their own)

_NOT_NUMERAL = regex.compile(r"[^\d,.]")
_RATIO = regex.compile(
    r"(?<![\d.,/])(?P<a>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)\s*(?:\p{L}{1,3})?\s*/\s*"
    r"(?P<b>\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)(?![\d.,]*/)(?!\s?%)")
_SPLIT_NUMERAL_TAIL = regex.compile(r"\d,\s+$")
_PERCENT_AFTER = regex.compile(r"\s*(?P<n>\d+(?:,\d+)?)\s?%")
_PER_AFTER = regex.compile(r"\s*/\s*(?P<n>\d+(?:\.\d{3})*)?\s*")
_SCALE_WORDS = pattern(r"(?i)\b(?:@{money_scale_words})\b")


def written_decimal(written: str) -> tuple[Decimal, int] | None:
    """The exact value of a written figure ("79,9%", "71, 4 %") and its decimal places."""
    digits = _NOT_NUMERAL.sub("", written)
    value = parse_vn_decimal(digits.replace(", ", ","))
    return (value, len(digits.partition(",")[2])) if value is not None else None


def ratio_at(text: str, pos: int) -> tuple[int, int, Decimal, Decimal] | None:
    """(start, end, numerator, denominator) of a ratio written at `pos`: "118,3/130",
    "7,1km/7,1km" (a short unit after the first numeral allowed); not a date, a document
    number or a percentage."""
    m = match_at(_RATIO, text, pos)
    if not m:
        return None
    a, b = parse_vn_decimal(m["a"]), parse_vn_decimal(m["b"])
    return (m.start(), m.end(), a, b) if a is not None and b is not None else None


def continues_a_numeral(text: str, start: int) -> bool:
    """Whether a figure at `start` is the tail of a numeral split after its decimal comma ("71, 4")."""
    return bool(_SPLIT_NUMERAL_TAIL.search(text, max(0, start - 4), start))


def percent_after(text: str, pos: int) -> tuple[int, Decimal, int] | None:
    """(end, value, decimal places) of a plain percentage right after `pos` ("chiếm 40%")."""
    m = match_at(_PERCENT_AFTER, text, pos)
    if not m:
        return None
    value = parse_vn_decimal(m.group("n"))
    return (m.end(), value, len(m.group("n").partition(",")[2])) if value is not None else None


def per_after(text: str, pos: int) -> tuple[int, Decimal] | None:
    """(end, count) of a "per" slash after a unit ("tiêu chí/xã", "13 tiêu chí/ 1 xã"); count 1 when unwritten."""
    m = match_at(_PER_AFTER, text, pos)
    if not m:
        return None
    return m.end(), (parse_vn_decimal(m.group("n")) if m.group("n") else Decimal(1))


def written_with_scale(written: str) -> bool:
    """Whether an amount is written with a scale word ("7 tỷ", "500 triệu")."""
    return bool(_SCALE_WORDS.search(written or ""))
