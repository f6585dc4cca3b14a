"""The document scans of the criteria reader find what a `regex` scan of the whole text finds."""
from __future__ import annotations

from extract.criteria import INDICATOR_ID, _citation, _mention_pattern, find_indicator_ids, find_numbered_mentions
from gazetteer.text import fold

TEXT = ("Xã đạt tiêu chí số 5, tiêu chí 17.8 và tiêu trí 2; Mục 15.1 chỉ tiêu số 17.8 (mục15.12) nội dung 3.4.5 "
        "tiêu chí 123, chỉ tiêu 1.2.3 theo Quyết định số 318 / QĐ - TTg và 1980/QĐ-TTg.")


def test_indicator_ids_are_those_a_scan_of_the_text_finds():
    folded = fold(TEXT)
    assert [(m.start, m.id) for m in find_indicator_ids(folded)] == [
        (m.start(), m.group("id")) for m in INDICATOR_ID.finditer(folded)]


def test_mentions_are_those_a_scan_of_the_text_finds():
    folded = fold(TEXT)
    found = [(m.start(), int(m.group("no"))) for m in _mention_pattern().finditer(folded) if 1 <= int(m.group("no")) <= 19]
    assert [(m.start, m.number) for m in find_numbered_mentions(TEXT, folded) if folded.startswith("tieu", m.start)] == found


def test_a_decision_is_cited_with_spaces_anywhere_in_its_number():
    folded = fold(TEXT)
    assert _citation("318/QĐ-TTg").search(folded)
    assert _citation("1980/QĐ-TTg").search(folded)
    assert not _citation("319/QĐ-TTg").search(folded)
