"""A light structure pass: headings, list items and sentences, each with its span.

Plans are outlines: `Phần thứ hai` > `II.` > `2.` > `2.1.` > `-` > `+`. A list
item inherits what its introducing line says (status, period), so each line
knows its chain of enclosing headings and the line that introduced its list.
Depth comes from the order in which numbering schemes first appear, the way a
reader infers it: the first scheme seen is the outermost.
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass, field
from functools import cached_property

import regex

from gazetteer.lexicon import pattern

# (scheme, pattern source) in the order they are tried; the pattern's end is the marker's end,
# and the group named after a scheme holds its label.
_MARKER_SOURCES: list[tuple[str, str]] = [
    ("part", r"(?i:(?:@{part_heading})\s+\w+\s*[:.]?\s*)"),
    ("ordinal_word", r"(?i:(?:@{ordinal_items})\s+(?:@{ordinal_item_link})\s*:\s*)"),
    ("roman", r"(?P<roman>[IVXLC]{1,6})\s*[.)\-–]\s*(?=\S)"),
    ("number", r"(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})\s*(?:[.),](?!\d)\s*|\s+)(?=\S)"),
    ("letter", r"(?P<letter>[a-z]|@{extra_label_letters})\s*\)\s*"),
    ("bullet", r"(?P<bullet>[-+*•·–—])\s*(?=\S)"),
]
_MARKERS: list[tuple[str, "regex.Pattern[str]"]] = [(scheme, pattern(source)) for scheme, source in _MARKER_SOURCES]
# All of them at once: the first that matches, named by `lastgroup` (each is wrapped in a group
# of its own, which closes last).
_ANY_MARKER = pattern("|".join(f"(?P<{scheme}_marker>{source})" for scheme, source in _MARKER_SOURCES))
# Between two sentences (the group `gap`): a line end, or the spaces after . ! ? ; before a capital
# or digit (after : before a bullet). The punctuation leads the pattern so the scan skips to it.
_SENTENCE_SPLIT = regex.compile(
    r"[.!?;](?P<gap>[^\S\n]+)(?=[\p{Lu}\d\"“(])|:(?P<gap>[^\S\n]+)(?=[-+•])|(?P<gap>\n)")
_UPPER_LINE = regex.compile(r"^[^\p{Ll}]*\p{Lu}[^\p{Ll}]*$")
ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


def roman_value(s: str) -> int | None:
    total, prev = 0, 0
    for ch in reversed(s.upper()):
        v = ROMAN.get(ch)
        if v is None:
            return None
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


@dataclass
class Line:
    """One line of normalized text: a heading, a list item or a paragraph."""

    index: int
    start: int
    end: int
    text: str
    scheme: str | None = None  # part, ordinal_word, roman, number1..4, letter, bullet-, bullet+, ...
    label: str | None = None  # the marker as written: "II", "2.1", "-"
    body_start: int = 0  # offset (in the document) where the text after the marker begins
    depth: int = 0
    parent: int | None = None  # index of the enclosing heading/item line
    intro: int | None = None  # index of the line that introduced this item's list
    is_heading: bool = False

    @property
    def body(self) -> str:
        return self.text[self.body_start - self.start:]

    @property
    def number(self) -> int | None:
        """The item's own number: 3 for "1.2.3.", 2 for "II", None for bullets."""
        if self.label is None:
            return None
        if self.scheme == "roman":
            return roman_value(self.label)
        if self.scheme and self.scheme.startswith("number"):
            return int(self.label.split(".")[-1])
        return None


@dataclass
class Structure:
    text: str
    lines: list[Line] = field(default_factory=list)

    def ancestors(self, i: int) -> list[Line]:
        out = []
        p = self.lines[i].parent
        while p is not None:
            out.append(self.lines[p])
            p = self.lines[p].parent
        return out

    def line_at(self, offset: int) -> Line:
        """The last line starting at or before `offset` (the first line when none does)."""
        starts = self.__dict__.get("_starts")
        if starts is None or len(starts) != len(self.lines):
            starts = self.__dict__["_starts"] = [ln.start for ln in self.lines]
        return self.lines[max(0, bisect.bisect_right(starts, offset) - 1)]

    def children(self, i: int) -> list[Line]:
        return [ln for ln in self.lines if ln.parent == i]

    @cached_property
    def first_section(self) -> int:
        """Index of the first numbered section: lines before it are the document's header block."""
        for ln in self.lines:
            if ln.scheme in ("part", "roman") or (ln.scheme == "number1" and ln.index > 3):
                return ln.index
        return len(self.lines)


