"""extract.numbers: golden cases (tests/cases/numbers.yaml, money.yaml) and invariants."""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from extract import numbers as N

from tests.extract.helpers import load_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "tests" / "cases"
SAMPLES = sorted((ROOT / "corpus" / "samples").glob("*.txt"))




def first_percentage(text: str):
    found = N.find_percentages(text)
    assert found, f"no percentage in {text!r}"
    return found[0]


def run_case(case: dict):
    """The function's result in the shape the YAML `expect` uses."""
    fn, text = case["fn"], case["text"]
    if fn in ("parse_vn_number", "parse_number_words", "parse_vnd_amount"):
        return getattr(N, fn)(text)
    if fn == "find_numbers":
        kinds = case.get("kinds")
        return [[m.text, m.value, m.kind] for m in N.find_numbers(text) if not kinds or m.kind in kinds]
    if fn == "find_fractions":
        return [[m.text, m.numerator, m.denominator] for m in N.find_fractions(text)]
    if fn == "find_percentages":
        return [[m.text, m.value, m.comparator_hint] for m in N.find_percentages(text)]
    if fn == "find_comparator":
        return N.find_comparator(text, first_percentage(text))
    if fn == "find_ranges":
        return [[m.text, m.low, m.high] for m in N.find_ranges(text)]
    if fn == "find_vnd_amounts":
        return [[m.text, m.amount_vnd, m.per_unit] for m in N.find_vnd_amounts(text)]
    raise AssertionError(f"unknown fn {fn}")


@pytest.mark.parametrize("case", load_cases("numbers.yaml") + load_cases("money.yaml"))
def test_golden_case(case):
    got = run_case(case)
    assert got == case["expect"]
    if isinstance(got, (int, float)) and not isinstance(got, bool):
        assert type(got) is type(case["expect"]), "int for integers, float for decimals"


def test_money_is_exact_integer():
    amount = N.parse_vnd_amount("1,123456789 tỷ đồng")
    assert isinstance(amount, int) and amount == 1_123_456_789


def _vn_grouped(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@given(st.integers(min_value=1000, max_value=10**15))
def test_grouped_thousands_round_trip(n):
    assert N.parse_vn_number(_vn_grouped(n)) == n


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=999))
def test_decimal_comma_round_trip(whole, frac):
    written = f"{_vn_grouped(whole) if whole >= 1000 else whole},{frac:03d}"
    assert N.parse_vn_number(written) == float(Decimal(f"{whole}.{frac:03d}"))


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=99),
       st.sampled_from([("triệu", 10**6), ("tỷ", 10**9), ("nghìn", 10**3)]))
def test_money_decimal_scale_exact(whole, frac, scale):
    word, factor = scale
    written = f"{whole},{frac:02d} {word} đồng"
    expected = int(Decimal(f"{whole}.{frac:02d}") * factor)
    assert N.parse_vnd_amount(written) == expected


@pytest.mark.parametrize(
    ("words", "value"),
    [("một", 1), ("mười một", 11), ("hai mươi", 20), ("bốn mươi tư", 44), ("năm mươi lăm", 55),
     ("một trăm", 100), ("ba trăm linh tám", 308), ("một nghìn", 1000), ("hai triệu", 2_000_000),
     ("một trăm hai", 120), ("hai nghìn ba", 2300), ("mười nghìn", 10_000)],
)
def test_number_words(words, value):
    assert N.parse_number_words(words) == value


@pytest.fixture(scope="module")
def sample_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in SAMPLES}


FINDERS = [N.find_numbers, N.find_fractions, N.find_percentages, N.find_ranges, N.find_vnd_amounts]


@pytest.mark.parametrize("finder", FINDERS, ids=lambda f: f.__name__)
def test_match_text_is_its_span(sample_texts, finder):
    assert sample_texts
    for text in sample_texts.values():
        for m in finder(text):
            assert m.text == text[m.start:m.end]


def test_number_matches_do_not_overlap(sample_texts):
    for text in sample_texts.values():
        found = N.find_numbers(text)
        assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_numbers_never_inside_fractions(sample_texts):
    for text in sample_texts.values():
        fractions = N.find_fractions(text)
        for n in N.find_numbers(text):
            assert not any(f.start <= n.start < f.end for f in fractions), n


