"""Decode a text file's bytes: UTF-8/UTF-16 by BOM, byte pattern or validity, else a Vietnamese 8-bit encoding.

Legacy 8-bit files (TCVN3/ABC, VNI-Windows, VISCII, Windows-1258) carry no
label; each is decoded every way and the one whose text holds the most valid
Vietnamese syllables wins (`normalize.syllables`). UTF-16 without a BOM is
told by its zero bytes. Decoding is lenient: a few invalid bytes in an
otherwise readable file are replaced (U+FFFD) and counted, so one bad byte
never costs the whole document; bytes that no decoding makes text of are
refused rather than guessed.
"""
from __future__ import annotations

import codecs
import threading
import unicodedata
from dataclasses import dataclass

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
# 8-bit encodings tried by syllable scoring: the font encodings and the Windows code page.
CANDIDATE_ENCODINGS = (*LEGACY_ENCODINGS, "cp1258")
# UTF-16 without a BOM: zero bytes in one half of the byte pairs (ASCII and Latin letters), none in the other.
UTF16_MIN_ZERO_SHARE = 0.3
UTF16_MAX_OTHER_ZERO_SHARE = 0.02
# ... and text of a Latin script once decoded (else the zero bytes are binary data).
UTF16_MIN_LATIN_SHARE = 0.8
# Invalid bytes a file may hold and still be read (replaced): a share of all bytes or of the non-ASCII ones.
LENIENT_MAX_SHARE = 0.01
LENIENT_MAX_NON_ASCII_SHARE = 0.05
ERROR = "not valid UTF-8 or a known Vietnamese legacy encoding"


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding it was read in, and how many of its bytes were invalid and replaced."""

    text: str
    encoding: str
    replaced: int = 0


def decode_bytes(data: bytes) -> tuple[str, str]:
    """(text, encoding label): utf-8, utf-8-sig, utf-16, utf-16-le/-be, tcvn3, vni, viscii or cp1258.

    Strict: ReadError for bytes that would need a replacement (see `decode_lenient`).
    """
    decoded = decode_lenient(data)
    if decoded.replaced:
        raise ReadError(ERROR)
    return decoded.text, decoded.encoding


def decode_lenient(data: bytes) -> Decoded:
    """The text of `data`, invalid bytes replaced and counted; ReadError when it is no text at all."""
    if data.startswith(codecs.BOM_UTF8):
        return _lenient(data, "utf-8-sig", offset=len(codecs.BOM_UTF8))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _lenient(data, "utf-16", offset=2)
    sample = data[:SAMPLE_BYTES]
    unmarked = _utf16_without_bom(sample)
    if unmarked:
        decoded = _lenient(data, unmarked)
        if not _latin_text(decoded.text[:SAMPLE_BYTES]):
            raise ReadError(ERROR)  # zero bytes in a pattern, but no text of a Latin script: binary data
        return decoded
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    best = None
    for encoding in CANDIDATE_ENCODINGS:
        if _has_binary_controls(sample, allowed=_VISCII_C0 if encoding == "viscii" else b""):
            continue
        known, valid, bad = syllable_counts(_legacy_decode(sample, encoding))
        good = known + valid
        if good < MIN_SYLLABLES or good < MIN_SYLLABLE_SHARE * (good + bad):
            continue
        if best is None or 2 * known + valid - 2 * bad > best[0]:
            best = (2 * known + valid - 2 * bad, encoding)
    if best is not None:
        if best[1] == "cp1258":
            return _lenient(data, "cp1258", normalize=True)
        return Decoded(_legacy_decode(data, best[1]), best[1])
    if _has_binary_controls(sample, allowed=b""):
        raise ReadError(ERROR)
    return _lenient(data, "utf-8")


def _utf16_without_bom(sample: bytes) -> str | None:
    """utf-16-le or utf-16-be when the zero bytes say so, else None."""
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even, odd = sample[0:2 * pairs:2].count(0) / pairs, sample[1:2 * pairs:2].count(0) / pairs
    if odd >= UTF16_MIN_ZERO_SHARE and even <= UTF16_MAX_OTHER_ZERO_SHARE:
        return "utf-16-le"
    if even >= UTF16_MIN_ZERO_SHARE and odd <= UTF16_MAX_OTHER_ZERO_SHARE:
        return "utf-16-be"
    return None


_COUNTS = threading.local()


def _count_and_replace(error: UnicodeDecodeError) -> tuple[str, int]:
    _COUNTS.replaced += error.end - error.start
    return "\ufffd", error.end


codecs.register_error("ntm-count-replace", _count_and_replace)


def _latin_text(text: str) -> bool:
    """Mostly letters of Latin scripts (Vietnamese included), digits, spaces and punctuation; no controls."""
    if not text:
        return False
    latin = sum(1 for c in text if c < "\u0250" or "\u1e00" <= c < "\u2070" or c in "\u0300\u0301\u0303\u0309\u0323")
    controls = sum(1 for c in text if c < " " and c not in "\t\n\r\f")
    return latin >= UTF16_MIN_LATIN_SHARE * len(text) and controls <= max(2, len(text) // 1000)


def _lenient(data: bytes, codec: str, offset: int = 0, normalize: bool = False) -> Decoded:
    """Decode with invalid bytes replaced; refuse when too many of them are (the bytes are no such text)."""
    _COUNTS.replaced = 0
    text = data.decode(codec, errors="ntm-count-replace")
    replaced = _COUNTS.replaced
    if normalize:
        text = unicodedata.normalize("NFC", text)
    if replaced:
        non_ascii = sum(1 for b in data[offset:SAMPLE_BYTES] if b > 0x7F) * max(1, len(data) / SAMPLE_BYTES)
        if replaced > LENIENT_MAX_SHARE * len(data) and replaced > LENIENT_MAX_NON_ASCII_SHARE * non_ascii:
            raise ReadError(ERROR)
        if not any(c.isalnum() for c in text):
            raise ReadError(ERROR)
    return Decoded(text, codec, replaced)


def _has_binary_controls(data: bytes, allowed: bytes) -> bool:
    """More than a trace of C0 control bytes means binary data, not text."""
    keep = _TEXT_CONTROLS + allowed
    controls = sum(data.count(bytes([b])) for b in range(32) if bytes([b]) not in keep)
    return controls > max(2, len(data) // 1000)


def _legacy_decode(data: bytes, encoding: str) -> str:
    """Bytes in a legacy encoding → Unicode: single bytes via a table, VNI's mark pairs via `legacy.convert`.

    Bytes 0x80-0x9F are Windows-1252 punctuation in TCVN3 and VNI files, letters in VISCII.
    """
    if encoding == "cp1258":
        return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))
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
