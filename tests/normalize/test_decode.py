"""decode_bytes: UTF-8/UTF-16 by BOM or validity, legacy 8-bit Vietnamese by syllable scoring."""
from __future__ import annotations

import codecs
import random

import pytest

from normalize.decode import decode_bytes
from normalize.raw import ReadError

TEXT = "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc\nKế hoạch xây dựng nông thôn mới năm 2024"


@pytest.mark.parametrize("data, label", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
])
def test_unicode_encodings(data, label):
    assert decode_bytes(data) == (TEXT, label)


@pytest.mark.parametrize("surface, label", [
    ("CéNG HßA X· HéI CHñ NGHÜA VIÖT NAM\n§éc lËp - Tù do - H¹nh phóc\nKÕ ho¹ch x©y dùng n«ng th«n míi n¨m 2024", "tcvn3"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM\nÑoäc laäp - Töï do - Haïnh phuùc\nKeá hoaïch xaây döïng noâng thoân môùi naêm 2024", "vni"),
])
def test_legacy_font_encodings(surface, label):
    text, got = decode_bytes(surface.encode("cp1252"))
    assert got == label
    assert text.splitlines()[1:] == TEXT.splitlines()[1:]
    assert text.splitlines()[0].upper() == TEXT.splitlines()[0].upper()


def test_viscii():
    from normalize.legacy import tables
    inverse = {ch: bytes([b]) for b, ch in tables()["viscii_bytes"].items()}
    data = b"".join(inverse.get(ch) or ch.encode("latin-1") for ch in TEXT)
    assert decode_bytes(data) == (TEXT, "viscii")


@pytest.mark.parametrize("seed", range(5))
def test_random_bytes_are_refused(seed):
    rng = random.Random(seed)
    data = bytes(rng.randrange(256) for _ in range(4000))
    with pytest.raises(ReadError, match="not valid UTF-8 or a known Vietnamese legacy encoding"):
        decode_bytes(data)


def test_western_latin1_text_is_refused():
    with pytest.raises(ReadError):
        decode_bytes("Größe und Maße für Straße, später geprüft".encode("latin-1") * 5)


def test_invalid_utf16_is_refused():
    with pytest.raises(ReadError):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")


# ---------------------------------------------------------------- lenient decoding

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def _cp1258(text: str) -> bytes:
    """Text in Windows-1258: base letters precomposed, tone marks as combining characters after them."""
    import unicodedata

    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258")


def test_one_bad_byte_is_replaced_and_counted():
    from normalize.decode import decode_lenient

    broken = TEXT[:10].encode("utf-8") + b"\xff" + TEXT[10:].encode("utf-8")
    decoded = decode_lenient(broken)
    assert decoded.replaced == 1 and decoded.encoding == "utf-8"
    assert decoded.text == TEXT[:10] + "\ufffd" + TEXT[10:]
    with pytest.raises(ReadError):
        decode_bytes(broken)  # the strict form still refuses


def test_a_cut_multibyte_character_counts_its_bytes():
    from normalize.decode import decode_lenient

    data = TEXT.encode("utf-8")
    cut = data.index("ộ".encode()) + 1  # the first byte of a three-byte letter, then the next letter
    decoded = decode_lenient(data[:cut] + data[cut + 2:])
    assert decoded.replaced == 1 and "C\ufffdng" in decoded.text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom(codec):
    assert decode_bytes(TEXT.encode(codec)) == (TEXT, codec)


def test_utf16_of_plain_ascii_without_a_bom():
    text = "Ke hoach xay dung nong thon moi nam 2024\n"
    assert decode_bytes(text.encode("utf-16-le")) == (text, "utf-16-le")


def test_windows_1258():
    assert decode_bytes(_cp1258(TEXT)) == (TEXT, "cp1258")


def test_a_text_file_with_a_bad_byte_is_extracted_and_lossy(tmp_path):
    from corpus.process import process_file

    body = "\n".join([TEXT, "Xã đạt 15/19 tiêu chí nông thôn mới, tỷ lệ hộ nghèo còn 2,1%."] * 3)
    path = tmp_path / "plan.txt"
    path.write_bytes(body.encode("utf-8").replace(b"2024", b"20\xfe4", 1))
    row = process_file(path).document
    assert row["status"] == "ok" and row["quality"] == "lossy"
    assert '"replaced_bytes": 1' in row["repairs"]


@pytest.mark.parametrize("seed", range(3))
def test_binary_data_with_utf16_like_zero_bytes_is_refused(seed):
    rng = random.Random(seed)
    # Little-endian pairs: a zero high byte every third pair, CJK-range high bytes (no surrogates) otherwise.
    data = b"".join(bytes([rng.randrange(0x30, 0xFF), rng.randrange(0x4E, 0x9F) if i % 3 else 0]) for i in range(3000))
    with pytest.raises(ReadError):
        decode_bytes(data)
