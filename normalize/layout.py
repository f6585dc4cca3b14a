"""Layout repair: one paragraph, heading or list item per line.

Text exported from Word/PDF is hard-wrapped ("đạt 17/19 tiêu" / "chí"), often
with blank lines between the wrapped lines, and page breaks fall mid-sentence.
Lines are joined when the next one continues the previous (it starts in lower
case, or the previous one fills the line and does not end a sentence), never
when the next one opens a heading or a list item. Runs of spaces collapse.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from functools import lru_cache
from importlib import resources

import regex
import yaml

from normalize.characters import RareCharacters
from normalize.document import OFFSET_TYPE, MappedText, Offsets

# Line openers that start a new block: list bullets, numbered and Roman headings, lettered items;
# the words that do ("Phần thứ …" parts, "Một là:" enumerations) are in data/block_openers.yaml.
_MARKERS = r"""
        [-+*•·–—]\s*                                  # bullets
      | \d{1,2}(?:\.\d{1,2}){0,3}\s*[.),]?(?=\s|\p{Lu})  # 1. 1.2. 1.2.3 8,
      | [IVXLC]{1,6}\s*[.)\-–]                          # I. II) IV-
      | [a-zđ]\s*\)                                   # a) b)
"""
# A line ends a sentence when its last character, closing quotes and brackets aside, is one of these.
SENTENCE_STOPS = (".", "!", "?", ":", ";", "…")
CLOSERS = "'\"”’)"
# Blanks other than the space that collapse to one space, alone or in a run.
_WIDE_BLANKS = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200C))) + "\u202f\u3000"
# Literal classes only, so the standard engine reads them as `regex` would, and scans faster.
_SPACE_RUN = re.compile(f"[ {_WIDE_BLANKS}]{{2,}}|[{_WIDE_BLANKS}]")
# In a text without wide blanks the runs are those of plain spaces.
_WIDE_BLANK = RareCharacters(lambda: _WIDE_BLANKS)
_SPACES = re.compile("  +")
_LINE_BLANKS = " \t\u00a0\u200b\u3000\ufeff"  # stripped from a line's ends


@lru_cache(maxsize=1)
def list_or_heading() -> "regex.Pattern[str]":
    """The pattern of a line that opens a new block (a list item or heading)."""
    with resources.files("normalize").joinpath("data/block_openers.yaml").open(encoding="utf-8") as fh:
        words = yaml.safe_load(fh)
    headings = "|".join(r"\s+".join(regex.escape(w) for w in phrase.split()) for phrase in words["headings"])
    ordinals = "|".join(regex.escape(w) for w in words["ordinals"])
    return regex.compile(
        rf"""^(?:{_MARKERS}
      | (?i:{headings})\b
      | (?i:(?:{ordinals})\s+{regex.escape(words["ordinal_word"])})\s*:
    )""",
        regex.VERBOSE,
    )


# A line counts as "full" when it reaches this share of the document's typical width.
FULL_LINE_SHARE = 0.75
# A line ending in a colon continues only when it is this full (an intro line rarely is).
FULL_COLON_LINE_SHARE = 0.9
# Documents whose typical line is longer than this are not hard-wrapped.
MAX_WRAP_WIDTH = 140


# Fewer lines than this say nothing about a typical width.
MIN_LINES_FOR_WIDTH = 8


def _typical_width(lengths: list[int]) -> int:
    if len(lengths) < MIN_LINES_FOR_WIDTH:
        return 0
    ordered = sorted(lengths)
    return ordered[int(0.9 * (len(ordered) - 1))]


def _is_upper_line(s: str) -> bool:
    """All letters in capitals (a heading or the issuing body), at str speed."""
    return s.upper() == s and s.lower() != s and len(s) >= 2


def continues(prev: str, nxt: str, width: int) -> bool:
    """Does line `nxt` continue the paragraph of line `prev`?"""
    if not prev or not nxt:
        return False
    ends_sentence = prev.rstrip(CLOSERS).endswith(SENTENCE_STOPS)  # str methods: a regex search per line is slow
    if nxt[0].islower():
        reads_on = not ends_sentence or prev.endswith((",", ":", ";"))
    # A capital continues only a full line of a hard-wrapped text, where neither line is in all
    # capitals (it reads both lines whole, so it is asked last). A colon that happens to end a full
    # wrapped line ("… như:" / "Trường …") is mid-sentence; any other sentence end is not.
    elif not 0 < width <= MAX_WRAP_WIDTH or (ends_sentence and not prev.endswith(":")):
        return False
    else:
        full = len(prev) >= (FULL_COLON_LINE_SHARE if ends_sentence else FULL_LINE_SHARE) * width
        reads_on = full and not _is_upper_line(prev) and not _is_upper_line(nxt)
    # A line opening a list item or heading never continues; the pattern costs the most, so only
    # a line that would otherwise continue is matched.
    return reads_on and not list_or_heading().match(nxt)


# Layout passes at most: a join can make a line long enough to join the next one in turn.
MAX_LAYOUT_PASSES = 8


def repair_layout(mt: MappedText) -> tuple[MappedText, Counter]:
    """Layout repair until nothing changes, so that normalizing the result again changes nothing."""
    counts: Counter = Counter()
    for _ in range(MAX_LAYOUT_PASSES):
        repaired, c, settled = _layout_pass(mt)
        if repaired.text == mt.text:
            break
        mt = repaired
        counts += c
        if settled:
            break
    return mt, counts


def _layout_pass(mt: MappedText) -> tuple[MappedText, Counter, bool]:
    """One layout pass, and whether a next one would leave its result as it is."""
    text = mt.text
    lines = _content_spans(text)
    counts: Counter = Counter()
    if not lines:
        return MappedText("", mt.src[:1] or Offsets(OFFSET_TYPE, [0])), counts, True
    width = _typical_width([e - s for s, e in lines])
    wide = _WIDE_BLANK.found_in(text)
    runs_of_line = _space_runs_by_line(text, lines, wide)
    collapsed = [_collapse(text[s:e]) if runs_of_line.get(i) else text[s:e] for i, (s, e) in enumerate(lines)]
    paragraphs = [[collapsed[0]]]  # the lines this pass leaves, as the collapsed lines each joins
    # Edits are made in text order (a line's space runs, then the break after it): no sort needed.
    edits: list[tuple[int, int, str]] = [(0, lines[0][0], "")] if lines[0][0] > 0 else []
    for i, (s, e) in enumerate(lines):
        for a, b in runs_of_line.get(i, ()):
            if text[a:b] != " ":
                edits.append((a, b, " "))
                counts["space_collapse"] += 1
        if i + 1 < len(lines):
            ns = lines[i + 1][0]
            if continues(collapsed[i], collapsed[i + 1], width):
                edits.append((e, ns, " "))
                counts["line_join"] += 1
                paragraphs[-1].append(collapsed[i + 1])
                continue
            paragraphs.append([collapsed[i + 1]])
            if text[e:ns] != "\n":
                edits.append((e, ns, "\n"))
                if text.count("\n", e, ns) > 1:
                    counts["blank_line"] += 1
    if lines[-1][1] < len(text):
        edits.append((lines[-1][1], len(text), ""))
    if not edits:  # the text is laid out already (a repeated pass): nothing to copy
        return mt, counts, True
    # Without a wide blank the lines left are the joined paragraphs exactly (a line's ends are no
    # blanks, a run inside was made one space), so whether a next pass joins any is read off them.
    settled = not wide and not _joins_any([" ".join(p) for p in paragraphs])
    return mt.edit(edits), +counts, settled


def _joins_any(lines: list[str]) -> bool:
    """Would a layout pass over these lines, laid out already, join any two?"""
    width = _typical_width([len(line) for line in lines])
    return any(continues(prev, nxt, width) for prev, nxt in zip(lines, lines[1:]))


def _content_spans(text: str) -> list[tuple[int, int]]:
    """The content span of every non-blank line (its leading and trailing blanks left out); lines end
    at "\\n", "\\f" or "\\r"."""
    lines: list[tuple[int, int]] = []
    start = 0
    for line in text.replace("\f", "\n").replace("\r", "\n").split("\n"):  # a character for a character
        stripped = line.strip(_LINE_BLANKS)
        if stripped:
            lead = len(line) - len(line.lstrip(_LINE_BLANKS))
            lines.append((start + lead, start + lead + len(stripped)))
        start += len(line) + 1
    return lines


def _space_runs_by_line(text: str, lines: list[tuple[int, int]], wide: bool) -> dict[int, list[tuple[int, int]]]:
    """The space runs of each line that has any, by line index, from one scan of the whole text.

    A run holds no line break, so it can reach only the line its text segment holds; a run across
    a line's content edge (a blank the line's strip keeps next to one it drops) has the line read alone.
    `wide` says whether the text holds a wide blank.
    """
    starts = [s for s, _ in lines]
    out: dict[int, list[tuple[int, int]]] = {}
    for a, b in _space_runs(text, wide, 0, len(text)):
        i = bisect.bisect_right(starts, a) - 1  # the last line starting at or before the run
        if i >= 0 and a < lines[i][1]:
            out.setdefault(i, []).append((a, b))
        elif i + 1 < len(lines) and b > starts[i + 1]:  # a run just before a line's content reaching into it
            out.setdefault(i + 1, []).append((a, b))
    for i, inside in out.items():
        s, e = lines[i]
        if any(a < s or b > e for a, b in inside):
            out[i] = _space_runs(text, wide, s, e)
    return out


def _space_runs(text: str, wide: bool, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of the space runs in text[start:end]. Without a wide blank they are the runs of two
    or more spaces, which str.find reaches far faster than the engine scans for them."""
    if wide:
        return [m.span() for m in _SPACE_RUN.finditer(text, start, end)]
    spans = []
    at = text.find("  ", start, end)
    while at >= 0:
        run_end = _SPACES.match(text, at, end).end()
        spans.append((at, run_end))
        at = text.find("  ", run_end, end)
    return spans


def _collapse(s: str) -> str:
    return _SPACE_RUN.sub(" ", s)
