"""From a file to a `NormalizedDoc`: read, repair, strip markup, fix layout.

The order matters: encodings are repaired on the raw characters, Unicode is
composed (NFC) before anything matches words, markup is stripped before the
layout pass decides which lines continue which.
"""
from __future__ import annotations

import hashlib
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable

import regex

from normalize.document import MappedText, NormalizedDoc
from normalize.layout import repair_layout
from normalize.markup import strip_latex_math, strip_markdown
from normalize.raw import RawDocument, ReadError
from normalize.readers import file_type_of, read_path

Step = Callable[[MappedText, RawDocument], tuple[MappedText, Counter]]

_CONTROL = regex.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\u200b-\u200d\ufeff]")
_CLUSTER = regex.compile(r"\X")


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _drop_furniture(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    spans = sorted((s, e) for s, e in raw.furniture if 0 <= s < e <= len(mt.text))
    merged: list[tuple[int, int, str]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]), "")
        else:
            merged.append((s, e, ""))
    return (mt.edit(merged), Counter({"page_furniture": len(merged)})) if merged else (mt, Counter())


def _drop_controls(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    mt, n = mt.sub(_CONTROL, "")
    return mt, Counter({"control_char": n}) if n else Counter()


def compose_nfc(mt: MappedText, raw: RawDocument | None = None) -> tuple[MappedText, Counter]:
    """NFC per grapheme cluster, so every composed character maps to its source cluster."""
    if unicodedata.is_normalized("NFC", mt.text):
        return mt, Counter()
    edits = []
    for m in _CLUSTER.finditer(mt.text):
        c = m.group(0)
        n = unicodedata.normalize("NFC", c)
        if n != c:
            edits.append((m.start(), m.end(), n))
    return mt.edit(edits), Counter({"nfc": len(edits)})


def _markup(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    counts: Counter = Counter()
    mt, c = strip_latex_math(mt)
    counts += c
    if raw.markup == "markdown":
        mt, c = strip_markdown(mt)
        counts += c
    return mt, counts


def _layout(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    return repair_layout(mt)


def _optional_steps() -> tuple[list[Step], list[Step]]:
    """Encoding and glyph repairs (before NFC) and broken-text repair (last: it sees whole joined lines)."""
    early: list[Step] = []
    late: list[Step] = []
    try:
        from normalize.legacy import repair_legacy

        early.append(lambda mt, raw: repair_legacy(mt, raw.fonts))
    except ImportError:
        pass
    try:
        from normalize.glyphs import repair_glyphs

        early.append(lambda mt, raw: repair_glyphs(mt))
    except ImportError:
        pass
    try:
        from normalize.syllables import repair_broken_text

        late.append(lambda mt, raw: repair_broken_text(mt))
    except ImportError:
        pass
    return early, late


def steps() -> list[Step]:
    early, late = _optional_steps()
    return [_drop_furniture, _drop_controls, *early, compose_nfc, _markup, _layout, *late]


def normalize_raw(raw: RawDocument, doc_id: str = "", path: str = "") -> NormalizedDoc:
    mt = MappedText.identity(raw.text)
    repairs: Counter = Counter(raw.repairs)
    for step in steps():
        mt, c = step(mt, raw)
        repairs.update(c)
    tables = tuple(table.mapped(mt.src, mt.text) for table in raw.tables)
    return NormalizedDoc(
        doc_id=doc_id,
        path=path,
        file_type=raw.file_type,
        text=mt.text,
        src=mt.src,
        page_starts=raw.page_starts,
        n_pages=raw.n_pages,
        repairs=+repairs,
        source_text=raw.text,
        lossy=raw.lossy,
        tables=tables,
    )


def normalize_text(text: str, markup: str = "plain") -> str:
    """Normalize a string (tests, notebooks): the same steps as a file."""
    return normalize_raw(RawDocument(text=text, file_type="txt", markup=markup)).text


def normalize_path(path: Path) -> NormalizedDoc:
    """Read and normalize one file; a `ReadError` becomes a document with its status and message."""
    path = Path(path)
    data = path.read_bytes()
    doc_id = doc_id_of(data)
    try:
        raw = read_path(path)
    except ReadError as e:
        return NormalizedDoc(doc_id=doc_id, path=str(path), file_type=file_type_of(path), text="",
                             status=e.status, error=str(e))
    doc = normalize_raw(raw, doc_id=doc_id, path=str(path))
    if not doc.text.strip():
        doc.status, doc.error = "empty", "no text in the file"
    return doc
