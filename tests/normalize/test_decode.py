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
