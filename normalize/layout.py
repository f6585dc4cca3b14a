"""Layout repair: one paragraph, heading or list item per line.

Text exported from Word/PDF is hard-wrapped ("đạt 17/19 tiêu" / "chí"), often
with blank lines between the wrapped lines, and page breaks fall mid-sentence.
Lines are joined when the next one continues the previous (it starts in lower
case, or the previous one fills the line and does not end a sentence), never
when the next one opens a heading or a list item. Runs of spaces collapse.
"""
from __future__ import annotations

import bisect
from collections import Counter

import regex

from normalize.document import MappedText

# Line openers that start a new block: list bullets, numbered and Roman headings,
# "Phần thứ …" parts, "Một là:" enumerations, lettered items.
LIST_OR_HEADING = regex.compile(
    r"""^(?:
        [-+*•·–—]\s*                                  # bullets
      | \d{1,2}(?:\.\d{1,2}){0,3}\s*[.),]?(?=\s|\p{Lu})  # 1. 1.2. 1.2.3 8,
      | [IVXLC]{1,6}\s*[.)\-–]                          # I. II) IV-
      | [a-zđ]\s*\)                                   # a) b)
      | (?i:phần\s+thứ)\b
      | (?i:(?:một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười)\s+là)\s*:
      | (?i:nơi\s+nhận)\b
    )""",
    regex.VERBOSE,
)
SENTENCE_END = regex.compile(r"[.!?:;…]['\"”’)]*$")
_SPACE_RUN = regex.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]{2,}|[\t\u00a0\u2000-\u200b\u202f\u3000]")
_LINE = regex.compile(r"[^\n\f\r]*")

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
    if not prev or not nxt or LIST_OR_HEADING.match(nxt):
        return False
    first = nxt[0]
    ends_sentence = bool(SENTENCE_END.search(prev))
    if first.islower():
        return not ends_sentence or prev.endswith((",", ":", ";"))
    if _is_upper_line(prev) or _is_upper_line(nxt):
        return False
    wrapped = 0 < width <= MAX_WRAP_WIDTH
    if ends_sentence:
        # A colon that happens to end a full wrapped line ("… như:" / "Trường …") is mid-sentence.
        return wrapped and prev.endswith(":") and len(prev) >= FULL_COLON_LINE_SHARE * width
    return wrapped and len(prev) >= FULL_LINE_SHARE * width


def repair_layout(mt: MappedText) -> tuple[MappedText, Counter]:
    text = mt.text
    # Content span of every non-blank line (leading/trailing blanks excluded).
    lines: list[tuple[int, int]] = []
    for m in _LINE.finditer(text):
        s, e = m.start(), m.end()
        if s == e and lines and lines[-1][1] == s:
            continue
        seg = text[s:e]
        stripped = seg.strip(" \t\u00a0\u200b\u3000\ufeff")
        if not stripped:
            continue
        lead = len(seg) - len(seg.lstrip(" \t\u00a0\u200b\u3000\ufeff"))
        lines.append((s + lead, s + lead + len(stripped)))
    counts: Counter = Counter()
    if not lines:
        return MappedText("", (mt.src[0] if mt.src else 0,)), counts
    width = _typical_width([e - s for s, e in lines])
    edits: list[tuple[int, int, str]] = []
    if lines[0][0] > 0:
        edits.append((0, lines[0][0], ""))
    # One scan for the space runs of the whole text; a line without any is its own collapsed form.
    runs = [(m.start(), m.end()) for m in _SPACE_RUN.finditer(text)]
    run_starts = [a for a, _ in runs]

    def line_runs(s: int, e: int) -> list[tuple[int, int]]:
        i = max(0, bisect.bisect_right(run_starts, s) - 1)
        out = []
        while i < len(runs) and runs[i][0] < e:
            if runs[i][1] > s:
                out.append(runs[i])
            i += 1
        if any(a < s or b > e for a, b in out):  # a run across the line's edge: read the line alone
            out = [(m.start(), m.end()) for m in _SPACE_RUN.finditer(text, s, e)]
        return out

    collapsed = []
    for s, e in lines:
        inside = line_runs(s, e)
        collapsed.append(_collapse(text[s:e]) if inside else text[s:e])
        for a, b in inside:
            if text[a:b] != " ":
                edits.append((a, b, " "))
                counts["space_collapse"] += 1
    for i, (s, e) in enumerate(lines):
        if i + 1 < len(lines):
            ns = lines[i + 1][0]
            if continues(collapsed[i], collapsed[i + 1], width):
                edits.append((e, ns, " "))
                counts["line_join"] += 1
            elif text[e:ns] != "\n":
                edits.append((e, ns, "\n"))
                if text.count("\n", e, ns) > 1:
                    counts["blank_line"] += 1
    if lines[-1][1] < len(text):
        edits.append((lines[-1][1], len(text), ""))
    edits.sort(key=lambda t: t[0])
    return mt.edit(edits), +counts


def _collapse(s: str) -> str:
    return _SPACE_RUN.sub(" ", s)
