"""Format readers: one function per file type, from a path to a `RawDocument`.

`read_path` dispatches on the file's extension; every reader raises
`ReadError` with a one-line message a clerk can act on.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from normalize.raw import RawDocument, ReadError
from normalize.readers.text import read_text

Reader = Callable[[Path], RawDocument]

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
}

SUPPORTED_EXTENSIONS = frozenset(READERS)


def file_type_of(path: Path) -> str:
    return path.suffix.lower().lstrip(".") or "unknown"


def read_path(path: Path) -> RawDocument:
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise ReadError(f"unsupported file type {path.suffix or '(no extension)'}")
    return reader(path)
