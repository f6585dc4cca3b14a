"""Vietnamese dates, periods and deadline relations in normalized text.

Dates are written day-first (`08/3/2022`, "ngày 08 tháng 3 năm 2022"), months as
"tháng 10/2024" or "tháng 12 năm 2024", quarters as "quý III/2024" or "quý I năm
2024", years as "năm 2024". Every match carries `(start, end)` offsets into the
given text, `text == input[start:end]`, an ISO value that may be partial
(`2022-03-08`, `2024-10`, `2024-Q3`, `2024`) and its precision.

Period phrases ("6 tháng đầu năm 2023", "cuối năm 2023") are returned with the
year as ISO value, precision 'year' and a `part` naming the part of the year
(first_half, second_half, first_9_months, start, middle, end; see
data/date_words.yaml), so callers that want a single year keep working.

A bare "10/2024" (no "tháng") is read as month/year only when the month is
1..12 and the year 1990..2100. Impossible dates (32/13/2022) are dropped.
Day/month without a year ("ngày 30/9") is not returned: it has no ISO value.
"""
from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import regex

from gazetteer.lexicon import expand, load_data, words, words_alternation
from gazetteer.text import caseless, match_at, phrase_windows

_YEAR_MIN, _YEAR_MAX = 1900, 2100
_BARE_YEAR_MIN, _BARE_YEAR_MAX = 1990, 2100
_DASH = "[-–—]"  # between the years of a range


@dataclass(slots=True, frozen=True)
class DateMatch:
    start: int
    end: int
    iso: str
    precision: str  # day | month | quarter | year
    text: str
    part: str | None = None  # part of the year for period phrases ("first_half", "end", ...)


@dataclass(slots=True, frozen=True)
class PeriodMatch:
    start: int
    end: int
    period: str  # "2023", "2024-Q1", "2024-12", or "2021-2025" for a range
    kind: str = "year"  # year | quarter | month | range
    low: int | None = None  # first year of a range
    high: int | None = None  # last year of a range
    part: str | None = None
    text: str = ""


@dataclass(slots=True, frozen=True)
class _DateGrammar:
    dates: regex.Pattern[str]
    date_starts: "re.Pattern[str]"
    ranges: regex.Pattern[str]
    range_links: "re.Pattern[str]"
    relation_before: regex.Pattern[str]
    issued: regex.Pattern[str]
    issued_day: "re.Pattern[str]"
    month_names: dict[str, int]
    quarters: dict[str, int]
    parts: dict[str, str]
    relations: dict[str, str]
    by_parts: frozenset[str]


def _key(phrase: str) -> str:
    return " ".join(phrase.lower().split())


def _starts(*phrase_lists) -> "re.Pattern[str]":
    """Where a match of a pattern led by these phrases or by a number can begin: a run of digits
    or the first word of a phrase, in any case. Every such pattern begins a number or a word after
    a non-digit or non-letter, so no match begins inside what this finds (the standard `re` finds
    these far faster than `regex` tries its whole pattern at each place)."""
    firsts = sorted({w.split()[0] for phrases in phrase_lists for w in phrases if not w[:1].isdigit()})
    initials = "".join(sorted({c for w in firsts for c in (w[0].lower(), w[0].upper())}))
    # the class of first characters up front lets the scan skip ahead to them
    return re.compile(rf"(?=[\d{re.escape(initials)}])(?:\d+|{'|'.join(caseless(w) for w in firsts)})")


