"""Per-core rates of the per-document work, for `run_bench.py` (run as a subprocess per code tree).

    python bench/extract_rates.py TREE texts FILE...   normalize + extract CPU seconds per text file
    python bench/extract_rates.py TREE pdfs FILE...    worker CPU seconds (read + normalize + extract) per PDF
    python bench/extract_rates.py TREE scale SIZE...   normalize + extract of one generated plan per size (bytes)

It imports the project from the code tree TREE, so `run_bench.py` runs it
once with this tree and once with `--baseline DIR` (an export of the previous
main) and compares the two in one run. It prints one JSON object.
CPU time (`time.process_time`) is measured, so other processes on the machine
do not count.
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def _normalize_extract(text: str) -> float:
    from extract.registry import extract_document
    from normalize.pipeline import normalize_raw
    from normalize.raw import RawDocument

    raw = RawDocument(text=text, file_type="txt", markup="plain")
    started = time.process_time()
    extract_document(normalize_raw(raw))
    return time.process_time() - started


def texts(paths: list[Path], passes: int = 3) -> dict:
    """The best of `passes` passes over the files (the first also warms caches and lazily built patterns)."""
    contents = [path.read_text(encoding="utf-8") for path in paths]
    size = sum(len(text.encode()) for text in contents)
    seconds = min(sum(_normalize_extract(text) for text in contents) for _ in range(passes + 1))
    return {"docs": len(paths), "megabytes": round(size / 1e6, 3), "cpu_s": round(seconds, 3),
            "mb_per_s_per_core": round(size / 1e6 / seconds, 3)}


def pdfs(paths: list[Path], passes: int = 2) -> dict:
    """The best of `passes` passes of the worker's per-file function (after one warm-up pass)."""
    from corpus.process import process_file

    pages = sum(int(process_file(path).document.get("n_pages") or 0) for path in paths)
    seconds = float("inf")
    for _ in range(passes):
        started = time.process_time()
        for path in paths:
            process_file(path)
        seconds = min(seconds, time.process_time() - started)
    return {"docs": len(paths), "pages": pages, "cpu_s": round(seconds, 3),
            "ms_per_page": round(1000 * seconds / pages, 2) if pages else None}


def generated_plan(size: int) -> str:
    """A plan of `size` bytes or more: the bundled sample plans' sections, repeated."""
    samples = sorted((Path(sys.path[0]) / "corpus" / "samples").glob("*.txt"))  # the tree's own samples
    sections = "\n\n".join(p.read_text(encoding="utf-8") for p in samples)
    copies = max(1, -(-size // len(sections.encode())))
    return "\n\n".join([sections] * copies)


def scale(sizes: list[int], budget_s: float = 120.0) -> dict:
    """Seconds per MB at each size; sizes after one that took longer than `budget_s` are skipped."""
    _normalize_extract(generated_plan(1))
    out = {}
    for size in sizes:
        text = generated_plan(size)
        seconds = min(_normalize_extract(text) for _ in range(3 if size <= 1_000_000 else 1))  # small: best of 3
        mb = len(text.encode()) / 1e6
        out[str(size)] = {"megabytes": round(mb, 3), "cpu_s": round(seconds, 2), "s_per_mb": round(seconds / mb, 3)}
        if seconds > budget_s:
            break
    return out


def main() -> None:
    tree, mode, args = sys.argv[1], sys.argv[2], sys.argv[3:]
    sys.path[0] = str(Path(tree).resolve())  # the tree's packages, not this script's folder
    if mode == "texts":
        result = texts([Path(a) for a in args])
    elif mode == "pdfs":
        result = pdfs([Path(a) for a in args])
    elif mode == "scale":
        result = scale([int(a) for a in args])
    else:
        raise SystemExit(f"unknown mode {mode!r}: texts, pdfs or scale")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
