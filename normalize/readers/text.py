"""Plain text and markdown files, in UTF-8/UTF-16 or a legacy Vietnamese 8-bit encoding.

Pipe tables, tables flattened to one cell per line and region norm tables flattened
into wrapped lines are found on the text as read, before the layout pass joins lines.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import regex

from normalize.decode import decode_lenient
from normalize.raw import RawDocument, ReadError
from normalize.tables import find_cell_line_tables, find_norm_row_tables, find_text_tables

# Signs that a .txt file is really markdown from a converter.
_MARKDOWN_SIGNS = regex.compile(r"(?m)^#{1,6}\s|\*\*\S|\\[*_#\[\]]|^\s*[-*]\s.*\*\S")
LEGACY_LABELS = frozenset({"tcvn3", "vni", "viscii"})
REPLACED_BYTES = "replaced_bytes"  # the repair of invalid bytes replaced by U+FFFD (lossy)
TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})


def decode_text(data: bytes) -> tuple[str, Counter]:
    """Text of a file's bytes and its repairs: a legacy encoding (one per non-ASCII char), replaced bytes."""
    if not data.strip():
        raise ReadError("file is empty", status="empty")
    decoded = decode_lenient(data)
    text, label = decoded.text, decoded.encoding
    repairs: Counter = Counter()
    if label in LEGACY_LABELS:
        repairs[label] = sum(1 for c in text if ord(c) > 127)
    if decoded.replaced:
        repairs[REPLACED_BYTES] = decoded.replaced
    return text, repairs


def read_text(path: Path) -> RawDocument:
    return read_text_data(path.read_bytes(), path.suffix)


def read_text_data(data: bytes, suffix: str) -> RawDocument:
    """A text file's document from its bytes; `suffix` (".txt", ".md") says which kind of text."""
    text, repairs = decode_text(data)
    ext = suffix.lower()
    markdown = ext in (".md", ".markdown") or len(_MARKDOWN_SIGNS.findall(text[:200_000])) >= 2
    return RawDocument(text=text, file_type=ext.lstrip("."), markup="markdown" if markdown else "plain",
                       repairs=repairs, lossy=REPLACED_BYTES in repairs,
                       tables=_in_order(find_text_tables(text) + find_cell_line_tables(text) + find_norm_row_tables(text)))


def _in_order(tables: list) -> list:
    """The tables in document order; one that overlaps a table before it is left out."""
    out = []
    for table in sorted(tables, key=lambda t: (t.char_start, -t.char_end)):
        if not out or table.char_start >= out[-1].char_end:
            out.append(table)
    return out
