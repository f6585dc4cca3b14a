"""Strip the markup converters leave in text: markdown marks and LaTeX math wrappers.

`**Tiêu chí số 5**` → `Tiêu chí số 5`, `### I. CĂN CỨ` → `I. CĂN CỨ`, `\\*` → `*`,
`$\\leq 6,5\\%$` → `≤ 6,5%`. Every removal is an edit on a `MappedText`, so
offsets still point at the source.
"""
from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib import resources

import regex
import yaml

from normalize.document import MappedText

_HEADING = regex.compile(r"(?m)^[ \t]*#{1,6}[ \t]+")
_ESCAPE = regex.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>$%])")
# Runs of emphasis marks that are not escaped; a lone `*` + space at line start is a bullet.
_EMPHASIS = regex.compile(r"(?<!\\)(?:\*{1,3}|_{2,3})")
_BULLET_STAR = regex.compile(r"(?m)^[ \t]*\*(?=[ \t])")
_MATH_SPAN = regex.compile(r"(?<![\\$])\$(?!\$)([^$\n]{1,400}?)(?<!\\)\$")
_MATH_TOKEN = regex.compile(r"\\([A-Za-z]+)|\\(.)|[{}]")


@lru_cache(maxsize=1)
def _latex() -> dict:
    with resources.files("normalize").joinpath("data/latex.yaml").open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _looks_like_math(body: str) -> bool:
    """A `$…$` pair is math only if it holds a LaTeX command or a formula with digits."""
    return "\\" in body or bool(regex.search(r"\d\s*[-+=<>/]\s*\d", body))


def strip_latex_math(mt: MappedText) -> tuple[MappedText, Counter]:
    table = _latex()
    commands, escapes, wrappers = table["commands"], table["escapes"], set(table["wrappers"])
    edits: list[tuple[int, int, str]] = []
    spans = 0
    for m in _MATH_SPAN.finditer(mt.text):
        body = m.group(1)
        if not _looks_like_math(body):
            continue
        spans += 1
        base = m.start(1)
        edits.append((m.start(), m.start() + 1, ""))
        for t in _MATH_TOKEN.finditer(body):
            name, esc = t.group(1), t.group(2)
            if name is not None:
                repl = commands.get(name, "" if name in wrappers else name)
            elif esc is not None:
                repl = esc if esc in escapes else t.group(0)
                if esc == " ":
                    repl = " "
            else:
                repl = ""
            if repl != t.group(0):
                edits.append((base + t.start(), base + t.end(), repl))
        edits.append((m.end() - 1, m.end(), ""))
    if not edits:
        return mt, Counter()
    return mt.edit(edits), Counter({"latex_math": spans})


def strip_markdown(mt: MappedText) -> tuple[MappedText, Counter]:
    counts: Counter = Counter()
    mt, n = mt.sub(_HEADING, "")
    counts["markdown_markup"] += n
    # Bullets written as `* item` become `- item` so they survive emphasis removal.
    mt, _ = mt.sub(_BULLET_STAR, "-")
    mt, n = mt.sub(_EMPHASIS, "")
    counts["markdown_markup"] += n
    mt, n = mt.sub(_ESCAPE, r"\1")
    counts["markdown_escape"] += n
    return mt, +counts
