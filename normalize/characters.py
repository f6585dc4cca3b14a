"""Which rare characters a text holds, found by one scan shared by every repair that starts from one.

Several repairs start from characters a clean text seldom holds (control characters, the fingerprints
of a legacy encoding, look-alike glyphs, blanks other than the space), and each asked its own
pattern to scan the whole text for them. One scan for all of them, kept for the text it was made
for, tells each repair whether it has anything to do; a text that holds none of its characters is
left as it is.
"""
from __future__ import annotations

import re
from typing import Callable

_classes: list["RareCharacters"] = []
_any_rare: "re.Pattern[str] | None" = None  # the union of every class, made on first use
# The last text scanned and the rare characters found in it: the steps of one document ask about
# the same text object until one of them changes it. Only this one text is kept.
_last_scan: tuple[str, frozenset[str]] = ("", frozenset())


class RareCharacters:
    """A set of characters (given by a function, so that data files load on first use) whose
    presence in a text the shared scan answers."""

    def __init__(self, characters: Callable[[], str]):
        global _any_rare
        self._characters = characters
        self._set: frozenset[str] | None = None
        _classes.append(self)
        _any_rare = None

    def found_in(self, text: str) -> bool:
        """Whether `text` holds any of these characters."""
        return not _rare_characters_in(text).isdisjoint(self.characters())

    def characters(self) -> frozenset[str]:
        if self._set is None:
            self._set = frozenset(self._characters())
        return self._set


def _rare_characters_in(text: str) -> frozenset[str]:
    global _any_rare, _last_scan
    if _any_rare is None:
        union = frozenset().union(*(c.characters() for c in _classes))
        _any_rare = re.compile("[" + "".join(re.escape(ch) for ch in sorted(union)) + "]")  # literal, for `re`
        _last_scan = ("", frozenset())
    if text is not _last_scan[0]:
        _last_scan = (text, frozenset(_any_rare.findall(text)))
    return _last_scan[1]
