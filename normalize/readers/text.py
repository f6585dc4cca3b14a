"""Plain text and markdown files."""
from __future__ import annotations

from pathlib import Path

import regex

from normalize.raw import RawDocument, ReadError

# Signs that a .txt file is really markdown from a converter.
_MARKDOWN_SIGNS = regex.compile(r"(?m)^#{1,6}\s|\*\*\S|\\[*_#\[\]]|^\s*[-*]\s.*\*\S")


def decode_text(data: bytes) -> str:
    if not data.strip():
        raise ReadError("file is empty", status="empty")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError("not valid UTF-8 or a known Vietnamese legacy encoding") from None


def read_text(path: Path) -> RawDocument:
    text = decode_text(path.read_bytes())
    ext = path.suffix.lower()
    markdown = ext in (".md", ".markdown") or len(_MARKDOWN_SIGNS.findall(text[:200_000])) >= 2
    return RawDocument(text=text, file_type=ext.lstrip("."), markup="markdown" if markdown else "plain")
