"""The batch: find the files, run each document, gather the rows, write the tables."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Callable, Iterable

from corpus.process import DocResult, process_file
from corpus.tables import Tables, build_tables, write_tables
from corpus.schema import TABLE_NAMES

log = logging.getLogger("ntm")

LOG_FILE = "ntm.log"


def sample_corpus() -> Path:
    """The bundled sample plans (`corpus/samples`)."""
    return Path(str(resources.files("corpus").joinpath("samples")))


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Every file under the given files and folders, recursively, in a stable order.

    Hidden files are skipped; symlinked folders are followed once (a loop is not
    walked forever); a missing path is a usage error.
    """
    found: list[Path] = []
    seen_dirs: set[tuple[int, int]] = set()
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise FileNotFoundError(f"no such file or folder: {p}")
        if p.is_file():
            found.append(p)
            continue
        for root, dirs, files in os.walk(p, followlinks=True):
            st = os.stat(root)
            key = (st.st_dev, st.st_ino)
            if key in seen_dirs:
                dirs[:] = []
                continue
            seen_dirs.add(key)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for f in sorted(files):
                if not f.startswith("."):
                    found.append(Path(root) / f)
    unique, seen = [], set()
    for f in found:
        k = os.path.realpath(f)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return unique


@dataclass
class RunSummary:
    n_documents: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    rows: dict[str, int] = field(default_factory=dict)


def collect(results: Iterable[DocResult]) -> tuple[dict[str, list[dict]], list[str]]:
    rows: dict[str, list[dict]] = {t: [] for t in TABLE_NAMES}
    logs: list[str] = []
    for r in results:
        rows["documents"].append(r.document)
        for table, rs in r.rows.items():
            rows[table].extend(rs)
        if r.log:
            logs.append(f"== {r.document.get('path')}\n{r.log}")
    rows["documents"].sort(key=lambda d: (str(d.get("path")), str(d.get("doc_id"))))
    return rows, logs


def run(
    paths: Iterable[str | Path] | None = None,
    out: str | Path | None = None,
    on_result: Callable[[DocResult], None] | None = None,
) -> Tables:
    """Run the pipeline on files/folders and return the tables; write them to `out` if given.

    >>> tables = run(["archive/"], out="out/")      # doctest: +SKIP
    >>> tables.criteria.groupby("status").size()    # doctest: +SKIP
    """
    files = discover(paths or [sample_corpus()])
    results = []
    for f in files:
        r = process_file(f)
        if on_result:
            on_result(r)
        results.append(r)
    rows, logs = collect(results)
    tables = build_tables(rows)
    if out is not None:
        extra = [(LOG_FILE, "\n".join(logs).encode("utf-8"))]
        write_tables(tables, Path(out), extra=extra)
    return tables


def summarize(tables: Tables) -> RunSummary:
    docs = tables["documents"]
    by_status = docs["status"].astype(str).value_counts().to_dict() if len(docs) else {}
    return RunSummary(n_documents=len(docs), by_status=by_status, rows=tables.row_counts())
