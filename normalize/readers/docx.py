"""DOCX files through python-docx: body paragraphs and tables in document order.

One line per paragraph; a table gives one line per row with its cells joined
by " | ", so that a criteria row ("1 | Quy hoạch | Đạt") is one line for the
line-based extractors. Section headers and footers are skipped (they are page
furniture). The ZIP is checked before parsing so that a decompression bomb
is refused instead of filling memory.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import regex

from normalize.raw import RawDocument, ReadError

# Refuse archives that expand beyond this, or members that expand more than this ratio.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
# Members smaller than this cannot be bombs whatever their ratio (a tiny, repetitive XML part).
_RATIO_CHECK_FROM_BYTES = 1024 * 1024

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_SPACES = regex.compile(r"[ \t\u00a0]+")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def read_docx(path: Path) -> RawDocument:
    with path.open("rb") as handle:
        head = handle.read(8)
        if not head:
            raise ReadError("file is empty", status="empty")
        if head.startswith(_OLE_MAGIC):
            handle.seek(0)
            if _ENCRYPTED_PACKAGE in handle.read(1 << 20):
                raise ReadError("DOCX is encrypted: a password is needed (save an unprotected copy)")
            from normalize.readers.doc import read_doc  # noqa: PLC0415 - a legacy .doc named .docx

            return read_doc(path)
    check_zip(path, required="word/document.xml", kind="DOCX")

    import docx  # noqa: PLC0415 - python-docx is heavy to import; only DOCX needs it

    try:
        document = docx.Document(str(path))
    except Exception as error:  # noqa: BLE001 - python-docx raises many kinds on damaged parts
        raise ReadError(f"DOCX is damaged: {_one_line(error)}") from None
    body = document.element.body
    lines = list(_block_lines(body))
    text = "\n".join(lines)
    if not regex.search(r"[\p{L}\p{N}]", text):
        raise ReadError("document has no text", status="empty")
    return RawDocument(text=text, file_type="docx", fonts=frozenset(_fonts(document)))


def check_zip(path: Path, required: str, kind: str) -> None:
    """Refuse non-ZIPs, ZIPs without the `required` part, and decompression bombs."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        from normalize.readers.pdf import describe_content  # noqa: PLC0415

        with path.open("rb") as handle:
            head = handle.read(1024)
        if head.startswith(b"PK"):
            raise ReadError(f"{kind} is damaged: the ZIP container is truncated or corrupt") from None
        raise ReadError(f"not a {kind}: {describe_content(head)}") from None
    with archive:
        members = archive.infolist()
        names = {member.filename for member in members}
        if required not in names:
            raise ReadError(f"not a {kind}: the ZIP archive has no {required} (another kind of ZIP?)")
        total = sum(member.file_size for member in members)
        if total > MAX_UNCOMPRESSED_BYTES:
            raise ReadError(f"{kind} refused: it would expand to {total // (1024 * 1024)} MB (limit {MAX_UNCOMPRESSED_BYTES // (1024 * 1024)} MB)")
        for member in members:
            if member.file_size >= _RATIO_CHECK_FROM_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(1, member.compress_size):
                raise ReadError(f"{kind} refused: part {member.filename} expands {member.file_size // max(1, member.compress_size)}× (a decompression bomb?)")


def _block_lines(container):
    """Lines of the paragraphs and tables directly in a body, cell or content control, in order."""
    for child in container.iterchildren():
        tag = child.tag
        if tag == _W + "p":
            yield from _paragraph_text(child).split("\n")
        elif tag == _W + "tbl":
            yield from _table_lines(child)
        elif tag == _W + "sdt":
            content = child.find(_W + "sdtContent")
            if content is not None:
                yield from _block_lines(content)


def _paragraph_text(paragraph) -> str:
    """Text of a w:p: runs, hyperlinks, tabs and line breaks, without deleted text."""
    parts: list[str] = []
    for node in paragraph.iter(_W + "t", _W + "tab", _W + "br", _W + "cr", _W + "noBreakHyphen"):
        if _inside_deleted(node, paragraph):
            continue
        tag = node.tag
        if tag == _W + "t":
            # An entity reference (left unresolved) is a child: the text after it is its tail.
            parts.append(node.text or "")
            parts.extend(child.tail or "" for child in node)
        elif tag == _W + "tab":
            parts.append("\t")
        elif tag in (_W + "br", _W + "cr"):
            parts.append("\n")
        else:
            parts.append("-")
    return "".join(parts)


def _inside_deleted(node, stop) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in (_W + "del", _W + "moveFrom"):
            return True
        parent = parent.getparent()
    return False


def _table_lines(table):
    """One line per row: the cells' text joined by " | " (a merged cell once)."""
    for row in table.iterchildren(_W + "tr"):
        cells = []
        for cell in row.iterchildren(_W + "tc"):
            if _continues_vertical_merge(cell):
                cells.append("")
                continue
            texts = [_paragraph_text(p) for p in cell.iter(_W + "p")]
            cells.append(_SPACES.sub(" ", " ".join(t.replace("\n", " ") for t in texts)).strip())
        if any(cells):
            yield " | ".join(cells)


def _continues_vertical_merge(cell) -> bool:
    properties = cell.find(_W + "tcPr")
    merge = properties.find(_W + "vMerge") if properties is not None else None
    return merge is not None and merge.get(_W + "val") in (None, "continue")


def _fonts(document) -> set[str]:
    """Font names named in the body and the styles (legacy-encoding signal, e.g. '.VnTime')."""
    names: set[str] = set()
    roots = [document.element]
    try:
        roots.append(document.styles.element)
    except (KeyError, AttributeError):
        pass
    for root in roots:
        for fonts in root.iter(_W + "rFonts"):
            for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
                value = fonts.get(_W + attribute)
                if value:
                    names.add(value)
    return names


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text[:200] or type(error).__name__
