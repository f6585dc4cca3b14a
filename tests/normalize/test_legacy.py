"""repair_legacy: TCVN3 / VNI / VISCII read as Windows-1252, and UTF-8 mojibake."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
import yaml

from normalize.document import MappedText
from normalize.glyphs import repair_glyphs
from normalize.legacy import repair_legacy, tables

CASES = yaml.safe_load((Path(__file__).parents[1] / "cases" / "legacy_repair.yaml").read_text(encoding="utf-8"))["cases"]
SAMPLES = sorted((Path(__file__).parents[2] / "corpus" / "samples").glob("*.txt"))


def _param(case):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else []
    return pytest.param(case, id=case["name"], marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_legacy_case(case):
    mt, counts = repair_legacy(MappedText.identity(case["input"]), frozenset(case.get("fonts", [])))
    assert mt.text == case["expected"]
    if "counts" in case:
        assert dict(counts) == case["counts"]
    if case["expected"] == case["input"]:
        assert not counts


def test_samples_are_left_alone():
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        mt, counts = repair_legacy(MappedText.identity(text), frozenset({"Times New Roman"}))
        assert mt.text == text and not counts, path.name


def _sample_words() -> list[str]:
    words = []
    for path in SAMPLES:
        words += repair_glyphs(MappedText.identity(path.read_text(encoding="utf-8")))[0].text.split()
    return words


def test_random_good_vietnamese_sentences_are_left_alone():
    """Sentences drawn at random from real Vietnamese words, with punctuation and numbers."""
    words = _sample_words()
    rng = random.Random(7)
    for _ in range(300):
        sentence = " ".join(rng.choice(words) for _ in range(rng.randrange(3, 25)))
        sentence = sentence[0].upper() + sentence[1:] + rng.choice([".", ";", ":", " “trích”.", " (2×3)."])
        mt, counts = repair_legacy(MappedText.identity(sentence))
        assert mt.text == sentence and not counts, sentence


def test_vni_pairs_map_two_characters_to_one_source_offset():
    source = "Coäng hoøa"
    mt, _ = repair_legacy(MappedText.identity(source + " xaõ hoäi chuû nghóa"))
    assert mt.text.startswith("Cộng hòa")
    assert list(mt.src[:4]) == [0, 1, 3, 4]  # "ộ" came from "oä" at offsets 1-2
    assert mt.src[-1] == len(source + " xaõ hoäi chuû nghóa")


def test_tables_are_one_to_one():
    """Each byte or sequence names one letter, and no two name the same one within TCVN3 or VISCII."""
    t = tables()
    assert len(set(t["tcvn3_bytes"].values())) == len(t["tcvn3_bytes"]) == 74
    assert len(set(t["viscii_bytes"].values())) == len(t["viscii_bytes"])
    assert {"ấ", "ự", "Ộ", "đ", "Đ", "ơ", "ư", "ỵ", "ẳ"} <= set(t["vni"].values())
