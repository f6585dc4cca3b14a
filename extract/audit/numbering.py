"""`list_numbering`: an outline or list whose numbering skips or repeats.

Siblings are the items of one numbering scheme under the same parent line and
the same introducing line (and, for "2.1"-style labels, the same prefix), in
document order. Their numbers should go up by one. A return to 1 starts a new
list and is not a finding; a number at or below one already used (III after
III, 7 after 9) is a repeat; a number more than one above the previous, and
not where its position says (6 after 4), is a skip, unless the missing item's
marker sits inside the previous item's text (a line join, not the author's
numbering).

List items come from the prepared structure; `_MARKER_BEFORE` and `_MARKER_AFTER`
look for a missing item's marker written inside a joined line, which the
structure (one item per line) cannot see.
"""
from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import regex

from extract.component import Check
from extract.audit.common import audit_data, first_sentence
from extract.audit.messages import make_finding
from extract.records import Finding
from extract.structure import Line, roman_value
from gazetteer.text import fold

if TYPE_CHECKING:
    from extract.prepare import PreparedDoc

_ROMAN_OF = {v: k for k, v in {
    "I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10,
    "XI": 11, "XII": 12, "XIII": 13, "XIV": 14, "XV": 15}.items()}


def item_number(line: Line) -> int | None:
    """The ordinal an item's marker says: 3 for "1.2.3.", 2 for "II", "b)", "Hai là", "Phần thứ hai"."""
    if line.scheme is None or line.label is None:
        return None
    if line.scheme == "roman":
        return roman_value(line.label)
    if line.scheme.startswith("number"):
        return int(line.label.split(".")[-1])
    cfg = audit_data()["numbering"]
    if line.scheme == "letter":
        letters = cfg["letters_vi"]
        return letters.index(line.label) + 1 if line.label in letters else None
    if line.scheme == "ordinal_word" and fold(line.label).split():
        return _word_value(line.label.split()[0])
    if line.scheme == "part" and len(fold(line.label).split()) >= 3:
        return _word_value(line.label.split()[2].rstrip(":."))
    return None  # bullets and other schemes carry no number


def _word_value(word: str) -> int | None:
    ordinals = {k.lower(): v for k, v in audit_data()["numbering"]["ordinal_words"].items()}
    return ordinals.get(word.lower())


def _label_of(line: Line, number: int) -> str:
    """How the expected item would be written in this scheme (for messages and the join test)."""
    if line.scheme == "roman":
        return _ROMAN_OF.get(number, str(number))
    if line.scheme and line.scheme.startswith("number"):
        prefix = line.label.rsplit(".", 1)[0] + "." if "." in line.label else ""
        return f"{prefix}{number}"
    if line.scheme == "letter":
        letters = audit_data()["numbering"]["letters_vi"]
        return letters[number - 1] if 0 < number <= len(letters) else str(number)
    return str(number)


def sibling_groups(ctx: "PreparedDoc") -> list[list[tuple[Line, int]]]:
    """Numbered items grouped as siblings, each with its number, in document order."""
    groups: dict[tuple, list[tuple[Line, int]]] = defaultdict(list)
    for ln in ctx.structure.lines:
        n = item_number(ln)
        if n is None:
            continue
        prefix = ln.label.rsplit(".", 1)[0] if ln.scheme.startswith("number") and "." in ln.label else ""
        groups[(ln.scheme, ln.parent, ln.intro, prefix)].append((ln, n))
    return sorted((g for (scheme, _, _, prefix), g in groups.items()
                   if not prefix or _under_label(ctx, g[0][0], prefix)), key=lambda g: g[0][0].index)


def _under_label(ctx: "PreparedDoc", line: Line, prefix: str) -> bool:
    """"2.1" is an outline number only under an item numbered "2" (else an id such as 15.1)."""
    return any(a.label == prefix for a in ctx.structure.ancestors(line.index)
               if a.scheme and a.scheme.startswith("number"))


def _joined_marker(ctx: "PreparedDoc", prev: Line, cur: Line, label: str) -> bool:
    """The missing item's marker written inside the text between two items (a joined line)."""
    # After a blank or a sentence's end ("… TT-BNNPTNT).2. Bản chính"), never inside a
    # code or a number ("M2.1", "40/2014").
    text, end = ctx.text, cur.start
    at = text.find(label, prev.body_start, end)
    while at >= 0:
        if not (at and _MARKER_BEFORE.match(text, at - 1)) and _MARKER_AFTER.match(text, at + len(label), end):
            return True
        at = text.find(label, at + 1, end)
    return False


# What may not stand before an item's marker, and what follows one ("3.3. Tiêu chí …", "c) Xây …").
_MARKER_BEFORE = regex.compile(r"[\p{L}\d,/]")
_MARKER_AFTER = regex.compile(r"\s*[.)]\s+\p{Lu}")


def _latin_successor(prev: Line, cur: Line) -> bool:
    """"d)" then "e)": the Latin alphabet's order, which many writers use instead of "đ)"."""
    return cur.scheme == "letter" and len(prev.label) == len(cur.label) == 1 and ord(cur.label) == ord(prev.label) + 1


def _item_span(text: str, line: Line) -> tuple[int, int]:
    """An item's marker and its first sentence."""
    start, end = first_sentence(text, line.body_start, line.end)
    return line.start + (len(line.text) - len(line.text.lstrip())), end


def check_list_numbering(ctx: "PreparedDoc", records: dict) -> list[Finding]:
    max_skip = audit_data()["numbering"]["max_skip"]
    text = ctx.text
    findings = []
    for group in sibling_groups(ctx):
        first = group[0][1]
        highest = first  # the highest number before item k
        for k in range(1, len(group)):
            (prev, p), (cur, n) = group[k - 1], group[k]
            if n != 1 and n <= highest:
                earlier = next((ln for ln, m in group[:k] if m == n), prev)
                where = [_item_span(text, cur), _item_span(text, prev)]
                if earlier is not prev:
                    where.append(_item_span(text, earlier))
                findings.append(make_finding(
                    "list_repeat", where, label=cur.label, previous=prev.label, expected=_label_of(cur, p + 1),
                ))
            elif n > p + 1 and n != first + k and n - p - 1 <= max_skip and not _latin_successor(prev, cur):
                missing = [_label_of(cur, m) for m in range(p + 1, n)]
                if not any(_joined_marker(ctx, prev, cur, lab) for lab in missing):
                    findings.append(make_finding("list_skip", [_item_span(text, cur), _item_span(text, prev)],
                                                 previous=prev.label, label=cur.label, missing=", ".join(missing)))
            highest = max(highest, n)
    return findings


CHECKS = (
    Check("list_numbering", check_list_numbering, severities=("info",), requires=("structure",)),
)
