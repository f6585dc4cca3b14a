"""Break the clean sample plans in every known way, repair them, and measure what comes back.

Reversible classes (glyph look-alikes, legacy 8-bit encodings, UTF-8 mojibake)
must restore at least 99.9% of characters; on the lossy class (broken-font
confusions, split syllables, lost spaces) at least 95% of broken syllables must
come back and no correct syllable may change. `pytest -s` prints the figures.
"""
from __future__ import annotations

import difflib
import random
import unicodedata
from pathlib import Path

import pytest

from normalize.decode import decode_bytes
from normalize.document import MappedText
from normalize.glyphs import repair_glyphs
from normalize.legacy import repair_legacy, tables
from normalize.syllables import WORD_RE, repair_broken_text

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "corpus" / "samples").glob("*.txt"))
REVERSIBLE_MIN = 0.999
LOSSY_MIN = 0.95


def clean(path: Path) -> str:
    """A sample with its own ƣ glyphs repaired: the reference text."""
    return repair_glyphs(MappedText.identity(path.read_text(encoding="utf-8")))[0].text


def char_restore_rate(reference: str, repaired: str) -> float:
    ref_lines, out_lines = reference.split("\n"), repaired.split("\n")
    assert len(ref_lines) == len(out_lines)
    same = sum(sum(b.size for b in difflib.SequenceMatcher(None, r, o, autojunk=False).get_matching_blocks())
               for r, o in zip(ref_lines, out_lines))
    return (same + len(ref_lines) - 1) / max(1, len(reference))


def assert_offsets(mt: MappedText, source_len: int) -> None:
    assert len(mt.src) == len(mt.text) + 1
    assert all(a <= b for a, b in zip(mt.src, mt.src[1:]))
    assert mt.src[-1] == source_len


# ----------------------------------------------------------------- encoders


def _cp1252_char(ch: str) -> bytes:
    try:
        return ch.encode("cp1252")
    except UnicodeEncodeError:
        return b"?"


def encode_tcvn3(text: str) -> bytes:
    """TCVN3 bytes; capital toned letters as in a .VnTimeH font (lowercase code, capital glyph)."""
    inverse = {ch: bytes([b]) for b, ch in tables()["tcvn3_bytes"].items()}
    out = []
    for ch in text:
        if ch in inverse:
            out.append(inverse[ch])
        elif ch.lower() in inverse and not ch.isascii():
            out.append(inverse[ch.lower()])
        else:
            out.append(_cp1252_char(ch))
    return b"".join(out)


def encode_vni(text: str) -> bytes:
    inverse: dict[str, str] = {}
    for seq, ch in tables()["vni"].items():
        inverse.setdefault(ch, seq)
    inverse["ỵ"], inverse["Ỵ"] = "î", "Î"
    return b"".join(inverse[ch].encode("cp1252") if ch in inverse else _cp1252_char(ch) for ch in text)


def encode_viscii(text: str) -> bytes:
    inverse = {ch: bytes([b]) for b, ch in tables()["viscii_bytes"].items()}
    out = []
    for ch in text:
        if ch in inverse:
            out.append(inverse[ch])
        else:
            try:
                out.append(ch.encode("latin-1"))
            except UnicodeEncodeError:
                out.append(b"?")
    return b"".join(out)


def read_as_cp1252(data: bytes) -> str:
    """What a Windows-1252 reader shows; its five undefined bytes come through as C1 controls."""
    return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)


def representable(text: str, encode) -> str:
    """The reference text with characters the encoding cannot hold replaced by '?', as the encoder does."""
    return "".join(ch if b"?" not in encode(ch) or ch == "?" else "?" for ch in text)


# ----------------------------------------------------------------- reversible classes

GLYPH_BREAKS = {
    "u_horn_glyph": str.maketrans({"ư": "ƣ", "Ư": "Ƣ"}),
    "d_bar_glyph": str.maketrans({"đ": "ð", "Đ": "Ð"}),
}
ENCODERS = {"tcvn3": encode_tcvn3, "vni": encode_vni, "viscii": encode_viscii}


@pytest.mark.parametrize("kind", sorted(GLYPH_BREAKS))
def test_glyph_breakage_is_restored(kind):
    total_rate = []
    for path in SAMPLES:
        reference = clean(path)
        broken = reference.translate(GLYPH_BREAKS[kind])
        mt, counts = repair_glyphs(MappedText.identity(broken))
        mt, _ = repair_legacy(mt)
        assert_offsets(mt, len(broken))
        assert counts[kind] == sum(a != b for a, b in zip(reference, broken))
        total_rate.append(char_restore_rate(reference, mt.text))
    rate = min(total_rate)
    print(f"\n{kind}: worst sample restores {rate:.4%} of characters")
    assert rate >= REVERSIBLE_MIN


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
def test_legacy_encoding_read_as_cp1252_is_restored(encoding):
    rates, decode_rates = [], []
    for path in SAMPLES:
        reference = representable(clean(path), ENCODERS[encoding])
        data = ENCODERS[encoding](reference)
        broken = read_as_cp1252(data)
        mt, counts = repair_legacy(MappedText.identity(broken))
        assert_offsets(mt, len(broken))
        assert set(counts) == {encoding}
        rates.append(char_restore_rate(reference, mt.text))
        text, label = decode_bytes(data)
        assert label == encoding
        decode_rates.append(char_restore_rate(reference, text))
    print(f"\n{encoding}: repair_legacy worst sample {min(rates):.4%}, mean {sum(rates) / len(rates):.4%};"
          f" decode_bytes worst {min(decode_rates):.4%}")
    assert min(rates) >= REVERSIBLE_MIN
    assert min(decode_rates) >= REVERSIBLE_MIN