def _marker(text: str) -> tuple[str, str, int] | None:
    """The outline marker a line begins with: (scheme, label, where its body begins)."""
    m = _ANY_MARKER.match(text)
    if not m:
        return None
    scheme = m.lastgroup.removesuffix("_marker")
    if scheme != "number":
        return _labelled(scheme, m, text)
    label = m.group("number")
    depth = label.count(".") + 1
    # "2024 ..." or "15 tiêu chí": a number that is not an outline label; a later scheme may fit.
    if int(label.split(".")[0]) > 40 or (depth == 1 and not _OUTLINE_NUMBER.match(text)) or text[m.end():m.end() + 1].isdecimal():
        for later, pat in _MARKERS[[s for s, _ in _MARKERS].index("number") + 1:]:
            m = pat.match(text)
            if m:
                return _labelled(later, m, text)
        return None
    return f"number{depth}", label, m.end()


def _labelled(scheme: str, m: "regex.Match[str]", text: str) -> tuple[str, str, int]:
    if scheme in ("part", "ordinal_word"):
        return scheme, text[: m.end()].strip(), m.end()
    label = m.group(scheme)
    return ("bullet" + label if scheme == "bullet" else scheme), label, m.end()


def _is_heading(ln: Line) -> bool:
    body = ln.body.strip()
    if ln.scheme in ("part", "roman"):
        return True
    if ln.scheme and ln.scheme.startswith("number"):
        # A numbered line is a heading when short and not a sentence-long statement.
        return len(body) <= 120 and not body.endswith((";", ","))
    return False


def parse_structure(text: str) -> Structure:
    st = Structure(text)
    pos = 0
    for i, raw in enumerate(text.split("\n")):
        start, end = pos, pos + len(raw)
        pos = end + 1
        ln = Line(index=i, start=start, end=end, text=raw, body_start=start)
        mk = _marker(raw)
        if mk:
            ln.scheme, ln.label, n = mk
            ln.body_start = start + n
        st.lines.append(ln)

    announces: dict[int, bool] = {}  # line index -> whether the line announces a list, read once

    def announces_list(line: Line) -> bool:
        if line.index not in announces:
            announces[line.index] = _announces_list(line.text)
        return announces[line.index]

    stack: list[Line] = []  # open containers, outermost first
    for ln in st.lines:
        if ln.scheme is None:
            # A capitalised title line right after a part heading continues it.
            prev_line = st.lines[ln.index - 1] if ln.index else None
            continues_title = prev_line is not None and (
                prev_line.scheme == "part" or (prev_line.is_heading and prev_line.scheme is None)
            )
            if stack and stack[-1].scheme == "part" and continues_title and _UPPER_LINE.match(ln.text):
                ln.parent = stack[-1].index
                ln.is_heading = True
                continue
            # A paragraph that announces a new list closes the list before it.
            next_is_item = ln.index + 1 < len(st.lines) and st.lines[ln.index + 1].scheme is not None
            if next_is_item and announces_list(ln):
                while stack and stack[-1].intro is not None and stack[-1].scheme not in ("part", "roman"):
                    stack.pop()
            ln.parent = stack[-1].index if stack else None
            ln.depth = len(stack)
            continue
        ln.is_heading = _is_heading(ln)
        prev = st.lines[ln.index - 1] if ln.index > 0 else None
        sibling = next((k for k in range(len(stack) - 1, -1, -1) if stack[k].scheme == ln.scheme), None)
        if ln.scheme not in ("part", "roman") and prev is not None and prev.scheme != ln.scheme and announces_list(prev) and not (
            sibling is not None and stack[sibling].intro is not None and stack[sibling].intro == prev.intro
        ):
            # A new list opens under the line that announced it, whatever its numbering.
            while stack and stack[-1].index > prev.index:
                stack.pop()
            if not stack or stack[-1].index != prev.index:
                stack.append(prev)
            ln.intro = prev.index
        elif sibling is not None:
            ln.intro = stack[sibling].intro
            del stack[sibling:]
        ln.parent = stack[-1].index if stack else None
        ln.depth = len(stack)
        stack.append(ln)
    return st


_ANNOUNCE = pattern(r"(?i)(?::\s*$|\b(?:@{list_announcers})\s*:?\s*$)")
_OUTLINE_NUMBER = regex.compile(r"\d{1,2}\s*[.),]")


def _announces_list(text: str) -> bool:
    return bool(_ANNOUNCE.search(text.strip()))


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans of a text: split at line ends, and after . ! ? ; before a capital or digit.
    No sentence runs on to the next line, so those of a document are those of its lines."""
    spans = []
    s = 0
    for m in _SENTENCE_SPLIT.finditer(text):
        gap_start, gap_end = m.span("gap")
        if gap_start > s:
            spans.append((s, gap_start))
        s = gap_end
    if s < len(text):
        spans.append((s, len(text)))
    return spans
