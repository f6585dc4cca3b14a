"""What the audit checks share: their tunables and how a span is quoted.

`_SENTENCE_END` is how a quote is cut (evidence stops at the first stop mark),
not a reading of the text.
"""
from __future__ import annotations

from functools import lru_cache

import regex

from gazetteer.lexicon import load_data
from normalize.document import trimmed_span as trimmed



@lru_cache(maxsize=1)
def audit_data() -> dict:
    """gazetteer/data/audit.yaml, loaded once."""
    return load_data("audit.yaml")


_SENTENCE_END = regex.compile(r"[.;!?](?=\s|$)")


def first_sentence(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the first sentence in [start, end): a list item's evidence."""
    m = _SENTENCE_END.search(text, start, end)
    stop = m.end() if m else end
    return trimmed(text, start, stop)


def fmt_number(value, decimals: int = 0) -> str:
    """A number the Vietnamese way: 1.784, 3,98."""
    s = f"{value:,.{decimals}f}"
    return s.replace(",", "\u0000").replace(".", ",").replace("\u0000", ".")
