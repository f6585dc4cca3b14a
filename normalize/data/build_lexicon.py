"""Build `vietnamese_lexicon.json`: Vietnamese syllables with frequencies, and known neighbour pairs.

Sources (all offline):
- underthesea 9.5 (Apache-2.0) `corpus/data/Viet74K.txt`: 74k Vietnamese words,
  giving syllables and the pairs inside each word;
- underthesea 9.5 `pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt`:
  the VLSP 2013 POS test set (news text), giving frequencies and running-text pairs;
- the five sample plans in `corpus/samples/` (after glyph repair), for the
  administrative register.
Only tokens that pass `is_valid_syllable` are kept.

Run from the repository root: `python -m normalize.data.build_lexicon`.
"""
from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path

import underthesea

from normalize.document import MappedText
from normalize.glyphs import repair_glyphs
from normalize.syllables import WORD_RE, is_valid_syllable

PACKAGE = Path(underthesea.__file__).parent
WORDS = PACKAGE / "corpus" / "data" / "Viet74K.txt"
VLSP = PACKAGE / "pipeline" / "pos_tag" / "models" / "pos_crf_vlsp2013_20230303" / "test_output.txt"
REPO = Path(__file__).resolve().parents[2]
OUT = Path(__file__).parent / "vietnamese_lexicon.json"


def _syllables(text: str) -> list[str | None]:
    """Lowercase syllables of a phrase; None marks a break (punctuation, number, non-syllable)."""
    out: list[str | None] = []
    pos = 0
    for m in WORD_RE.finditer(text):
        if text[pos:m.start()].strip(" "):
            out.append(None)
        word = unicodedata.normalize("NFC", m.group().lower())
        out.append(word if is_valid_syllable(word) else None)
        pos = m.end()
    return out


def _count(seq: list[str | None], unigrams: Counter, bigrams: set, weight: int = 1) -> None:
    for a, b in zip(seq, seq[1:] + [None]):
        if a:
            unigrams[a] += weight
            if b:
                bigrams.add(f"{a} {b}")


def build(sample_paths: list[Path]) -> dict:
    unigrams: Counter = Counter()
    bigrams: set[str] = set()
    for line in WORDS.read_text(encoding="utf-8").splitlines():
        _count(_syllables(line), unigrams, bigrams)
    sentence: list[str] = []
    for line in VLSP.read_text(encoding="utf-8").splitlines() + [""]:
        if line.strip():
            sentence.append(line.split("\t")[0])
        elif sentence:
            _count(_syllables(" ".join(sentence)), unigrams, bigrams)
            sentence = []
    for path in sample_paths:
        text, _ = repair_glyphs(MappedText.identity(path.read_text(encoding="utf-8")))
        for line in text.text.splitlines():
            _count(_syllables(line), unigrams, bigrams)
    return {
        "source": "underthesea 9.5 (Apache-2.0): Viet74K word list and VLSP 2013 POS test text; "
                  "the five sample plans in corpus/samples. Built by normalize/data/build_lexicon.py.",
        "syllables": dict(sorted(unigrams.items())),
        "bigrams": "\n".join(sorted(bigrams)),
    }


if __name__ == "__main__":
    data = build(sorted((REPO / "corpus" / "samples").glob("*.txt")))
    OUT.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"{len(data['syllables'])} syllables, {data['bigrams'].count(chr(10)) + 1} pairs, {OUT.stat().st_size} bytes")
