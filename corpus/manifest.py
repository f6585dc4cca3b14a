"""What a run has already done: per-document shards and the manifest that indexes them.

A shard is one document's rows (its `documents` row and its rows in every other
table) as a small JSON file, named by the document's content hash and file
type. The manifest lists, for every input path of a run, the shard that holds
its rows. Both live in the output folder (`cache/`), under a key made of
PIPELINE_VERSION, a hash of the pipeline's source and data files and the
versions of the readers' libraries: a rerun reuses a shard only when the file's
bytes and that key are both unchanged, so its tables equal a full run's.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Iterable

# Raise when a change outside the hashed sources changes the rows (e.g. a new output rule).
PIPELINE_VERSION = "1"

CACHE_DIR = "cache"
SHARD_DIR = "shards"
MANIFEST_FILE = "manifest.jsonl"
MANIFEST_FORMAT = 1

_REPO = Path(__file__).resolve().parents[1]
# Everything whose change can change a document's rows.
_PIPELINE_SOURCES = ("normalize", "extract", "gazetteer", "corpus/process.py", "corpus/schema.py", "corpus/contract.py",
                     "corpus/workers.py", "corpus/duplicates.py")
# Everything that turns the shards into the tables: a change here rewrites the tables (a rerun's shards stay).
_ASSEMBLY_SOURCES = ("corpus/batch.py", "corpus/tables.py", "corpus/duplicates.py", "corpus/audit_across.py")
_SOURCE_SUFFIXES = {".py", ".yaml", ".yml", ".json", ".csv", ".txt", ".tsv"}
_READER_LIBRARIES = ("pypdfium2", "pdfplumber", "python-docx", "regex", "underthesea", "vietnamadminunits")
_HASH_CHUNK = 1 << 20


def pipeline_key() -> str:
    """PIPELINE_VERSION plus a hash of the pipeline's sources and its readers' library versions.

    Computed afresh for every run (a few milliseconds), so an edited source is never missed.
    """
    from importlib import metadata  # here, not at the top: the workers import this module and never use it

    digest = hashlib.sha256(f"ntm-pipeline {PIPELINE_VERSION}\n".encode())
    for source in _PIPELINE_SOURCES:
        root = _REPO / source
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for f in files:
            if f.suffix not in _SOURCE_SUFFIXES or "__pycache__" in f.parts:
                continue
            digest.update(f.relative_to(_REPO).as_posix().encode() + b"\0")
            digest.update(f.read_bytes() + b"\0")
    for lib in _READER_LIBRARIES:
        try:
            version = metadata.version(lib)
        except metadata.PackageNotFoundError:
            version = "-"
        digest.update(f"{lib}={version}\n".encode())
    return f"{PIPELINE_VERSION}-{digest.hexdigest()[:16]}"


def assembly_key() -> str:
    """A hash of the code that assembles the tables from the shards (see `_ASSEMBLY_SOURCES`)."""
    digest = hashlib.sha256()
    for source in _ASSEMBLY_SOURCES:
        digest.update(source.encode() + b"\0" + (_REPO / source).read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def content_hash(path: Path) -> str:
    """SHA-256 of a file's bytes, read in chunks (a file is never loaded whole to hash it)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def doc_id_of_hash(sha256_hex: str) -> str:
    """The contract's doc_id from a content hash (the same as normalize.pipeline.doc_id_of)."""
    return sha256_hex[:16]


def shard_name(sha256_hex: str, file_type: str) -> str:
    """A shard's file name: content hash and file type only, so no input name reaches the disk."""
    safe_type = "".join(c for c in file_type.lower() if c.isalnum())[:16] or "unknown"
    return f"{sha256_hex}.{safe_type}.json"


def display_path(path: Path | str) -> str:
    """A path as text that can always be stored (undecodable bytes of a file name shown as \\xNN)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


@dataclass(slots=True)  # a run keeps one per input file
class Entry:
    """One input file of a run and the shard that holds its rows."""

    path: str
    sha256: str | None
    shard: str | None
    status: str
    cacheable: bool = True


def cache_dir(out: Path) -> Path:
    return Path(out) / CACHE_DIR


def shard_dir(out: Path) -> Path:
    return cache_dir(out) / SHARD_DIR


def write_manifest(folder: Path, key: str, entries: Iterable[Entry]) -> None:
    """The manifest of a finished run, in the order of the tables' rows."""
    path = cache_dir(folder) / MANIFEST_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(json.dumps({"format": MANIFEST_FORMAT, "pipeline": key}) + "\n")
        for e in entries:
            handle.write(json.dumps(asdict(e), ensure_ascii=False) + "\n")


def read_manifest(folder: Path) -> tuple[str | None, list[Entry]]:
    """The pipeline key and entries of a previous run, or (None, []) when there is none or it is unreadable."""
    path = cache_dir(folder) / MANIFEST_FILE
    try:
        with open(path, encoding="utf-8") as handle:
            header = json.loads(handle.readline())
            if header.get("format") != MANIFEST_FORMAT:
                return None, []
            return header.get("pipeline"), [Entry(**json.loads(line)) for line in handle if line.strip()]
    except (OSError, ValueError, TypeError):
        return None, []


class ShardStore:
    """Shards of the run being written (`target`) and those of previous runs that may be reused."""

    def __init__(self, target: Path, sources: Iterable[Path] = ()):
        self.folder = shard_dir(target)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.sources = [shard_dir(s) for s in sources]

    def path(self, name: str) -> Path:
        return self.folder / name

    def has(self, name: str) -> bool:
        return (self.folder / name).is_file()

    def adopt(self, name: str) -> bool:
        """Bring a previous run's shard into this run (a hard link; a copy across file systems)."""
        if self.has(name):
            return True
        for source in self.sources:
            old = source / name
            if not old.is_file():
                continue
            try:
                os.link(old, self.folder / name)
            except OSError:
                try:
                    shutil.copyfile(old, self.folder / name)
                except OSError:
                    continue
            return True
        return False

    def write(self, name: str, shard: dict) -> None:
        write_shard(self.folder / name, shard)

    def read(self, name: str) -> dict:
        return read_shard(self.folder / name)


def encode_shard(document: dict, rows: dict[str, list[dict]], log: str | None = None, text: str | None = None,
                 page: dict | None = None) -> bytes:
    """A shard's bytes: the document's row, its rows per table, the traceback of a failure, if any,
    the normalized text the rows' spans point into and, if rendered, the document's report page."""
    shard = {"document": document, "rows": rows, "log": log, "text": text}
    if page is not None:
        shard["page"] = page
    return json.dumps(shard, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "backslashreplace")


def write_shard(path: Path, shard: dict | bytes) -> None:
    """Write a shard whole or not at all (written beside, then renamed)."""
    data = shard if isinstance(shard, bytes) else encode_shard(shard["document"], shard.get("rows", {}), shard.get("log"), shard.get("text"))
    tmp = path.with_name(path.name + f".part-{os.getpid()}")
    with open(tmp, "wb") as handle:
        handle.write(data)
    os.replace(tmp, path)


def read_shard(path: Path) -> dict:
    with open(path, "rb") as handle:
        return json.loads(handle.read())