def test_money_matches_reparse(sample_texts):
    """Every found amount is also what parse_vnd_amount reads from its own text."""
    for text in sample_texts.values():
        for m in N.find_vnd_amounts(text):
            core = m.text.split("/")[0]
            assert N.parse_vnd_amount(core) == m.amount_vnd


CONTEXT_KINDS = ("calendar_lead", "quarter_word", "ordinal_lead", "year_lead", "label_words")


def test_no_context_word_ends_a_word_of_a_later_kind():
    """The context before a number is read backwards (see `_grammar`), which finds what a forward
    search finds only while a word of one kind never ends a word of a kind tried after it."""
    from gazetteer.lexicon import load_data, words
    listed = load_data("context_words")
    kinds = [[" ".join(w.lower().split()) for w in (listed[k] if k in listed else words(k))] for k in CONTEXT_KINDS]
    for i, earlier in enumerate(kinds):
        for later in kinds[i + 1:]:
            assert not [(a, b) for a in earlier for b in later if b != a and b.endswith(a)]


@pytest.mark.parametrize("text, kind, context", [
    ("Phần thứ 3", "ordinal", "thứ 3"), ("từ năm 2021", "year", "2021"), ("tiểu mục 4", "label", "4"),
    ("tiêu chí số 2, 5 và 7", "label", "7"), ("năm 2020, 2021", None, "2021"), ("quý 3", None, None)])
def test_number_context_read_backwards(text, kind, context):
    found = [(m.kind, m.text) for m in N.find_numbers(text)]
    if context is None:
        assert found == []
    else:
        assert found[-1][1] == context and (kind is None or found[-1][0] == kind)


def test_number_context_as_a_forward_search_finds_it(sample_texts):
    import regex
    backward = N._grammar().number_context
    forward = regex.compile(backward.pattern.removeprefix("(?r)"), backward.flags & ~regex.REVERSE)

    def read(ctx):
        return ctx and (ctx.start(), [k for k in N._CONTEXT_KINDS if ctx[k] is not None], bool(ctx["list"]))
    for text in sample_texts.values():
        for m in regex.finditer(r"(?<![\p{L}\d.,/])\d", text):
            window = (max(0, m.start() - 40), m.start())
            a, b = backward.search(text, *window), forward.search(text, *window)
            assert read(a) == read(b)


def test_data_loaded_once():
    N.find_numbers("đạt 18/19 tiêu chí, hai tiêu chí")
    N.find_vnd_amounts("7 tỷ đồng")
    before = N.load_data.cache_info().misses
    N.find_numbers("năm 2024 đạt 02 tiêu chí")
    N.find_vnd_amounts("500 triệu đồng")
    N.find_percentages("≤ 6,5%")
    assert N.load_data.cache_info().misses == before


def test_comparator_words_from_data():
    words = N.comparator_words()
    assert words["after"]["trở lên"] == "ge"
    assert words["before"]["dưới"] == "lt"
    assert words["symbols"]["≤"] == "le"


def _sign_scans():
    from extract import computations
    g = N._grammar()
    return [(g.fraction, N.FRACTION_STRETCH), (g.percent, N.PERCENT_STRETCH),
            (computations._chain_pattern(), computations.CHAIN_STRETCH)]


@given(st.text(alphabet="0123456789 ./,%=+-–x×≥<aQĐ\n", max_size=60))
@example("đạt 1/2,5 và 3/4-QĐ")
def test_stretches_around_a_sign_hold_what_a_full_scan_finds(text):
    """Fractions, percentages and computations read only around their "/", "%" or "=" are those
    a scan of the whole text finds."""
    for pattern, around in _sign_scans():
        windows = N.sign_windows(text, around)
        assert [m.span() for m in N.matches_in(pattern, text, windows)] == [m.span() for m in pattern.finditer(text)]


def test_stretches_around_a_sign_in_samples(sample_texts):
    for text in sample_texts.values():
        for pattern, around in _sign_scans():
            windows = N.sign_windows(text, around)
            assert [m.span() for m in N.matches_in(pattern, text, windows)] == [m.span() for m in pattern.finditer(text)]
