"""What the audit checks share: their tunables and how a span is quoted.

`_SENTENCE_END` is how a quote is cut (evidence stops at the first stop mark),
not a reading of the text.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from gazetteer.lexicon import load_data



@lru_cache(maxsize=1)
def audit_data() -> dict:
    """gazetteer/data/audit.yaml, loaded once."""
    return load_data("audit.yaml")


def folded_text(ctx) -> str:
    """The document folded (lowercase, no marks) once per document, for word patterns."""
    return ctx.folded


_SENTENCE_END = regex.compile(r"[.;!?](?=\s|$)")


def trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without surrounding blanks."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def first_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the first sentence in [start, end): a list item's evidence."""
    m = _SENTENCE_END.search(text, start, end)
    stop = m.end() if m else end
    return trimmed(text, start, stop)


def fmt_number(value, decimals: int = 0) -> str:
    """A number the Vietnamese way: 1.784, 3,98."""
    s = f"{value:,.{decimals}f}"
    return s.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
