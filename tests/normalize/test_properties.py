"""Properties of normalization on plan-like text: idempotence and the offset map.

The inputs are drawn by `tests.normalize.strategies` with a fixed budget and a
fixed seed (derandomize), so every run checks the same examples.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from normalize.pipeline import normalize_raw, normalize_text
from normalize.raw import RawDocument
from tests.normalize.strategies import documents, lines, markdown_documents

BUDGET = settings(max_examples=100, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


def _offsets_hold(text: str, markup: str) -> None:
    doc = normalize_raw(RawDocument(text=text, file_type="txt", markup=markup))
    assert len(doc.src) == len(doc.text) + 1
    assert list(doc.src) == sorted(doc.src)
    assert all(0 <= s <= len(text) for s in doc.src)


@BUDGET
@given(documents())
def test_normalizing_a_plan_twice_is_normalizing_it_once(text):
    once = normalize_text(text)
    assert normalize_text(once) == once
    _offsets_hold(text, "plain")


@BUDGET
@given(lines())
def test_a_single_line_is_normalized_once_and_for_all(text):
    once = normalize_text(text)
    assert normalize_text(once) == once


@BUDGET
@given(markdown_documents())
def test_normalized_markdown_is_plain_text_that_normalizes_to_itself(text):
    # The result of stripping markdown is plain text: normalizing it again (as plain text) changes
    # nothing. (Read as markdown again it could not stay the same: "\\\\*" is "\\*", which is "*".)
    once = normalize_text(text, markup="markdown")
    assert normalize_text(once) == once
    _offsets_hold(text, "markdown")


# Inputs that once broke idempotence: lines with lone marks, a run of "0" lines with a double space,
# a joined line that became long enough to join the next one; markdown escapes.
ONCE_BROKEN = [
    ("plain", ";\n7\n-\n\u202e\nT\nP\n1\n-g\nan"),
    ("plain", "0\n0\n0\n0\n0\n0\n0\n0  0\n00"),
    ("plain", "- của\n- của\n0 61 19/19 14/19\ntiêu, các phòng,\n4/19 Quý: 19/19 -\n3/19, 9/19, GIẢ 81\n19/19\n- của"),
    ("markdown", "\\\\*"),
    ("markdown", "\\*"),
]


@pytest.mark.parametrize("markup,text", ONCE_BROKEN)
def test_inputs_that_once_broke_idempotence(markup, text):
    once = normalize_text(text, markup=markup)
    assert normalize_text(once) == once