@lru_cache(maxsize=None)
def _grammar() -> _DateGrammar:
    data = load_data("date_words")
    parts = {_key(k): v for k, v in data["year_parts"].items()}
    relations = {_key(k): v for k, v in data["relations"].items()}
    quarters = {str(k).upper(): int(v) for k, v in data["quarter_numerals"].items()}
    part_alt = words_alternation(parts)
    quarter_alt = words_alternation(sorted(quarters, key=len, reverse=True))
    boundary_end = r"(?!\d)(?!\s?/\s?[\p{L}\d])"
    day, month, year, quarter, range_from, range_to = (
        expand(f"@{{{key}}}") for key in ("day_word", "month_word", "year_word", "quarter_word", "range_from", "range_to"))
    day_lead = words_alternation(data["day_leads"])
    month_names = {_key(k): int(v) for k, v in data["month_names"].items()}
    month_name_alt = words_alternation(month_names)
    of_year = rf"(?:\s+(?i:{words_alternation(data['of_words'])}))?"
    dates = regex.compile(
        rf"""
        (?P<dmy_words>(?<!\p{{L}})(?i:{day_lead})\s+(?P<d1>\d{{1,2}})\s+(?i:{month})\s+(?P<m1>\d{{1,2}})\s+(?i:{year})\s+(?P<y1>\d{{4}}){boundary_end})
        |(?P<my_words>(?<!\p{{L}})(?i:{month})\s+(?P<mw>(?i:{month_name_alt}))\s+(?i:{year})\s+(?P<yw>\d{{4}}){boundary_end})
        |(?P<dmy>(?:(?<!\p{{L}})(?i:{day})\s+)?(?<![\p{{L}}\d.,/-])
              (?:(?P<d2>\d{{1,2}})\s?/\s?(?P<m2>\d{{1,2}})\s?/\s?(?P<y2>\d{{4}}|\d{{2}})
                |(?P<d3>\d{{1,2}})(?P<sep>[.-])(?P<m3>\d{{1,2}})(?P=sep)(?P<y3>\d{{4}})){boundary_end})
        |(?P<part_year>(?<![\p{{L}}\d.,])(?P<part>(?i:{part_alt}))\s+(?i:{year})\s+(?P<yp>\d{{4}}){boundary_end})
        |(?P<my>(?<!\p{{L}})(?i:{month})\s+(?P<m4>\d{{1,2}})(?:\s?[/-]\s?|\s+(?i:{year})\s+)(?P<y4>\d{{4}}){boundary_end})
        |(?P<quarter>(?<!\p{{L}})(?i:{quarter})\s+(?P<q>(?i:{quarter_alt}))(?!\p{{L}})(?:\s?[/-]\s?|{of_year}\s+(?i:{year})\s+)(?P<yq>\d{{4}}){boundary_end})
        |(?P<year>(?<!\p{{L}})(?i:{year})\s+(?P<y5>\d{{4}})(?!\d)(?![.,]\d)(?!\s?/\s?[\p{{L}}\d]))
        |(?P<bare_my>(?<![\p{{L}}\d.,/])(?<!\p{{L}}-)(?P<m6>\d{{1,2}})/(?P<y6>\d{{4}}){boundary_end})
        """,
        regex.VERBOSE,
    )
    range_lead = words_alternation(data["range_lead"])
    ranges = regex.compile(
        rf"""
        (?:(?<!\p{{L}})(?i:{range_lead})\s+)?
        (?:(?<!\p{{L}})(?i:{range_from})\s+(?:(?i:{year})\s+)?(?P<lo_w>(?:19|20)\d\d)\s+(?i:{range_to})\s+(?:(?i:{year})\s+)?(?P<hi_w>(?:19|20)\d\d)
          |(?<![\p{{L}}\d.,/-])(?P<lo>(?:19|20)\d\d)\s?{_DASH}\s?(?:(?i:{year})\s+)?(?P<hi>(?:19|20)\d\d))
        (?![\d/])
        """,
        regex.VERBOSE,
    )
    relation_before = regex.compile(
        rf"(?<!\p{{L}})(?P<rel>(?i:{words_alternation(relations)}))\s+\Z"
    )
    issued = regex.compile(
        rf"""
        (?<!\p{{L}})(?P<place>(?:(?:\p{{Lu}}\p{{Ll}}+|\p{{Lu}}{{1,3}}\.)\s*){{1,5}}?)\s*,\s*
        (?i:{day})
        (?:\s*(?P<d>\d{{1,2}})\s?/\s?(?P<m_slash>\d{{1,2}})\s?/\s?(?P<y_slash>\d{{4}})
          |[\s.…_]*(?P<d_w>\d{{1,2}})?[\s.…_]*(?i:{month})[\s.…_]*(?P<m_w>\d{{1,2}})?[\s.…_]*(?i:{year})\s*(?P<y_w>\d{{4}}))
        (?!\d)
        """,
        regex.VERBOSE,
    )
    return _DateGrammar(
        month_names=month_names,
        dates=dates,
        date_starts=_starts(data["day_leads"], *(words(k) for k in ("day_word", "month_word", "year_word", "quarter_word")),
                            parts),
        ranges=ranges,
        # every year range holds a dash or a closing word ("2021-2025", "từ năm 2021 đến năm 2025")
        range_links=re.compile("|".join([_DASH] + [caseless(w) for w in words("range_to")])),
        relation_before=relation_before,
        issued=issued,
        # what every issued line holds: the day word after the place's comma ("Thạch Cẩm, ngày")
        issued_day=re.compile(rf",\s*(?:{'|'.join(caseless(w) for w in words('day_word'))})"),
        quarters=quarters,
        parts=parts,
        relations=relations,
        by_parts=frozenset(data["by_parts"]),
    )


