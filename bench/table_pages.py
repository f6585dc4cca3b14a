"""Tables in the per-document work: time per page with a criteria table on one page in five.

    python bench/table_pages.py --docs 40

Builds three corpora of five-page PDFs (no table; a ruled table; an unruled
table on one page in five), normalizes and extracts each in this process, and
prints the least CPU time per page over the rounds, the ratio to the
table-free corpus, and the two ways of reading an unruled table.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fixtures import build  # noqa: E402 - the PDF typesetting helper

def _table_doc(args: tuple[str, int, str | None]) -> int:
    path, seed, table = args
    paragraphs = build.sample_paragraphs()
    random.Random(seed).shuffle(paragraphs)
    font = build.find_vietnamese_font()
    if table is None:
        return build.typeset_pdf(Path(path), paragraphs[:40], font, min_pages=5, header=False).n_pages
    return build.typeset_pdf(Path(path), paragraphs[:40], font, min_pages=5, header=False, table_after=3,
                             table_ruled=table == "ruled").n_pages


def table_pages(folder: Path, n_docs: int, workers: int, rounds: int = 9) -> dict:
    """Time per page on PDFs without tables, and on the same PDFs with a criteria table on one page in
    five (ruled: the pdfium grid path; unruled: column alignment), plus the two ways of reading an
    unruled table (pdfplumber's text strategies, column alignment on pdfium's characters).

    Normalize and extract run in this process, the three corpora in turn, `rounds` times; the figure
    is the least CPU time per page over the rounds (other processes on the machine inflate wall time)."""
    from extract.registry import extract_document
    from normalize.pipeline import normalize_path

    kinds = {"no_table": None, "ruled": "ruled", "unruled": "unruled"}
    corpora: dict[str, list[Path]] = {}
    for name, kind in kinds.items():
        inputs = folder / name
        marker = folder / f"{name}.done"
        if not marker.exists():
            shutil.rmtree(inputs, ignore_errors=True)
            inputs.mkdir(parents=True)
            jobs = [(str(inputs / f"{i:04d}.pdf"), i, kind) for i in range(n_docs)]
            with mp.get_context("forkserver").Pool(workers) as pool:
                list(pool.imap_unordered(_table_doc, jobs))
            marker.write_text("")
        corpora[name] = sorted(inputs.glob("*.pdf"))
    best = {name: (float("inf"), float("inf")) for name in kinds}
    pages = {}
    for _ in range(rounds):
        for name, paths in corpora.items():
            started = time.process_time()
            docs = [normalize_path(p) for p in paths]
            normalized = time.process_time()
            tables = sum(len(d.tables) for d in docs)
            for doc in docs:
                extract_document(doc)
            done = time.process_time()
            pages[name] = (sum(d.n_pages or 0 for d in docs), tables)
            best[name] = (min(best[name][0], normalized - started), min(best[name][1], done - normalized))
    results: dict = {}
    base = None
    for name in kinds:
        n_pages, n_tables = pages[name]
        normalize_ms, extract_ms = (round(1000 * v / max(1, n_pages), 2) for v in best[name])
        row = {"docs": len(corpora[name]), "pages": n_pages, "tables": n_tables, "normalize_ms_per_page": normalize_ms,
               "extract_ms_per_page": extract_ms, "ms_per_page": round(normalize_ms + extract_ms, 2)}
        if base is None:
            base = row["ms_per_page"]
        else:
            row["vs_no_table"] = round(row["ms_per_page"] / base, 3)
        results[f"tables_{name}"] = row
        print(json.dumps({f"tables_{name}": row}), flush=True)
    results["unruled_readers"] = unruled_readers(corpora["unruled"][:20])
    print(json.dumps({"unruled_readers": results["unruled_readers"]}), flush=True)
    return results


def unruled_readers(pdfs: list[Path]) -> dict:
    """pdfplumber's text-alignment strategies against column alignment on pdfium's characters, on the
    pages that hold an unruled table: time per page and whether each finds the 20 x 3 criteria table."""
    import pdfplumber
    import pypdfium2

    from normalize.readers.pdf import _column_table

    out = {}
    settings = {"vertical_strategy": "text", "horizontal_strategy": "text"}
    for name in ("pdfplumber_text", "columns"):
        started, pages, found = time.monotonic(), 0, 0
        for path in pdfs:
            if name == "pdfplumber_text":
                with pdfplumber.open(path) as pdf:
                    for page in pdf.pages[:1]:
                        tables = page.extract_tables(settings)
                        found += any(len(t) == 20 and len(t[0]) == 3 for t in tables)
                        pages += 1
            else:
                document = pypdfium2.PdfDocument(str(path))
                page = document[0]
                textpage = page.get_textpage()
                table = _column_table(textpage, page.get_height())
                found += bool(table) and len(table[2]) == 20 and len(table[2][0]) == 3
                textpage.close()
                page.close()
                document.close()
                pages += 1
        seconds = time.monotonic() - started
        out[name] = {"pages": pages, "ms_per_page": round(1000 * seconds / max(1, pages), 2), "found_20x3": found}
    return out




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=40, help="five-page PDFs per corpus (default 40)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "runs" / time.strftime("tables-%Y%m%d-%H%M%S"))
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    results = table_pages(args.out / "tables", args.docs, args.workers)
    (args.out / "results_tables.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
