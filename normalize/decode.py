"""Decode a text file's bytes: UTF-8/UTF-16 by BOM or validity, else a Vietnamese legacy encoding.

Legacy 8-bit files (TCVN3/ABC, VNI-Windows, VISCII) carry no label; each is
decoded every way and the one whose text holds the most valid Vietnamese
syllables wins (`normalize.syllables`). Bytes no decoding makes Vietnamese of
are refused rather than guessed.
"""
from __future__ import annotations

import codecs

from normalize.legacy import LEGACY_ENCODINGS, convert, syllable_counts, tables
from normalize.raw import ReadError

# Enough text to judge an encoding; the decision is made on this prefix, the decoding is linear.
SAMPLE_BYTES = 200_000
# Share of words with Vietnamese letters that must be real syllables for a legacy guess to stand.
MIN_SYLLABLE_SHARE = 0.8
MIN_SYLLABLES = 3
# Control bytes that no text file holds (VISCII's six letters in C0 are allowed for it alone).
_TEXT_CONTROLS = b"\t\n\r\f\x0b\x1a"
_VISCII_C0 = bytes([0x02, 0x05, 0x06, 0x14, 0x19, 0x1E])
ERROR = "not valid UTF-8 or a known Vietnamese legacy encoding"


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding label): utf-8, utf-8-sig, utf-16, tcvn3, vni or viscii; ReadError otherwise."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE_BYTES]
    best = None
    for encoding in LEGACY_ENCODINGS:
        if _has_binary_controls(sample, allowed=_VISCII_C0 if encoding == "viscii" else b""):
            continue
        known, valid, bad = syllable_counts(_legacy_decode(sample, encoding))
        good = known + valid
        if good < MIN_SYLLABLES or good < MIN_SYLLABLE_SHARE * (good + bad):
            continue
        if best is None or 2 * known + valid - 2 * bad > best[0]:
            best = (2 * known + valid - 2 * bad, encoding)
    if best is None:
        raise ReadError(ERROR)
    return _legacy_decode(data, best[1]), best[1]


def _strict(data: bytes, codec: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ReadError(ERROR) from exc


def _has_binary_controls(data: bytes, allowed: bytes) -> bool:
    """More than a trace of C0 control bytes means binary data, not text."""
    keep = _TEXT_CONTROLS + allowed
    controls = sum(data.count(bytes([b])) for b in range(32) if bytes([b]) not in keep)
    return controls > max(2, len(data) // 1000)


def _legacy_decode(data: bytes, encoding: str) -> str:
    """Bytes in a legacy encoding → Unicode: single bytes via a table, VNI's mark pairs via `legacy.convert`.

    Bytes 0x80-0x9F are Windows-1252 punctuation in TCVN3 and VNI files, letters in VISCII.
    """
    text = data.decode("latin-1")
    if encoding == "viscii":
        return text.translate(tables()["viscii_bytes"])
    return convert(text.translate(_CP1252_C1), encoding)


def _cp1252_c1() -> dict[int, str]:
    table = {}
    for b in range(0x80, 0xA0):
        try:
            table[b] = bytes([b]).decode("cp1252")
        except UnicodeDecodeError:
            pass
    return table


_CP1252_C1 = _cp1252_c1()