def iso_day(d: str, m: str, y: str) -> str | None:
    """ISO date of day/month/year strings, None if impossible (32/13/2022)."""
    year = int(y)
    if len(y) == 2:
        year += 2000
    if not _YEAR_MIN <= year <= _YEAR_MAX:
        return None
    try:
        return _dt.date(year, int(m), int(d)).isoformat()
    except ValueError:
        return None


def _iso_month(m: str, y: str, *, year_min: int = _YEAR_MIN) -> str | None:
    month, year = int(m), int(y)
    if 1 <= month <= 12 and year_min <= year <= _YEAR_MAX:
        return f"{year:04d}-{month:02d}"
    return None


def _iso_year(y: str) -> str | None:
    return y if _YEAR_MIN <= int(y) <= _YEAR_MAX else None


def _date_of(m: regex.Match[str], g: _DateGrammar) -> tuple[str, str, str | None] | None:
    """(iso, precision, part) of one match of the date pattern, None if invalid."""
    kind = m.lastgroup
    if kind == "dmy_words":
        iso = iso_day(m["d1"], m["m1"], m["y1"])
        return (iso, "day", None) if iso else None
    if kind == "my_words":
        iso = _iso_month(str(g.month_names[_key(m["mw"])]), m["yw"])
        return (iso, "month", None) if iso else None
    if kind == "dmy":
        iso = iso_day(m["d2"], m["m2"], m["y2"]) if m["d2"] else iso_day(m["d3"], m["m3"], m["y3"])
        return (iso, "day", None) if iso else None
    if kind == "part_year":
        iso = _iso_year(m["yp"])
        return (iso, "year", g.parts[_key(m["part"])]) if iso else None
    if kind == "my":
        iso = _iso_month(m["m4"], m["y4"])
        return (iso, "month", None) if iso else None
    if kind == "quarter":
        iso = _iso_year(m["yq"])
        quarter = g.quarters.get(m["q"].upper())
        return (f"{iso}-Q{quarter}", "quarter", None) if iso and quarter else None
    if kind == "year":
        iso = _iso_year(m["y5"])
        return (iso, "year", None) if iso else None
    if kind == "bare_my":
        iso = _iso_month(m["m6"], m["y6"], year_min=_BARE_YEAR_MIN)
        return (iso, "month", None) if iso else None
    return None


# Every date ends in a year: four digits, or two after "d/m/". Scanning only a
# short window before each year keeps the word-led date pattern off most text.
_YEAR_ANCHOR_RE = regex.compile(r"(?=\d)(?:(?<!\d)\d{4}(?!\d)|\d{1,2}\s?/\s?\d{1,2}\s?/\s?\d{2}(?!\d))")
_WINDOW_BEFORE = 48  # longer than any written prefix ("ngày 08 tháng 3 năm ", "sáu tháng cuối năm ")
_WINDOW_AFTER = 8  # room for the lookaheads after a year ("/ TT-…" makes it a document number)


def year_windows(text: str) -> list[tuple[int, int]]:
    """Merged spans [year - 48, year end] that contain every possible date or year range."""
    windows: list[tuple[int, int]] = []
    for m in _YEAR_ANCHOR_RE.finditer(text):
        start = max(0, m.start() - _WINDOW_BEFORE)
        end = min(len(text), m.end() + _WINDOW_AFTER)
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows


def _matches_at_starts(pattern: regex.Pattern[str], starts: "re.Pattern[str]", text: str,
                windows: list[tuple[int, int]]) -> list[regex.Match[str]]:
    """What `pattern.finditer(text, ws, we)` finds in every window, tried only where `starts`
    finds a place a match can begin (the patterns read here never match an empty string)."""
    out = []
    for ws, we in windows:
        end = ws
        for start in starts.finditer(text, ws, we):
            if start.start() >= end and (m := match_at(pattern, text, start.start(), we)) is not None:
                out.append(m)
                end = m.end()
    return out


