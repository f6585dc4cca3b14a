"""Per-core rates of the per-document work, for this tree and another, side by side.

    python bench/compare_rates.py --baseline main             # a git ref of this repository
    python bench/compare_rates.py --baseline /tmp/main-tree   # or another source tree

Normalize + extract MB/s per core on generated text plans, worker ms per page
on typeset PDFs, and seconds per MB of one generated plan from 100 KB to 10 MB,
each measured by bench/extract_rates.py in a subprocess per code tree.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run_bench import DEFAULT_PROVINCE, baseline_tree, make_archive  # noqa: E402


SCALE_SIZES = (100_000, 300_000, 1_000_000, 3_000_000, 10_000_000)


def _rates(tree: Path, mode: str, args: list[str]) -> dict:
    """bench/extract_rates.py for one code tree (a subprocess: each tree imports its own packages)."""
    command = [sys.executable, str(ROOT / "bench" / "extract_rates.py"), str(tree), mode, *args]
    done = subprocess.run(command, cwd=tree, check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def per_core_rates(trees: dict[str, Path], archive: Path, formats: list[str], pdf_docs: int) -> dict:
    """{tree name: {"text": ..., "pdf": ..., "scale": ...}} for each tree, on the same inputs."""
    out: dict[str, dict] = {}
    for name, tree in trees.items():
        rates: dict = {}
        if "txt" in formats:
            rates["text"] = _rates(tree, "texts", [str(p) for p in sorted((archive / "txt").glob("*.txt"))])
        if "pdf" in formats:
            rates["pdf"] = _rates(tree, "pdfs", [str(p) for p in sorted((archive / "pdf").glob("*.pdf"))[:pdf_docs]])
        rates["scale"] = _rates(tree, "scale", [str(n) for n in SCALE_SIZES])
        out[name] = rates
        print(json.dumps({f"per_core_{name}": rates}), flush=True)
    return out


def print_rates(rates: dict) -> None:
    """The per-core rows, one column per tree."""
    names = list(rates)
    rows = [("per core (CPU time)", *names)]
    if all("text" in rates[n] for n in names):
        rows.append(("normalize+extract, text (MB/s)", *(rates[n]["text"]["mb_per_s_per_core"] for n in names)))
    if all("pdf" in rates[n] for n in names):
        rows.append(("worker time, text PDF (ms/page)", *(rates[n]["pdf"]["ms_per_page"] for n in names)))
    for size in SCALE_SIZES:
        cells = [rates[n]["scale"].get(str(size)) for n in names]
        rows.append((f"time per MB, {size / 1e6:g} MB plan (s/MB)",
                     *(c["s_per_mb"] if c else "skipped" for c in cells)))
    widths = [max(len(str(row[i])) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(str(v).ljust(w) if i == 0 else str(v).rjust(w) for i, (v, w) in enumerate(zip(row, widths))))



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=200, help="generated plans per format (default 200)")
    parser.add_argument("--pdf-docs", type=int, default=100, help="PDFs measured (default 100)")
    parser.add_argument("--baseline", help="another source tree, or a git ref of this repository, measured beside this one")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "runs" / time.strftime("rates-%Y%m%d-%H%M%S"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    archive = args.out / "archive"
    make_archive(archive, args.docs, ["txt", "pdf"], DEFAULT_PROVINCE, args.workers)
    trees = {"this tree": ROOT}
    if args.baseline:
        given = Path(args.baseline)
        trees["baseline"] = given.resolve() if given.is_dir() else baseline_tree(args.baseline, args.out / "trees")
    rates = per_core_rates(trees, archive, ["txt", "pdf"], args.pdf_docs)
    (args.out / "rates.json").write_text(json.dumps(rates, indent=2) + "\n")
    print_rates(rates)


if __name__ == "__main__":
    main()