def test_utf8_read_as_cp1252_is_restored():
    rates = []
    for path in SAMPLES:
        reference = clean(path)
        broken = read_as_cp1252(reference.encode("utf-8"))
        mt, counts = repair_legacy(MappedText.identity(broken))
        assert_offsets(mt, len(broken))
        assert set(counts) == {"cp1252_mojibake"}
        rates.append(char_restore_rate(reference, mt.text))
    print(f"\ncp1252_mojibake: worst sample restores {min(rates):.4%} of characters")
    assert min(rates) >= REVERSIBLE_MIN


# ----------------------------------------------------------------- lossy class

O_CIRCUMFLEX_TO_HORN = {unicodedata.normalize("NFC", "ô" + m): unicodedata.normalize("NFC", "ơ" + m)
                        for m in ["", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"]}


def _break_word(word: str, rng: random.Random) -> str | None:
    """One broken-font confusion applied to a word, or None if none applies."""
    low = word.lower()
    options = []
    if any(ch in O_CIRCUMFLEX_TO_HORN for ch in low):
        options.append("".join(O_CIRCUMFLEX_TO_HORN.get(ch, ch) for ch in word))
    if "uô" in word:
        options.append(word.replace("uô", ""))
    if "ò" in word and "oò" not in word:
        options.append(word.replace("ò", "ị"))
    if "oà" in word:
        options.append(word.replace("oà", "ồ"))
    return rng.choice(options) if options else None


def corrupt_lossy(text: str, rng: random.Random, confuse: float = 0.3, split: float = 0.03,
                  join: float = 0.02) -> tuple[str, set[int]]:
    """Break a share of the words in each lossy way; returns the text and the indices of the broken words."""
    words = list(WORD_RE.finditer(text))
    edits, broken = [], set()
    k = 0
    while k < len(words):
        m = words[k]
        word = m.group()
        roll = rng.random()
        new = _break_word(word, rng) if roll < confuse else None
        if new is not None:
            edits.append((m.start(), m.end(), new))
            broken.add(k)
        elif confuse <= roll < confuse + split and len(word) >= 3 and word[1:].islower():
            cut = rng.randrange(1, len(word))
            edits.append((m.start(), m.end(), word[:cut] + " " + word[cut:]))
            broken.add(k)
        elif (confuse + split <= roll < confuse + split + join and k + 1 < len(words)
              and text[m.end():words[k + 1].start()] == " "
              and word[1:].islower() and words[k + 1].group()[1:].islower()):
            edits.append((m.end(), words[k + 1].start(), ""))
            broken.update({k, k + 1})
            k += 1
        k += 1
    return MappedText.identity(text).edit(edits).text, broken


def measure_lossy(samples: list[Path]) -> tuple[int, int, int, int]:
    """(broken words restored, broken words, correct words changed, correct words) over the samples."""
    restored = total_broken = changed = total_correct = 0
    for path in samples:
        reference = clean(path)
        broken_text, broken = corrupt_lossy(reference, random.Random(SAMPLES.index(path)))
        mt, _ = repair_broken_text(MappedText.identity(broken_text))
        assert_offsets(mt, len(broken_text))
        ref_words = [m.group() for m in WORD_RE.finditer(reference)]
        out_words = [m.group() for m in WORD_RE.finditer(mt.text)]
        kept = set()
        for block in difflib.SequenceMatcher(None, ref_words, out_words, autojunk=False).get_matching_blocks():
            kept.update(range(block.a, block.a + block.size))
        total_broken += len(broken)
        restored += len(broken & kept)
        correct = set(range(len(ref_words))) - broken
        total_correct += len(correct)
        changed += len(correct - kept)
    return restored, total_broken, changed, total_correct


def test_lossy_breakage_is_repaired_without_touching_correct_syllables():
    restored, total_broken, changed, total_correct = measure_lossy(SAMPLES)
    rate = restored / total_broken
    print(f"\nlossy: {restored}/{total_broken} broken syllables restored ({rate:.2%}); "
          f"{changed}/{total_correct} correct syllables changed")
    assert rate >= LOSSY_MIN
    assert changed == 0


def test_lossy_repair_with_a_lexicon_that_never_saw_the_sample(monkeypatch):
    """The shipped lexicon includes the samples; rebuilt without each one, the repair must hold up."""
    import normalize.syllables
    from normalize.data.build_lexicon import build

    totals = [0, 0, 0, 0]
    for path in SAMPLES:
        data = build([other for other in SAMPLES if other != path])
        held_out = (data["syllables"], frozenset(data["bigrams"].split("\n")))
        monkeypatch.setattr(normalize.syllables, "lexicon", lambda held_out=held_out: held_out)
        text = clean(path)
        mt, counts = repair_broken_text(MappedText.identity(text))
        assert mt.text == text and not counts, path.name
        totals = [a + b for a, b in zip(totals, measure_lossy([path]))]
    restored, total_broken, changed, total_correct = totals
    print(f"\nlossy, held-out lexicon: {restored}/{total_broken} restored ({restored / total_broken:.2%}); "
          f"{changed}/{total_correct} correct syllables changed")
    assert restored / total_broken >= LOSSY_MIN
    assert changed == 0
