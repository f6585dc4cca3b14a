"""RTF to plain text: paragraphs, tabs, Unicode and code-page escapes; tables, pictures and styles skipped.

Enough RTF for the word processors' exports that reach an archive under a
`.doc` name: `\\par` and `\\line` end a line, a table cell ends with " | ",
`\\uN` is a Unicode character (the `\\ucN` fallback characters after it are
dropped), `\\'hh` a byte in the document's code page (`\\ansicpgN`).
"""
from __future__ import annotations

import codecs

import regex

from normalize.raw import ReadError

_TOKEN = regex.compile(rb"\\([a-zA-Z]{1,32})(-?\d{1,10})? ?|\\'([0-9a-fA-F]{2})|\\(.)|([{}])|([^\\{}\r\n]+)|[\r\n]+", regex.S)
# Groups whose text is not the document's (tables of fonts, colours and styles, metadata, pictures).
_SKIPPED = frozenset({
    "fonttbl", "colortbl", "stylesheet", "info", "pict", "object", "themedata", "colorschememapping",
    "datastore", "xmlnstbl", "listtable", "listoverridetable", "rsidtbl", "generator", "latentstyles",
    "filetbl", "revtbl", "header", "headerl", "headerr", "headerf", "footer", "footerl", "footerr", "footerf",
    "fldinst", "bkmkstart", "bkmkend",
})
_BREAKS = {"par": "\n", "line": "\n", "row": "\n", "sect": "\n", "page": "\n", "tab": "\t", "cell": " | ",
           "emdash": "—", "endash": "–", "bullet": "•", "lquote": "‘", "rquote": "’", "ldblquote": "“",
           "rdblquote": "”", "~": "\u00a0", "_": "-"}
MAX_DEPTH = 1000


def rtf_to_text(data: bytes) -> str:
    """The text of an RTF document's bytes."""
    codepage = "cp1252"
    out: list[str] = []
    pending = bytearray()  # \'hh bytes, decoded together (a multi-byte code page needs them whole)
    stack: list[tuple[bool, int]] = []
    skip, uc, fallback = False, 1, 0

    def flush() -> None:
        if pending:
            if not skip:
                out.append(pending.decode(codepage, errors="replace"))
            pending.clear()

    for m in _TOKEN.finditer(data):
        word, arg, hexbyte, symbol, brace, text = m.groups()
        if hexbyte is not None:
            if fallback:
                fallback -= 1
            else:
                pending.append(int(hexbyte, 16))
            continue
        flush()
        if brace == b"{":
            stack.append((skip, uc))
            if len(stack) > MAX_DEPTH:
                raise ReadError("could not read the file: its structure is nested too deeply (a damaged file?)")
            fallback = 0
        elif brace == b"}":
            skip, uc = stack.pop() if stack else (skip, uc)
            fallback = 0
        elif word is not None:
            name = word.decode("ascii")
            if name in _SKIPPED:
                skip = True
            elif name == "ansicpg" and arg:
                codepage = _codepage(int(arg), codepage)
            elif name == "uc" and arg:
                uc = max(0, int(arg))
            elif name == "u" and arg:
                value = int(arg)
                if not skip:
                    out.append(chr(value + 65536 if value < 0 else value))
                fallback = uc
            elif name in _BREAKS and not skip:
                out.append(_BREAKS[name])
        elif symbol is not None:
            char = symbol.decode("latin-1")
            if char == "*":
                skip = True
            elif char in "\\{}" and not skip:
                out.append(char)
            elif char in _BREAKS and not skip:
                out.append(_BREAKS[char])
            elif char in "\r\n" and not skip:
                out.append("\n")
        elif text is not None:
            if fallback:
                drop = min(fallback, len(text))
                text, fallback = text[drop:], fallback - drop
            if not skip and text:
                out.append(text.decode(codepage, errors="replace"))
    flush()
    return "".join(out)


def _codepage(number: int, current: str) -> str:
    try:
        return codecs.lookup(f"cp{number}").name
    except LookupError:
        return current
