"""The one lexicon: every word list of the project, loaded from data files once per process.

Word lists live in YAML under `gazetteer/data/` and `extract/data/`;
`load_data` reads either folder (a file is parsed once). Lists that code
weaves into a regular expression sit in `gazetteer/data/lexicon.yaml` and are
spliced into a pattern by name: `pattern(r"\\b(?:@{list_announcers})\\s*:")`
puts the alternation of that list (longest first, any whitespace between
words) where `@{list_announcers}` stands; `@{key:folded}` puts the list
diacritic-folded, for patterns run on the folded text, and `@{key:upper}` in
capitals. Patterns are compiled
once per template and process; modules build theirs at import, so importing
the registry (the worker warm-up) compiles them all.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex

from gazetteer.datafiles import load_data
from gazetteer.text import fold

__all__ = ["expand", "load_data", "pattern", "words", "words_alternation"]

_SLOT = regex.compile(r"@\{(\w+)(?::(folded|upper))?\}")


def words(key: str) -> tuple[str, ...]:
    """One word list of lexicon.yaml."""
    data = load_data("lexicon.yaml")
    if key not in data:
        raise KeyError(f"lexicon.yaml has no list {key!r}")
    value = data[key]
    return tuple(value) if isinstance(value, list) else (value,)


def words_alternation(phrases: Any) -> str:
    """Regex alternation of phrases, longest first, any whitespace between words."""
    unique = sorted({str(w) for w in phrases}, key=lambda w: (-len(w), w))
    return "|".join(r"\s+".join(regex.escape(part) for part in w.split()) for w in unique)


def expand(template: str) -> str:
    """The template with each `@{key}` / `@{key:folded}` replaced by that list's alternation."""
    def slot(m: regex.Match) -> str:
        listed = words(m.group(1))
        form = {"folded": fold, "upper": str.upper}.get(m.group(2) or "", str)
        return words_alternation([form(w) for w in listed])

    return _SLOT.sub(slot, template)


@lru_cache(maxsize=None)
def pattern(template: str, flags: int = 0) -> "regex.Pattern[str]":
    """`regex.compile` of the expanded template, once per process."""
    return regex.compile(expand(template), flags)
