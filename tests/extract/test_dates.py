"""extract.dates: golden cases (tests/cases/dates.yaml) and invariants."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extract import dates as D

from tests.extract.helpers import load_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))




def run_case(case: dict):
    """The function's result in the shape the YAML `expect` uses."""
    fn, text = case["fn"], case["text"]
    if fn == "find_dates":
        return [[m.text, m.iso, m.precision] + ([m.part] if m.part else []) for m in D.find_dates(text)]
    if fn == "parse_date_partial":
        got = D.parse_date_partial(text)
        return None if got is None else list(got)
    if fn == "parse_issued_line":
        got = D.parse_issued_line(text)
        return None if got is None else list(got)
    if fn == "find_periods":
        return [[m.text, m.period, m.kind] for m in D.find_periods(text)]
    if fn == "relation_before":
        found = D.find_dates(text)
        assert found, f"no date in {text!r}"
        got = D.relation_before(text, found[0])
        return None if got is None else [got[0], text[got[1]:found[0].start].strip()]
    if fn == "find_relative_dates":
        found = D.find_relative_dates(text, D.find_dates(text), case.get("now"))
        return [[m.text, m.iso, m.precision] + ([m.part] if m.part else []) for m in found]
    raise AssertionError(f"unknown fn {fn}")


@pytest.mark.parametrize("case", load_cases("dates.yaml"))
def test_golden_case(case):
    assert run_case(case) == case["expect"]


@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_day_month_year_round_trip(day):
    written = f"ngày {day.day:02d}/{day.month}/{day.year}"
    found = D.find_dates(f"ban hành {written} của UBND")
    assert [(m.text, m.iso, m.precision) for m in found] == [(written, day.isoformat(), "day")]


@given(st.integers(min_value=1, max_value=12), st.integers(min_value=1990, max_value=2100))
def test_month_year_round_trip(month, year):
    assert D.parse_date_partial(f"tháng {month}/{year}") == (f"{year}-{month:02d}", "month")
    assert D.parse_date_partial(f"tháng {month} năm {year}") == (f"{year}-{month:02d}", "month")


@given(st.integers(min_value=13, max_value=99), st.integers(min_value=1990, max_value=2100))
def test_impossible_month_rejected(month, year):
    assert D.find_dates(f"đạt {month}/{year} hộ") == []


@pytest.fixture(scope="module")
def sample_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in SAMPLES}


def test_match_text_is_its_span(sample_texts):
    assert sample_texts
    for text in sample_texts.values():
        for m in D.find_dates(text):
            assert m.text == text[m.start:m.end]
        for p in D.find_periods(text):
            assert p.text == text[p.start:p.end]
            if p.kind == "range":
                assert p.low < p.high


def test_windowed_scan_equals_full_scan(sample_texts):
    """Scanning only near years finds exactly what a scan of the whole text finds."""
    g = D._grammar()
    for text in sample_texts.values():
        full = [(m.start(), m.end()) for m in g.dates.finditer(text) if D._date_of(m, g)]
        assert [(m.start, m.end) for m in D.find_dates(text)] == full


_DATE_PHRASES = ["ngày 08 tháng 3 năm 2022", "mồng 5 tháng 4 năm 2026", "tháng chín năm 2026", "ngày 08/3/2022",
                 "30.9.2022", "6 tháng đầu năm 2023", "sáu tháng cuối năm 2023", "nửa đầu năm 2024", "giữa năm 2025",
                 "tháng 10/2024", "tháng 12 năm 2024", "quý III/2024", "quý 4 của năm 2025", "năm 2024", "10/2024",
                 "8/3/22", "2021-2025", "ngày", "năm", "quý", "/", "-", ".", ",", "x", "1", "2024"]
_CASES = [str, str.upper, str.capitalize, str.title]


@given(st.lists(st.tuples(st.sampled_from(_DATE_PHRASES), st.sampled_from(_CASES), st.sampled_from(["", " ", "  "])),
                max_size=12))
def test_dates_tried_where_one_can_begin_are_those_of_a_scan(pieces):
    """Trying the date pattern only where a number or a lead word begins, in any case, finds
    what a scan of each window finds."""
    text = "".join(case(phrase) + glue for phrase, case, glue in pieces)
    g = D._grammar()
    windows = D.year_windows(text)
    scan = [(m.start(), m.end()) for ws, we in windows for m in g.dates.finditer(text, ws, we)]
    assert [(m.start(), m.end()) for m in D._matches_at_starts(g.dates, g.date_starts, text, windows)] == scan


def test_relation_start_precedes_date():
    text = "Thời gian thực hiện xong trước tháng 10/2024."
    date = D.find_dates(text)[0]
    relation, start = D.relation_before(text, date)
    assert relation == "before" and start < date.start and text[start:date.start] == "xong trước "


def test_relation_words_from_data():
    words = D.relation_words()
    assert words["chậm nhất đến"] == "by" and words["trong năm"] == "during"


@pytest.mark.parametrize("path", SAMPLES[:4], ids=lambda p: p.name[:3])
def test_periods_of_a_head_are_those_read_in_the_head(path):
    text = path.read_text(encoding="utf-8")
    windows = D.year_windows(text)
    periods = D.find_periods(text)
    dates = D.find_dates(text)
    # every cut: before, inside and right after each of the first dates, and plain ones
    cuts = sorted({c for d in dates[:30] for c in (d.start, d.start + 2, d.end - 1, d.end, d.end + 3)} | {0, 700, 1500})
    for cut in cuts:
        assert D.periods_of_head(text, periods, windows, cut) == D.find_periods(text[:cut])


@given(st.text(alphabet="0123456789 /-năm giai đoạn quý tháng", max_size=120), st.integers(0, 120))
def test_periods_of_a_head_of_any_text(text, cut):
    periods = D.find_periods(text)
    assert D.periods_of_head(text, periods, D.year_windows(text), cut) == D.find_periods(text[:cut])