def find_dates(text: str, windows: list[tuple[int, int]] | None = None) -> list[DateMatch]:
    """Every calendar date, month, quarter and year in text, left to right (read inside its
    `year_windows`, when known)."""
    g = _grammar()
    out: list[DateMatch] = []
    for m in _matches_at_starts(g.dates, g.date_starts, text, year_windows(text) if windows is None else windows):
        parsed = _date_of(m, g)
        if parsed is not None:
            iso, precision, part = parsed
            out.append(DateMatch(m.start(), m.end(), iso, precision, m.group(), part))
    return out


_ISO_RE = regex.compile(r"(?P<y>\d{4})(?:-Q(?P<q>[1-4])|-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?")


def parse_date_partial(s: str) -> tuple[str, str] | None:
    """(iso, precision) of a string that is one date: "08/3/2022", "quý III/2024", "2024-10"."""
    s = s.strip()
    iso = _ISO_RE.fullmatch(s)
    if iso:
        if iso["q"]:
            return (s, "quarter") if _iso_year(iso["y"]) else None
        if iso["d"]:
            day = iso_day(iso["d"], iso["m"], iso["y"])
            return (day, "day") if day else None
        if iso["m"]:
            month = _iso_month(iso["m"], iso["y"])
            return (month, "month") if month else None
        return (s, "year") if _iso_year(s) else None
    found = find_dates(s)
    if len(found) == 1 and found[0].start == 0 and found[0].end == len(s):
        return found[0].iso, found[0].precision
    return None


def parse_issued_line(line: str) -> tuple[str, str] | None:
    """(partial ISO date, place) of a "Place, ngày … tháng … năm YYYY" line; blanks allowed.

    "Thạch Cẩm, ngày   tháng   năm 2024" → ('2024', 'Thạch Cẩm');
    "Cẩm Thành, ngày tháng 7 năm 2023" → ('2023-07', 'Cẩm Thành').
    """
    g = _grammar()
    m = g.issued.search(line) if g.issued_day.search(line) else None
    if m is None:
        return None
    place = " ".join(m["place"].split())
    if m["y_slash"]:
        iso = iso_day(m["d"], m["m_slash"], m["y_slash"])
    elif m["d_w"] and m["m_w"]:
        iso = iso_day(m["d_w"], m["m_w"], m["y_w"])
    elif m["m_w"]:
        iso = _iso_month(m["m_w"], m["y_w"])
    else:
        iso = _iso_year(m["y_w"])
    return (iso, place) if iso else None


def find_periods(text: str) -> list[PeriodMatch]:
    """Years, quarters, months and year ranges ("giai đoạn 2021-2025", kind='range').

    Full dates (day precision) are not periods and are left out.
    """
    return periods_of_dates(text, find_dates(text))


def periods_of_head(text: str, periods: list[PeriodMatch], windows: list[tuple[int, int]],
                     head_end: int) -> list[PeriodMatch]:
    """`find_periods(text[:head_end])` from the `periods` and `year_windows` of the whole text.

    Dates and ranges are read inside their windows only, so a head whose windows are those of
    the whole text up to its end holds the same periods; one whose last window is cut (or holds
    a year cut in two) is read again."""
    head = text[:head_end]
    own = year_windows(head)
    if own != [w for w in windows if w[1] <= head_end]:
        return find_periods(head)
    last = own[-1][1] if own else 0
    return [p for p in periods if p.end <= last]


def periods_of_dates(text: str, dates: list[DateMatch],
                     windows: list[tuple[int, int]] | None = None) -> list[PeriodMatch]:
    """`find_periods` from the dates `find_dates(text)` already found."""
    g = _grammar()
    ranges: list[PeriodMatch] = []
    for m in (m for ws, we in (year_windows(text) if windows is None else windows) if g.range_links.search(text, ws, we)
              for m in g.ranges.finditer(text, ws, we)):
        lo = int(m["lo"] or m["lo_w"])
        hi = int(m["hi"] or m["hi_w"])
        if lo < hi:
            ranges.append(PeriodMatch(m.start(), m.end(), f"{lo}-{hi}", "range", lo, hi, None, m.group()))
    out = list(ranges)
    kind_of = {"year": "year", "quarter": "quarter", "month": "month"}
    range_starts = [r.start for r in ranges]
    for d in dates:
        if d.precision not in kind_of:
            continue
        if _overlaps(ranges, range_starts, d.start, d.end):
            continue
        year = int(d.iso[:4])
        out.append(PeriodMatch(d.start, d.end, d.iso, kind_of[d.precision], year, year, d.part, d.text))
    out.sort(key=lambda p: p.start)
    return out


