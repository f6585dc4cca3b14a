"""What a format reader hands to the normalizer: source text with its pages and hints."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from normalize.document import Table


class ReadError(Exception):
    """A file that cannot be read; the message is shown to the user as is (one line, actionable)."""

    def __init__(self, message: str, status: str = "error"):
        super().__init__(message)
        self.status = status  # error | empty | needs_ocr


@dataclass
class RawDocument:
    """Source text as read from one file.

    `text` is the string every offset map points into: for paged formats the
    pages are joined with a form feed, and `page_starts` holds the offsets in
    `text` where pages 2, 3, ... begin. `furniture` lists spans (running
    headers, footers, page numbers) the normalizer drops from the text;
    `tables` holds the tables the reader found, their cells spans of `text`.
    """

    text: str
    file_type: str
    page_starts: tuple[int, ...] = ()
    n_pages: int | None = None
    fonts: frozenset[str] = frozenset()
    furniture: list[tuple[int, int]] = field(default_factory=list)
    markup: str = "plain"  # plain | markdown
    repairs: Counter = field(default_factory=Counter)
    lossy: bool = False
    tables: list[Table] = field(default_factory=list)  # spans in `text`
