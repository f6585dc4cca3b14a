"""Plain text and markdown files, in UTF-8/UTF-16 or a legacy Vietnamese 8-bit encoding.

Pipe tables and tables flattened to one cell per line are found on the text as read,
before the layout pass joins lines.
"""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import regex

from normalize.decode import decode_bytes
from normalize.raw import RawDocument, ReadError
from normalize.tables import find_cell_line_tables, find_text_tables

# Signs that a .txt file is really markdown from a converter.
_MARKDOWN_SIGNS = regex.compile(r"(?m)^#{1,6}\s|\*\*\S|\\[*_#\[\]]|^\s*[-*]\s.*\*\S")
LEGACY_LABELS = frozenset({"tcvn3", "vni", "viscii"})


def decode_text(data: bytes) -> tuple[str, Counter]:
    """Text of a file's bytes, and the repair a legacy encoding counts as (one per non-ASCII char)."""
    if not data.strip():
        raise ReadError("file is empty", status="empty")
    text, label = decode_bytes(data)
    repairs: Counter = Counter()
    if label in LEGACY_LABELS:
        repairs[label] = sum(1 for c in text if ord(c) > 127)
    return text, repairs


def read_text(path: Path) -> RawDocument:
    text, repairs = decode_text(path.read_bytes())
    ext = path.suffix.lower()
    markdown = ext in (".md", ".markdown") or len(_MARKDOWN_SIGNS.findall(text[:200_000])) >= 2
    return RawDocument(text=text, file_type=ext.lstrip("."), markup="markdown" if markdown else "plain",
                       repairs=repairs, tables=find_text_tables(text) + find_cell_line_tables(text))
