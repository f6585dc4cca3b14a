"""repair_glyphs: look-alike glyphs and stray tone marks, golden cases in tests/cases/glyphs.yaml."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from normalize.document import MappedText
from normalize.glyphs import repair_glyphs

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "glyphs.yaml").read_text(encoding="utf-8"))["cases"]


def _param(case):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_glyph_case(case):
    mt, counts = repair_glyphs(MappedText.identity(case["input"]))
    assert mt.text == case["expected"]
    if "counts" in case:
        assert dict(counts) == case["counts"]
    assert len(mt.src) == len(mt.text) + 1


def test_replacement_keeps_offsets_one_to_one():
    source = "Chƣơng trình ÐẢNG"
    mt, _ = repair_glyphs(MappedText.identity(source))
    assert list(mt.src) == list(range(len(source) + 1))


def test_samples_only_lose_their_oi_glyphs():
    """The sample plans hold ƣ for ư; apart from that nothing changes."""
    for path in sorted((Path(__file__).parents[2] / "corpus" / "samples").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        mt, counts = repair_glyphs(MappedText.identity(text))
        assert mt.text == text.replace("ƣ", "ư").replace("Ƣ", "Ư")
        assert set(counts) <= {"u_horn_glyph"}
