"""Status cues read with the words that govern them, in a window of the folded text."""
from extract.clauses import status_cues
from gazetteer.text import fold

TEXT = fold("Phấn đấu có thêm 6 xã đạt chuẩn, 2 xã đạt chuẩn nâng cao")


def test_a_verb_governed_by_an_aim_before_the_window_is_a_target():
    start = TEXT.index("2 xa")
    assert [(c.kind, TEXT[c.start:c.end]) for c in status_cues(TEXT, start, scope_start=0)] == [("target", "dat chuan")]


def test_a_window_without_a_cue_or_verb_states_nothing_whatever_governs_it():
    start = TEXT.index("2 xa")
    assert status_cues(TEXT, start, start + 5, scope_start=0) == []
    assert status_cues(TEXT, 0, TEXT.index("6 xa")) != []
