"""`ntm normalize --offsets`: the normalized text with markers to find a `char_start` by.

A marker stands just before the character it names and is not part of the
text:

    ⟦1200⟧       the next character is at offset 1200 (every 100th offset)
    ⟦p3:1187⟧    page 3 begins here, at offset 1187 (documents with pages)

so offset 1234 is the 34th character after `⟦1200⟧`, counting from 0. When a
page begins on a multiple of 100, the page marker comes first.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable

OPEN, CLOSE = "⟦", "⟧"
EVERY = 100


def page_offsets(n_chars: int, page_at: Callable[[int], int | None]) -> list[tuple[int, int]]:
    """(page, offset) of each page's first character; a page without text begins where the next one does."""
    if n_chars == 0 or page_at(0) is None:
        return []
    first = page_at(0)
    starts = [(p, 0) for p in range(1, first + 1)]
    current = first
    for i in range(1, n_chars):
        page = page_at(i)
        if page is not None and page > current:
            starts.extend((p, i) for p in range(current + 1, page + 1))
            current = page
    return starts


def marked(text: str, pages: Iterable[tuple[int, int]] = (), every: int = EVERY) -> str:
    """`text` with a marker before every `every`-th offset and before each page's first character."""
    if every < 1:
        raise ValueError(f"markers need a positive spacing, not {every}")
    marks: dict[int, list[str]] = {}
    for page, offset in pages:
        marks.setdefault(offset, []).append(f"{OPEN}p{page}:{offset}{CLOSE}")
    for offset in range(every, len(text), every):
        marks.setdefault(offset, []).append(f"{OPEN}{offset}{CLOSE}")
    parts, last = [], 0
    for offset in sorted(marks):
        parts.append(text[last:offset])
        parts.extend(marks[offset])
        last = offset
    parts.append(text[last:])
    return "".join(parts)
