"""The normalized document every extractor reads, and the offset-keeping text it is built from.

Every span in every output table points into `NormalizedDoc.text`; `MappedText`
keeps, for each character of that text, the offset of the source character it
came from, so an edit (a glyph repair, a joined line, a dropped markdown mark)
never loses the way back to the page.
"""
from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterable

import regex

# Repairs that only change layout or markup: they do not make a document "repaired".
LAYOUT_REPAIRS = frozenset({
    "line_join", "space_collapse", "markdown_markup", "markdown_escape", "latex_math",
    "page_furniture", "blank_line", "nfc", "control_char",
})
# Repairs that are exact inversions of a known corruption (the text loses nothing).
REVERSIBLE_REPAIRS = frozenset({
    "u_horn_glyph", "d_bar_glyph", "tcvn3", "vni", "viscii", "cp1252_mojibake",
})
# Anything else (syllable guesses, OCR) is lossy: counts may be unreliable.


@dataclass(frozen=True, slots=True)
class MappedText:
    """A string plus, for each character, the offset of its source character.

    `src` has one entry per character, and one more for the end, so that the
    span [i, j) of the text maps to the source span [src[i], src[j]).
    """

    text: str
    src: tuple[int, ...]

    @classmethod
    def identity(cls, text: str) -> "MappedText":
        return cls(text, tuple(range(len(text) + 1)))

    def __len__(self) -> int:
        return len(self.text)

    def edit(self, edits: Iterable[tuple[int, int, str]]) -> "MappedText":
        """Apply non-overlapping (start, end, replacement) edits, sorted by start.

        A replacement of the same length as its span maps character by
        character; otherwise every new character maps to the span's start.
        """
        text, src = self.text, self.src
        parts: list[str] = []
        offs: list[int] = []
        pos = 0
        for start, end, repl in edits:
            if start < pos:
                raise ValueError(f"overlapping edit at {start} (previous ended at {pos})")
            parts.append(text[pos:start])
            offs.extend(src[pos:start])
            parts.append(repl)
            if len(repl) == end - start:
                offs.extend(src[start:end])
            else:
                offs.extend([src[start]] * len(repl))
            pos = end
        parts.append(text[pos:])
        offs.extend(src[pos:])
        return MappedText("".join(parts), tuple(offs))

    def sub(self, pattern: "regex.Pattern[str]", repl: str | Callable[["regex.Match[str]"], str]) -> tuple["MappedText", int]:
        """`pattern.sub` that keeps the offset map; returns the new text and the number of changes."""
        edits = []
        for m in pattern.finditer(self.text):
            new = repl(m) if callable(repl) else m.expand(repl)
            if new != m.group(0):
                edits.append((m.start(), m.end(), new))
        if not edits:
            return self, 0
        return self.edit(edits), len(edits)


@dataclass
class NormalizedDoc:
    """One input file as clean text: what `ntm normalize FILE` prints and every span indexes."""

    doc_id: str
    path: str
    file_type: str
    text: str
    src: tuple[int, ...] = ()
    page_starts: tuple[int, ...] = ()  # source offsets where pages 2, 3, ... begin
    n_pages: int | None = None
    repairs: Counter = field(default_factory=Counter)
    status: str = "ok"
    error: str | None = None
    source_text: str = ""
    lossy: bool = False

    @property
    def quality(self) -> str:
        if self.lossy or any(k not in LAYOUT_REPAIRS and k not in REVERSIBLE_REPAIRS for k in self.repairs):
            return "lossy"
        if any(k in REVERSIBLE_REPAIRS for k in self.repairs):
            return "repaired"
        return "clean"

    def page_at(self, i: int) -> int | None:
        """1-based page of normalized offset `i`, or None for a source without pages."""
        if not self.n_pages:
            return None
        if not self.src:
            return 1
        s = self.src[min(max(i, 0), len(self.src) - 1)]
        return bisect.bisect_right(self.page_starts, s) + 1
