"""From a file to a `NormalizedDoc`: read, repair, strip markup, fix layout.

The order matters: encodings are repaired on the raw characters, Unicode is
composed (NFC) before anything matches words, markup is stripped before the
layout pass decides which lines continue which.
"""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Callable

import regex

from normalize.characters import RareCharacters
from normalize.document import MappedText, NormalizedDoc
from normalize.layout import repair_layout
from normalize.markup import strip_latex_math, strip_markdown
from normalize.raw import RawDocument, ReadError
from normalize.readers import file_type_of, read_path
from normalize.readers.text import TEXT_SUFFIXES, read_text_data

Step = Callable[[MappedText, RawDocument], tuple[MappedText, Counter]]

_CONTROL_CHARS = "".join(map(chr, [*range(0x09), 0x0B, *range(0x0E, 0x20), 0x7F, 0x200B, 0x200C, 0x200D, 0xFEFF]))
_CONTROL = re.compile(f"[{re.escape(_CONTROL_CHARS)}]")  # literal: the standard engine is faster
_CONTROLS = RareCharacters(lambda: _CONTROL_CHARS)
_CLUSTER = regex.compile(r"\X")
_WORD = regex.compile(r"[\p{L}\p{N}]")


def doc_id_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _drop_furniture(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    """Drop running headers, footers and page numbers, but never all the words of a page."""
    spans = _keep_a_page_whole(sorted((s, e) for s, e in raw.furniture if 0 <= s < e <= len(mt.text)), mt.text,
                               raw.page_starts)
    merged: list[tuple[int, int, str]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]), "")
        else:
            merged.append((s, e, ""))
    return (mt.edit(merged), Counter({"page_furniture": len(merged)})) if merged else (mt, Counter())


def _keep_a_page_whole(spans: list[tuple[int, int]], text: str, page_starts: tuple[int, ...]) -> list[tuple[int, int]]:
    """The spans, less those of any page whose every word they cover (a page is never furniture only)."""
    bounds = [0, *page_starts, len(text)]
    kept: list[tuple[int, int]] = []
    i = 0
    for page_start, page_end in zip(bounds, bounds[1:]):
        page_spans = []
        while i < len(spans) and spans[i][0] < page_end:
            page_spans.append(spans[i])
            i += 1
        if not page_spans:
            continue
        rest, position = [], page_start
        for s, e in page_spans:
            rest.append(text[position:s])
            position = max(position, e)
        rest.append(text[position:page_end])
        if _WORD.search("".join(rest)):
            kept.extend(page_spans)
    return kept


def _drop_controls(mt: MappedText, raw: RawDocument) -> tuple[MappedText, Counter]:
    if not _CONTROLS.found_in(mt.text):
        return mt, Counter()
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


def _repair_steps() -> tuple[list[Step], list[Step]]:
    """Encoding and glyph repairs (before NFC) and broken-text repair (last: it sees whole joined lines).
    None is optional: a repair that fails to import stops the run with its traceback."""
    from normalize.glyphs import repair_glyphs
    from normalize.legacy import repair_legacy
    from normalize.syllables import repair_broken_text

    early: list[Step] = [lambda mt, raw: repair_legacy(mt, raw.fonts), lambda mt, raw: repair_glyphs(mt)]
    late: list[Step] = [lambda mt, raw: repair_broken_text(mt)]
    return early, late


def steps() -> list[Step]:
    early, late = _repair_steps()
    return [_drop_furniture, _drop_controls, *early, compose_nfc, _markup, lambda mt, raw: repair_layout(mt), *late]


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


def read_data(data: bytes, path: Path) -> RawDocument:
    """Read bytes already taken from `path` as the file type its name says; the reader sees only these bytes.

    Text is decoded from memory; any other format is read from a private copy of
    the bytes, so a file that changes on disk meanwhile cannot change what is read.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return read_text_data(data, suffix)
    _remove_stale_copies()
    with tempfile.TemporaryDirectory(prefix=f"{_COPY_PREFIX}{os.getpid()}-") as folder:
        copy = Path(folder) / f"document{suffix}"
        with open(copy, "wb") as handle:
            handle.write(data)
        os.chmod(copy, 0o400)
        return read_path(copy)


_COPY_PREFIX = "ntm-read-"
_swept: set[int] = set()


def _remove_stale_copies() -> None:
    """Once per process: remove the copies that processes killed while reading (a timeout) left behind."""
    if os.getpid() in _swept:
        return
    _swept.add(os.getpid())
    folder = Path(tempfile.gettempdir())
    try:
        names = [n for n in os.listdir(folder) if n.startswith(_COPY_PREFIX)]
    except OSError:
        return
    for name in names:
        pid = name[len(_COPY_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(folder / name, ignore_errors=True)


def process_alive(pid: int) -> bool:
    """Is there a process with this id (one of another user counts)?"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def normalize_data(data: bytes, path: Path) -> NormalizedDoc:
    """Normalize the bytes of one file; a `ReadError` becomes a document with its status and message."""
    path = Path(path)
    doc_id = doc_id_of(data)
    try:
        raw = read_data(data, path)
    except ReadError as e:
        return NormalizedDoc(doc_id=doc_id, path=str(path), file_type=file_type_of(path), text="",
                             status=e.status, error=str(e))
    doc = normalize_raw(raw, doc_id=doc_id, path=str(path))
    if not doc.text.strip():
        doc.status, doc.error = "empty", "no text in the file"
    return doc


def normalize_path(path: Path) -> NormalizedDoc:
    """Read and normalize one file; a `ReadError` becomes a document with its status and message."""
    path = Path(path)
    return normalize_data(path.read_bytes(), path)
