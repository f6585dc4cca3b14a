"""Counts, golden cases as data (tests/cases/counts.yaml)."""
from __future__ import annotations

import pytest

from extract.counts import extract_counts
from tests.extract.helpers import context_of, load_cases


@pytest.mark.parametrize("case", load_cases("counts"))
def test_counts_case(case):
    rows = extract_counts(context_of(case["text"]))
    got = [[r.kind, r.value, r.total, r.unit, r.status] for r in rows]
    assert got == [e[:5] for e in case["expect"]]
    for r, e in zip(rows, case["expect"]):
        if len(e) > 5:
            assert r.period == e[5]


def test_the_words_a_count_may_span_follow_the_lexicon(monkeypatch):
    """A count word of more words in the data widens the stretch read before a counted noun."""
    import extract.counts as counts

    lists = {"count_units": ["hai", "hai mươi mốt"], "count_ten": ["mười"], "count_after_ten": ["hai"]}
    monkeypatch.setattr(counts, "words", lambda key: lists[key])
    counts._count_words_before.cache_clear()
    try:
        text = "tổng số có hai mươi mốt "
        assert text[counts._words_start(text, len(text) - 1):] == "hai mươi mốt "
        lists["count_units"] = ["hai"]
        counts._count_words_before.cache_clear()
        assert text[counts._words_start(text, len(text) - 1):] == "mươi mốt "
    finally:
        counts._count_words_before.cache_clear()
