"""Format readers: one function per file type, from a path to a `RawDocument`.

`read_path` dispatches on the file's extension; every reader raises
`ReadError` with a one-line message a clerk can act on (status `error`,
`empty` or `needs_ocr`). Readers of heavy formats are imported on first use.
"""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from normalize.raw import RawDocument, ReadError
from normalize.readers.text import read_text

Reader = Callable[[Path], RawDocument]


def _lazy(module: str, function: str) -> Reader:
    """A reader imported when first called, so reading text never loads pdfium or python-docx."""

    def reader(path: Path) -> RawDocument:
        return getattr(importlib.import_module(module), function)(path)

    reader.__name__ = function
    reader.__qualname__ = function
    reader.__doc__ = f"{module}.{function}, imported on first use."
    return reader


read_pdf = _lazy("normalize.readers.pdf", "read_pdf")
read_docx = _lazy("normalize.readers.docx", "read_docx")
read_doc = _lazy("normalize.readers.doc", "read_doc")
read_image = _lazy("normalize.readers.ocr", "read_image")

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".doc": read_doc,
    ".png": read_image,
    ".jpg": read_image,
    ".jpeg": read_image,
    ".tif": read_image,
    ".tiff": read_image,
}

SUPPORTED_EXTENSIONS = frozenset(READERS)


def file_type_of(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "unknown"


def read_path(path: Path) -> RawDocument:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"unsupported file type {path.suffix or '(no extension)'}")
    return reader(path)