def _overlaps(spans: list[PeriodMatch], starts: list[int], start: int, end: int) -> bool:
    """Whether [start, end) overlaps one of `spans` (sorted by start, not overlapping each other)."""
    i = bisect.bisect_left(starts, end) - 1
    return i >= 0 and spans[i].end > start


def relation_words() -> dict[str, str]:
    """Deadline relation phrases → before | by | during (data/date_words.yaml)."""
    return dict(_grammar().relations)


def relation_before(text: str, date_match: DateMatch) -> tuple[str, int] | None:
    """(relation, start of the relation phrase) for the words right before a date.

    "trước tháng 10/2024" → before, "chậm nhất đến 30/9/2022" → by, "trong năm
    2023" → during. A date that is itself an end-of-year phrase ("cuối năm 2023")
    reads as 'by' from its own start when no word precedes it.
    """
    g = _grammar()
    m = g.relation_before.search(text, max(0, date_match.start - 40), date_match.start)
    if m:
        return g.relations[_key(m["rel"])], m.start("rel")
    if date_match.part in g.by_parts:
        return "by", date_match.start
    return None


@lru_cache(maxsize=None)
def _relative_grammar() -> tuple:
    data = load_data("date_words")
    parts = {_key(k): v for k, v in data["relative_years"].items()}
    not_before = words_alternation(data["relative_not_before"])
    phrase = regex.compile(
        rf"(?<!\p{{L}})(?P<rel>(?i:{words_alternation(parts)}))(?!\p{{L}})(?!\s*\d)(?!\s+(?i:{not_before})(?!\p{{L}}))")
    month = expand("@{month_word}")
    # "cuối năm (tháng 10 và tháng 11)": the months in parentheses right after refine it
    refine = regex.compile(rf"\s*\((?P<months>[^()]*?(?<!\p{{L}})(?i:{month})\s+\d{{1,2}}[^()]*)\)")
    month_number = regex.compile(rf"(?<!\p{{L}})(?i:{month})\s+(?P<m>\d{{1,2}})(?!\d)")
    shared = sorted(set.intersection(*(set(k.split()) for k in parts))) if parts else []
    anchor = re.compile(caseless(shared[0])) if shared else None  # a word every phrase holds ("năm")
    return phrase, parts, refine, month_number, anchor


def find_relative_dates(text: str, dates: list[DateMatch], now_year: str | None) -> list[DateMatch]:
    """Phrases naming the year of writing ("năm nay", "cuối năm nay", "đến cuối năm sẽ …") as
    dates of that year: `now_year` (the document's date), else the latest year written before
    the phrase. Months in parentheses right after ("cuối năm (tháng 10 và tháng 11)") make it
    the last of those months. Phrases inside a date already found are skipped."""
    phrase, parts, refine, month_number, anchor = _relative_grammar()
    years_before = [(d.start, d.iso[:4]) for d in dates]
    out = []
    starts = [d.start for d in dates]
    ends_before = list(itertools.accumulate((d.end for d in dates), max))  # dates are in text order
    windows = phrase_windows(text, anchor) if anchor is not None else [(0, len(text))]
    for m in (m for ws, we in windows for m in phrase.finditer(text, ws, we)):
        i = bisect.bisect_left(starts, m.end())  # the dates starting before the phrase ends
        if i and ends_before[i - 1] > m.start():
            continue  # inside a date already found
        year = now_year
        if year is None:
            j = bisect.bisect_left(starts, m.start())
            year = years_before[j - 1][1] if j else None
        if year is None:
            continue
        part = parts[_key(m["rel"])]
        r = refine.match(text, m.end())
        months = [int(x["m"]) for x in month_number.finditer(r["months"])] if r else []
        iso_month = _iso_month(str(months[-1]), year) if months else None
        if iso_month:
            out.append(DateMatch(m.start(), r.end(), iso_month, "month", text[m.start():r.end()], None))
        else:
            out.append(DateMatch(m.start(), m.end(), year, "year", m.group(), part))
    return out
