"""Which rare characters a text holds, found by one scan shared by every repair that starts from one.

Several repairs start from characters a clean text seldom holds (control characters, the fingerprints
of a legacy encoding, look-alike glyphs, blanks other than the space), and each asked its own
pattern to scan the whole text for them. One scan for all of them, kept for the text it was made
for, tells each repair whether it has anything to do; a text that holds none of its characters is
left as it is.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

_classes: list["RareCharacters"] = []
# The last text scanned, the scan's pattern and the rare characters it found: the steps of one
# document ask about the same text object until one of them changes it. Only this one text is kept.
_last_scan: tuple[str, "re.Pattern[str] | None", frozenset[str]] = ("", None, frozenset())


class RareCharacters:
    """A set of characters (given by a function, so that data files load on first use) whose
    presence in a text the shared scan answers."""

    def __init__(self, characters: Callable[[], str]):
        self._characters = characters
        self._set: frozenset[str] | None = None
        _classes.append(self)
        _any_rare.cache_clear()

    def found_in(self, text: str) -> bool:
        """Whether `text` holds any of these characters."""
        return not _rare_characters_in(text).isdisjoint(self.characters())

    def characters(self) -> frozenset[str]:
        if self._set is None:
            self._set = frozenset(self._characters())
        return self._set


@lru_cache(maxsize=1)
def _any_rare() -> "re.Pattern[str]":
    """Any character of any class: a literal class, for the standard `re`."""
    union = frozenset().union(*(c.characters() for c in _classes))
    return re.compile("[" + "".join(re.escape(ch) for ch in sorted(union)) + "]")


def _rare_characters_in(text: str) -> frozenset[str]:
    global _last_scan
    pattern = _any_rare()
    if text is not _last_scan[0] or pattern is not _last_scan[1]:
        _last_scan = (text, pattern, frozenset(pattern.findall(text)))
    return _last_scan[2]
