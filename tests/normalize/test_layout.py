"""Layout repair: a pass that calls its result settled is right, so the passes can stop there."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from normalize.document import MappedText
from normalize.layout import MAX_LAYOUT_PASSES, _layout_pass
from tests.normalize.strategies import documents

BUDGET = settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _passes(text: str) -> list[tuple[MappedText, bool]]:
    """Every pass over `text` until one changes nothing, with whether each called its result settled."""
    mt, out = MappedText.identity(text), []
    for _ in range(MAX_LAYOUT_PASSES):
        repaired, _, settled = _layout_pass(mt)
        if repaired.text == mt.text:
            break
        out.append((repaired, settled))
        mt = repaired
    return out


@BUDGET
@given(documents())
def test_a_pass_that_calls_its_result_settled_leaves_a_next_pass_nothing_to_do(text):
    for repaired, settled in _passes(text):
        if settled:
            again, _, _ = _layout_pass(repaired)
            assert again.text == repaired.text and again.src == repaired.src


def test_a_join_that_makes_a_line_full_is_not_settled():
    # Joining "pháp …" to the line before makes it full: the next pass joins "1.000 của của" to it.
    text = ("của của của của của của của\ncủa\ncủa của của… của 0 0\n0 100 14 530 110\n0/19 10 100.000\n"
            "1.000 CỦA ĐẠI DÂN\npháp của của của\n1.000 của của\n+ luật\n0 0 0 9/19 10.000 của của.\ncủa của của")
    passes = _passes(text)
    assert [settled for _, settled in passes] == [False, True]
    assert "của của của 1.000 của của\n" in passes[1][0].text
